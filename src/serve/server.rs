//! The HTTP server: binds (127.0.0.1 unless told), turns away requests
//! the guard refuses, answers each request on its own thread (so that a
//! request waiting for its run holds up no other), and stops when asked or
//! interrupted.

use std::io::Read;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use tiny_http::{Header, Request, Response};

use super::api::{Api, Reply};
use super::guard::{self, Guard};
use super::page;
use super::session::Session;
use crate::app::Failure;

/// Requests answered at once; more get 503.
const MAX_IN_FLIGHT: usize = 128;

/// Largest request body read (bytes).
const MAX_BODY: u64 = 1 << 20;

/// Where to listen.
#[derive(Debug, Clone)]
pub struct Options {
    /// Address to bind: 127.0.0.1 unless told.
    pub host: String,
    /// Port; 0 for any free one.
    pub port: u16,
}

/// A running server.
pub struct Server {
    http: Arc<tiny_http::Server>,
    api: Arc<Api>,
    guard: Arc<Guard>,
    addr: SocketAddr,
    in_flight: Arc<AtomicUsize>,
}

impl Server {
    /// Binds and gets ready to answer; nothing is answered until [`Server::serve`].
    pub fn bind(session: Session, opts: &Options) -> Result<Server, Failure> {
        let refused = |e: String| {
            Failure::Usage(format!(
                "cannot listen on {}:{}: {e}; choose another --port (0 picks a free one)",
                opts.host, opts.port
            ))
        };
        let listener = std::net::TcpListener::bind((opts.host.as_str(), opts.port))
            .map_err(|e| refused(e.to_string()))?;
        no_delay(&listener);
        let http =
            tiny_http::Server::from_listener(listener, None).map_err(|e| refused(e.to_string()))?;
        let addr = http
            .server_addr()
            .to_ip()
            .ok_or_else(|| Failure::Usage("not an IP address".into()))?;
        Ok(Server {
            http: Arc::new(http),
            guard: Arc::new(Guard::new(&opts.host, addr.port())),
            api: Arc::new(Api::new(session)),
            addr,
            in_flight: Arc::new(AtomicUsize::new(0)),
        })
    }

    /// The address the page is at.
    pub fn url(&self) -> String {
        self.guard.url()
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// Answers requests until `stop` is set.
    pub fn serve(&self, stop: &AtomicBool) {
        while !stop.load(Ordering::Relaxed) {
            let request = match self.http.recv_timeout(Duration::from_millis(100)) {
                Ok(Some(r)) => r,
                Ok(None) => continue,
                Err(_) => break,
            };
            if self.in_flight.fetch_add(1, Ordering::SeqCst) >= MAX_IN_FLIGHT {
                self.in_flight.fetch_sub(1, Ordering::SeqCst);
                let _ = request.respond(text(503, "too many requests at once; try again"));
                continue;
            }
            let (api, guard, count) =
                (self.api.clone(), self.guard.clone(), self.in_flight.clone());
            let spawned = std::thread::Builder::new()
                .name("muster-request".into())
                .spawn(move || {
                    answer(&api, &guard, request);
                    count.fetch_sub(1, Ordering::SeqCst);
                });
            if spawned.is_err() {
                self.in_flight.fetch_sub(1, Ordering::SeqCst);
            }
        }
    }
}

/// Sets TCP_NODELAY on the listening socket, which the connections it
/// accepts inherit: an answer written in two parts (head, then body) must
/// not wait for the client's delayed acknowledgement of the first (about
/// 40 ms on Linux).
fn no_delay(listener: &std::net::TcpListener) {
    use std::os::fd::AsRawFd;
    let on: libc::c_int = 1;
    // SAFETY: a valid socket and a c_int option of the size given.
    unsafe {
        libc::setsockopt(
            listener.as_raw_fd(),
            libc::IPPROTO_TCP,
            libc::TCP_NODELAY,
            (&on as *const libc::c_int).cast(),
            std::mem::size_of::<libc::c_int>() as libc::socklen_t,
        );
    }
}

fn header<'a>(r: &'a Request, name: &'static str) -> Option<&'a str> {
    r.headers()
        .iter()
        .find(|h| h.field.equiv(name))
        .map(|h| h.value.as_str())
}

fn with_type<R: Read>(r: Response<R>, kind: &str) -> Response<R> {
    let mut r = r;
    for (k, v) in [
        ("Content-Type", kind),
        ("Cache-Control", "no-store"),
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),
        (
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
        ),
    ] {
        if let Ok(h) = Header::from_bytes(k.as_bytes(), v.as_bytes()) {
            r.add_header(h);
        }
    }
    r
}

fn text(status: u16, body: &str) -> Response<std::io::Cursor<Vec<u8>>> {
    with_type(
        Response::from_string(body).with_status_code(status),
        "text/plain; charset=utf-8",
    )
}

/// Answers one request.
fn answer(api: &Api, guard: &Guard, mut request: Request) {
    let method = request.method().as_str().to_string();
    let judged = guard::Request {
        method: &method,
        host: header(&request, "Host"),
        origin: header(&request, "Origin"),
        content_type: header(&request, "Content-Type"),
    };
    if let Some(why) = guard.refuse(&judged) {
        let _ = request.respond(text(403, why));
        return;
    }
    let path = request.url().split('?').next().unwrap_or("").to_string();
    let response = match (method.as_str(), path.as_str()) {
        ("GET" | "HEAD", p) if page::asset(p).is_some() => {
            let (kind, body) = page::asset(p).unwrap_or(("text/plain", ""));
            with_type(Response::from_string(body), kind)
        }
        ("GET", "/api/scenario") => json(api.scenario()),
        ("POST", p) if p.starts_with("/api/") => {
            let mut body = String::new();
            let read = request.as_reader().take(MAX_BODY).read_to_string(&mut body);
            match read.map_err(|e| e.to_string()).and_then(|_| {
                serde_json::from_str::<serde_json::Value>(&body).map_err(|e| e.to_string())
            }) {
                Err(e) => json(Reply::bad(format!("the request is not JSON: {e}"))),
                Ok(v) => json(api.post(p, &v)),
            }
        }
        _ => text(404, "not found: this server serves only its own page"),
    };
    let _ = request.respond(response);
}

fn json(r: Reply) -> Response<std::io::Cursor<Vec<u8>>> {
    with_type(
        Response::from_string(r.body.to_string()).with_status_code(r.status),
        "application/json",
    )
}
