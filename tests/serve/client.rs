//! A `muster serve` started for a test, and a small HTTP/1.0 client for
//! it (one request per connection, so that the answer ends at the close).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Stdio};
use std::sync::Arc;

use serde_json::Value;

/// The running program; stopped when the last handle is dropped.
#[derive(Clone)]
pub struct Served {
    _running: Arc<Running>,
    pub addr: String,
}

struct Running(std::sync::Mutex<Child>);

impl Drop for Running {
    fn drop(&mut self) {
        if let Ok(mut c) = self.0.lock() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

impl Served {
    /// Starts `muster serve ARGS --port 0` in `dir` and waits for its address.
    pub fn start(dir: &Path, args: &[&str]) -> Served {
        let mut child = crate::util::muster()
            .arg("serve")
            .args(args)
            .args(["--port", "0"])
            .current_dir(dir)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("muster serve starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let addr = line
            .split("http://")
            .nth(1)
            .and_then(|r| r.split('/').next())
            .unwrap_or_else(|| panic!("no address in {line:?}"))
            .to_string();
        Served {
            _running: Arc::new(Running(std::sync::Mutex::new(child))),
            addr,
        }
    }

    pub fn origin(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// One request with its own headers (a Host header replaces the right one).
    pub fn raw(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &str,
    ) -> (u16, String, String) {
        let mut s = TcpStream::connect(&self.addr).expect("the server accepts");
        let mut req = format!("{method} {path} HTTP/1.0\r\n");
        if !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("host")) {
            req += &format!("Host: {}\r\n", self.addr);
        }
        for (k, v) in headers {
            req += &format!("{k}: {v}\r\n");
        }
        req += &format!("Content-Length: {}\r\n\r\n{body}", body.len());
        s.write_all(req.as_bytes()).unwrap();
        let mut out = Vec::new();
        s.read_to_end(&mut out).unwrap();
        let text = String::from_utf8_lossy(&out).into_owned();
        let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
        let status = head
            .split_whitespace()
            .nth(1)
            .and_then(|c| c.parse().ok())
            .unwrap_or_else(|| panic!("no status in {head:?}"));
        (status, head.to_string(), body.to_string())
    }

    pub fn get(&self, path: &str) -> (u16, String, String) {
        self.raw("GET", path, &[], "")
    }

    /// POSTs JSON; returns the status and the JSON answer.
    pub fn post(&self, path: &str, body: &Value) -> (u16, Value) {
        let (status, _, text) = self.raw(
            "POST",
            path,
            &[("Content-Type", "application/json")],
            &body.to_string(),
        );
        let v = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}: {text}"));
        (status, v)
    }
}
