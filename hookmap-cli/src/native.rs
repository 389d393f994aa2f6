//! The native [`Host`]: the standard library's files and streams, and ureq for Port's API.

use crate::host::{Host, HttpRequest, HttpResponse};
use std::io::{self, BufRead, BufReader, BufWriter, Read, Stderr, Stdout, Write};
use std::path::{Path, PathBuf};

/// Files, streams and the network of the machine the binary runs on.
pub struct NativeHost {
    stdout: BufWriter<Stdout>,
    stderr: Stderr,
    agent: Option<ureq::Agent>,
}

impl Default for NativeHost {
    fn default() -> Self {
        Self {
            stdout: BufWriter::with_capacity(1 << 16, io::stdout()),
            stderr: io::stderr(),
            agent: None,
        }
    }
}

fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

impl Host for NativeHost {
    fn read(&mut self, path: &Path) -> io::Result<Vec<u8>> {
        if is_stdin(path) {
            let mut buf = Vec::new();
            io::stdin().read_to_end(&mut buf)?;
            Ok(buf)
        } else {
            std::fs::read(path)
        }
    }

    fn open_lines(&mut self, path: &Path) -> io::Result<Box<dyn BufRead>> {
        if is_stdin(path) {
            Ok(Box::new(io::stdin().lock()))
        } else {
            Ok(Box::new(BufReader::with_capacity(1 << 16, std::fs::File::open(path)?)))
        }
    }

    fn write(&mut self, path: &Path, data: &[u8]) -> io::Result<()> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(path, data)
    }

    fn list(&mut self, dir: &Path) -> io::Result<Vec<PathBuf>> {
        std::fs::read_dir(dir)?.map(|e| e.map(|e| e.path())).collect()
    }

    fn is_file(&mut self, path: &Path) -> bool {
        path.is_file()
    }

    fn is_dir(&mut self, path: &Path) -> bool {
        path.is_dir()
    }

    fn stdout(&mut self) -> &mut dyn Write {
        &mut self.stdout
    }

    fn stderr(&mut self) -> &mut dyn Write {
        &mut self.stderr
    }

    fn env(&self, name: &str) -> Option<String> {
        std::env::var(name).ok()
    }

    fn env_all(&self) -> Vec<(String, String)> {
        std::env::vars().collect()
    }

    fn clock(&self) -> std::sync::Arc<dyn mapper_core::Clock> {
        std::sync::Arc::new(mapper_core::SystemClock)
    }

    fn http(&mut self, request: &HttpRequest) -> Result<HttpResponse, String> {
        let agent = self.agent.get_or_insert_with(|| {
            ureq::Agent::config_builder()
                // Port's answers are read whatever their status (an error body says why).
                .http_status_as_error(false)
                .timeout_global(Some(std::time::Duration::from_secs(60)))
                .build()
                .into()
        });
        let mut builder = ureq::http::Request::builder()
            .method(request.method.as_str())
            .uri(request.url.as_str());
        for (name, value) in &request.headers {
            builder = builder.header(name.as_str(), value.as_str());
        }
        let body = request.body.clone().unwrap_or_default();
        let built = builder
            .body(body)
            .map_err(|e| format!("{} {}: {e}", request.method, request.url))?;
        let mut response = agent
            .run(built)
            .map_err(|e| format!("{} {}: {e}", request.method, request.url))?;
        let status = response.status().as_u16();
        let body = response
            .body_mut()
            .read_to_string()
            .map_err(|e| format!("{} {}: reading the answer: {e}", request.method, request.url))?;
        Ok(HttpResponse { status, body })
    }
}
