//! The `hookmap` command line in WebAssembly: [`run`] takes the arguments and a host object of
//! synchronous functions (Node's `fs`, `process`, and `fetch` in a child process: see the
//! package's `bin/hookmap.mjs`), and runs [`hookmap_cli::run`] on it: the commands, their
//! output and exit codes are the native binary's, from the same code.

use hookmap_cli::{Host, HttpRequest, HttpResponse};
use js_sys::Uint8Array;
use mapper_core::Clock;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// What `bin/hookmap.mjs` passes: synchronous functions over Node's APIs. A function that
    /// fails throws an `Error` whose message is what to print (worded as the native binary
    /// words the operating system's errors).
    pub type JsHost;

    #[wasm_bindgen(method, catch, js_name = readFile)]
    fn read_file(this: &JsHost, path: &str) -> Result<Uint8Array, JsValue>;
    #[wasm_bindgen(method, catch)]
    fn open(this: &JsHost, path: &str) -> Result<f64, JsValue>;
    #[wasm_bindgen(method, catch, js_name = readFd)]
    fn read_fd(this: &JsHost, fd: f64, max: u32) -> Result<Uint8Array, JsValue>;
    #[wasm_bindgen(method)]
    fn close(this: &JsHost, fd: f64);
    #[wasm_bindgen(method, catch, js_name = writeFile)]
    fn write_file(this: &JsHost, path: &str, data: &[u8]) -> Result<(), JsValue>;
    #[wasm_bindgen(method, catch, js_name = listDir)]
    fn list_dir(this: &JsHost, path: &str) -> Result<Vec<String>, JsValue>;
    #[wasm_bindgen(method, js_name = isFile)]
    fn is_file(this: &JsHost, path: &str) -> bool;
    #[wasm_bindgen(method, js_name = isDir)]
    fn is_dir(this: &JsHost, path: &str) -> bool;
    /// Write to standard output (1) or error (2); false once the reader went away.
    #[wasm_bindgen(method, js_name = writeStream)]
    fn write_stream(this: &JsHost, fd: u32, data: &[u8]) -> bool;
    #[wasm_bindgen(method)]
    fn env(this: &JsHost, name: &str) -> Option<String>;
    /// Every variable, as `NAME=value` strings.
    #[wasm_bindgen(method, js_name = envAll)]
    fn env_all(this: &JsHost) -> Vec<String>;
    /// An HTTP request as JSON in, `{status, body}` or `{error}` as JSON out.
    #[wasm_bindgen(method)]
    fn http(this: &JsHost, request: &str) -> String;
    /// Seconds since the Unix epoch.
    #[wasm_bindgen(method)]
    fn now(this: &JsHost) -> f64;
}

fn io_error(e: JsValue) -> io::Error {
    let message = js_sys::Error::from(e)
        .message()
        .as_string()
        .unwrap_or_else(|| "unknown error".into());
    io::Error::other(message)
}

fn path_str(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

/// A shared handle on the JS host (the bin runs one command; the host lives as long).
#[derive(Clone)]
struct Shared(Arc<JsHost>);

// SAFETY-free: wasm32 is single-threaded; the clock is only ever called on this thread.
unsafe impl Send for Shared {}
unsafe impl Sync for Shared {}

/// A stream of the host (1: stdout, 2: stderr), buffered as the native binary's.
struct Stream {
    host: Shared,
    fd: u32,
    buffer: Vec<u8>,
    closed: bool,
}

impl Write for Stream {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        if self.closed {
            return Err(io::ErrorKind::BrokenPipe.into());
        }
        self.buffer.extend_from_slice(data);
        if self.buffer.len() >= 1 << 16 {
            self.flush()?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.closed {
            return Err(io::ErrorKind::BrokenPipe.into());
        }
        if !self.buffer.is_empty() {
            let ok = self.host.0.write_stream(self.fd, &self.buffer);
            self.buffer.clear();
            if !ok {
                self.closed = true;
                return Err(io::ErrorKind::BrokenPipe.into());
            }
        }
        Ok(())
    }
}

/// A file read through the host in chunks (for `map --ndjson`).
struct FdReader {
    host: Shared,
    fd: f64,
}

impl Read for FdReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let chunk = self
            .host
            .0
            .read_fd(self.fd, buf.len().min(1 << 16) as u32)
            .map_err(io_error)?;
        let n = chunk.length() as usize;
        chunk.copy_to(&mut buf[..n]);
        Ok(n)
    }
}

