//! Which requests the server answers: those addressed to it by a name it
//! is known by (the `Host` header, against DNS rebinding) and, when a
//! browser says where the request comes from (`Origin`), from its own page
//! only, so that other sites cannot drive it. Requests that change
//! anything must also say they carry JSON, which a cross-site form cannot.

/// The names the server answers to, each with its port.
#[derive(Debug, Clone)]
pub struct Guard {
    hosts: Vec<String>,
}

impl Guard {
    /// For a server bound to `bound` (an IP address or a host name) on `port`.
    pub fn new(bound: &str, port: u16) -> Guard {
        let mut names = vec![
            "127.0.0.1".to_string(),
            "localhost".to_string(),
            "[::1]".to_string(),
        ];
        let bound = if bound.contains(':') && !bound.starts_with('[') {
            format!("[{bound}]")
        } else {
            bound.to_string()
        };
        if !names.contains(&bound) && bound != "0.0.0.0" && bound != "[::]" {
            names.push(bound);
        }
        Guard {
            hosts: names.iter().map(|n| format!("{n}:{port}")).collect(),
        }
    }

    /// The first name, for the address to open.
    pub fn url(&self) -> String {
        format!("http://{}/", self.hosts[0])
    }

    /// Whether a `Host` header names this server.
    pub fn host_ok(&self, host: Option<&str>) -> bool {
        host.is_some_and(|h| self.hosts.iter().any(|k| k.eq_ignore_ascii_case(h.trim())))
    }

    /// Whether an `Origin` header, when present, is this server's own page.
    pub fn origin_ok(&self, origin: Option<&str>) -> bool {
        match origin {
            None => true,
            Some(o) => o
                .trim()
                .strip_prefix("http://")
                .is_some_and(|rest| self.host_ok(Some(rest))),
        }
    }

    /// Why a request is refused, or None when it may be answered.
    pub fn refuse(&self, r: &Request<'_>) -> Option<&'static str> {
        if !self.host_ok(r.host) {
            return Some("unknown Host: this server answers only to its own address");
        }
        if !self.origin_ok(r.origin) {
            return Some("requests from other sites are refused");
        }
        let changes = !matches!(r.method, "GET" | "HEAD");
        let json = r.content_type.is_some_and(|t| {
            t.trim()
                .to_ascii_lowercase()
                .starts_with("application/json")
        });
        if changes && !json {
            return Some("requests that change anything must send application/json");
        }
        None
    }
}

/// The headers a request is judged by.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    pub method: &'a str,
    pub host: Option<&'a str>,
    pub origin: Option<&'a str>,
    pub content_type: Option<&'a str>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get<'a>(host: Option<&'a str>, origin: Option<&'a str>) -> Request<'a> {
        Request {
            method: "GET",
            host,
            origin,
            content_type: None,
        }
    }

    #[test]
    fn only_its_own_names_and_port() {
        let g = Guard::new("127.0.0.1", 8080);
        assert!(g.refuse(&get(Some("127.0.0.1:8080"), None)).is_none());
        assert!(g.refuse(&get(Some("localhost:8080"), None)).is_none());
        assert!(g.refuse(&get(Some("[::1]:8080"), None)).is_none());
        assert!(g.refuse(&get(Some("evil.example:8080"), None)).is_some());
        assert!(g.refuse(&get(Some("127.0.0.1:8081"), None)).is_some());
        assert!(g.refuse(&get(None, None)).is_some());
    }

    #[test]
    fn other_sites_cannot_drive_it() {
        let g = Guard::new("127.0.0.1", 8080);
        let host = Some("127.0.0.1:8080");
        assert!(
            g.refuse(&get(host, Some("http://localhost:8080")))
                .is_none()
        );
        assert!(g.refuse(&get(host, Some("http://evil.example"))).is_some());
        assert!(g.refuse(&get(host, Some("null"))).is_some());
        assert!(
            g.refuse(&get(host, Some("https://127.0.0.1:8080")))
                .is_some()
        );
        let form = Request {
            method: "POST",
            host,
            origin: None,
            content_type: Some("application/x-www-form-urlencoded"),
        };
        assert!(g.refuse(&form).is_some());
        let json = Request {
            content_type: Some("application/json"),
            ..form
        };
        assert!(g.refuse(&json).is_none());
    }

    #[test]
    fn a_named_host_is_added() {
        let g = Guard::new("192.0.2.7", 9000);
        assert!(g.host_ok(Some("192.0.2.7:9000")));
        assert!(g.host_ok(Some("localhost:9000")));
        let any = Guard::new("0.0.0.0", 9000);
        assert!(!any.host_ok(Some("0.0.0.0:9000")));
    }
}
