//! What a command needs of the world, and nothing else: files, standard streams, the
//! environment and HTTP. The native binary implements it with the standard library and ureq
//! ([`crate::native`]); the npm package's `hookmap` bin with Node's `fs`, `process` and `fetch`
//! (mapper-wasm/cli). Every command runs on a [`Host`], so both front ends print the same bytes
//! and exit with the same codes.

use std::io::{self, BufRead, Write};
use std::path::{Path, PathBuf};

/// One HTTP request (to Port's API).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct HttpRequest {
    /// `GET`, `POST`, `PATCH`, ...
    pub method: String,
    /// The whole URL.
    pub url: String,
    /// Header names and values.
    pub headers: Vec<(String, String)>,
    /// The body (JSON text), if any.
    pub body: Option<String>,
}

/// The answer to an [`HttpRequest`].
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct HttpResponse {
    /// The status code.
    pub status: u16,
    /// The body, as text.
    pub body: String,
}

/// The world a command runs in.
pub trait Host {
    /// A file's bytes; `-` is standard input.
    fn read(&mut self, path: &Path) -> io::Result<Vec<u8>>;
    /// A file (`-`: standard input) read line by line, for inputs too big to hold at once.
    fn open_lines(&mut self, path: &Path) -> io::Result<Box<dyn BufRead>>;
    /// Write a file whole (creating its folder).
    fn write(&mut self, path: &Path, data: &[u8]) -> io::Result<()>;
    /// The entries of a folder (files and folders), in any order.
    fn list(&mut self, dir: &Path) -> io::Result<Vec<PathBuf>>;
    /// Whether `path` is a file.
    fn is_file(&mut self, path: &Path) -> bool;
    /// Whether `path` is a folder.
    fn is_dir(&mut self, path: &Path) -> bool;
    /// Standard output.
    fn stdout(&mut self) -> &mut dyn Write;
    /// Standard error.
    fn stderr(&mut self) -> &mut dyn Write;
    /// An environment variable.
    fn env(&self, name: &str) -> Option<String>;
    /// Every environment variable (`env` and `$ENV` of standard jq).
    fn env_all(&self) -> Vec<(String, String)>;
    /// Make an HTTP request; `Err` when no answer came (the message says why).
    fn http(&mut self, request: &HttpRequest) -> Result<HttpResponse, String>;
    /// The clock `now` and time limits read (WebAssembly has none of its own).
    fn clock(&self) -> std::sync::Arc<dyn mapper_core::Clock>;
}

/// Standard output and error for commands: a reader that went away (`hookmap map ... | head`)
/// ends the output quietly, and the command goes on to its exit code; nothing panics.
pub struct Out<'h> {
    host: &'h mut dyn Host,
    closed: bool,
}

impl<'h> Out<'h> {
    /// Output on `host`.
    pub fn new(host: &'h mut dyn Host) -> Self {
        Self { host, closed: false }
    }

    /// The host underneath (files, environment, HTTP).
    pub fn host(&mut self) -> &mut dyn Host {
        self.host
    }

    /// Write to standard output; once the reader is gone, nothing more is written.
    pub fn print(&mut self, text: &str) {
        self.bytes(text.as_bytes());
    }

    /// A line on standard output.
    pub fn line(&mut self, text: &str) {
        self.print(text);
        self.print("\n");
    }

    /// Bytes on standard output.
    pub fn bytes(&mut self, data: &[u8]) {
        if !self.closed && self.host.stdout().write_all(data).is_err() {
            self.closed = true;
        }
    }

    /// A line on standard error (standard output is flushed first, so the two interleave as
    /// written).
    pub fn err(&mut self, text: &str) {
        self.flush();
        let e = self.host.stderr();
        let _ = e.write_all(text.as_bytes());
        let _ = e.write_all(b"\n");
        let _ = e.flush();
    }

    /// Flush standard output.
    pub fn flush(&mut self) {
        if !self.closed && self.host.stdout().flush().is_err() {
            self.closed = true;
        }
    }

    /// True once standard output's reader went away.
    pub fn closed(&self) -> bool {
        self.closed
    }
}

impl Drop for Out<'_> {
    fn drop(&mut self) {
        self.flush();
    }
}