impl Drop for FdReader {
    fn drop(&mut self) {
        self.host.0.close(self.fd);
    }
}

struct DateClock(Shared);

impl Clock for DateClock {
    fn now(&self) -> f64 {
        self.0 .0.now()
    }
}

/// The host the commands run on.
struct Node {
    host: Shared,
    stdout: Stream,
    stderr: Stream,
}

impl Host for Node {
    fn read(&mut self, path: &Path) -> io::Result<Vec<u8>> {
        Ok(self.host.0.read_file(&path_str(path)).map_err(io_error)?.to_vec())
    }

    fn open_lines(&mut self, path: &Path) -> io::Result<Box<dyn BufRead>> {
        let fd = self.host.0.open(&path_str(path)).map_err(io_error)?;
        Ok(Box::new(BufReader::with_capacity(
            1 << 16,
            FdReader {
                host: self.host.clone(),
                fd,
            },
        )))
    }

    fn write(&mut self, path: &Path, data: &[u8]) -> io::Result<()> {
        self.host.0.write_file(&path_str(path), data).map_err(io_error)
    }

    fn list(&mut self, dir: &Path) -> io::Result<Vec<PathBuf>> {
        let names = self.host.0.list_dir(&path_str(dir)).map_err(io_error)?;
        Ok(names.into_iter().map(|n| dir.join(n)).collect())
    }

    fn is_file(&mut self, path: &Path) -> bool {
        self.host.0.is_file(&path_str(path))
    }

    fn is_dir(&mut self, path: &Path) -> bool {
        self.host.0.is_dir(&path_str(path))
    }

    fn stdout(&mut self) -> &mut dyn Write {
        &mut self.stdout
    }

    fn stderr(&mut self) -> &mut dyn Write {
        &mut self.stderr
    }

    fn env(&self, name: &str) -> Option<String> {
        self.host.0.env(name)
    }

    fn env_all(&self) -> Vec<(String, String)> {
        self.host
            .0
            .env_all()
            .into_iter()
            .filter_map(|kv| kv.split_once('=').map(|(k, v)| (k.to_owned(), v.to_owned())))
            .collect()
    }

    fn http(&mut self, request: &HttpRequest) -> Result<HttpResponse, String> {
        let json = serde_json_text(request);
        let answer = self.host.0.http(&json);
        #[derive(serde::Deserialize)]
        struct Answer {
            status: Option<u16>,
            body: Option<String>,
            error: Option<String>,
        }
        let a: Answer =
            serde_json::from_str(&answer).map_err(|e| format!("the HTTP helper answered {answer:?}: {e}"))?;
        match (a.error, a.status) {
            (Some(e), _) => Err(format!("{} {}: {e}", request.method, request.url)),
            (None, Some(status)) => Ok(HttpResponse {
                status,
                body: a.body.unwrap_or_default(),
            }),
            (None, None) => Err(format!("{} {}: no answer", request.method, request.url)),
        }
    }

    fn clock(&self) -> Arc<dyn Clock> {
        Arc::new(DateClock(self.host.clone()))
    }
}

fn serde_json_text(request: &HttpRequest) -> String {
    serde_json::to_string(request).expect("requests serialise")
}

/// Run `hookmap` with `args` (the program's name first) on `host`; the exit code.
#[wasm_bindgen]
pub fn run(args: Vec<String>, host: JsHost) -> u8 {
    let shared = Shared(Arc::new(host));
    let mut node = Node {
        stdout: Stream {
            host: shared.clone(),
            fd: 1,
            buffer: Vec::new(),
            closed: false,
        },
        stderr: Stream {
            host: shared.clone(),
            fd: 2,
            buffer: Vec::new(),
            closed: false,
        },
        host: shared,
    };
    let code = hookmap_cli::run(&args, &mut node);
    let _ = node.stdout.flush();
    let _ = node.stderr.flush();
    code
}
