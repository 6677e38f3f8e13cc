//! `--upstream`: the one server the proxy forwards to, and where each request goes below it.

use crate::live::server::{self, Target};

/// The upstream every request goes to.
#[derive(Debug, Clone)]
pub struct Upstream {
    /// `https://host[:port][/prefix]`, without a trailing `/`.
    base: String,
    /// `https://host[:port]`: where `OPTIONS *` goes.
    pub(crate) origin: String,
}

impl Upstream {
    /// Reads `--upstream`: HTTPS, or plain HTTP to this machine only (a token sent in clear
    /// over a network is a token given away).
    ///
    /// # Errors
    /// A message saying what is wrong with the URL.
    pub fn parse(url: &str) -> Result<Self, String> {
        let uri: hyper::Uri = url
            .parse()
            .map_err(|e| format!("--upstream {url}: not a URL: {e}"))?;
        let (Some(scheme), Some(authority)) = (uri.scheme_str(), uri.authority()) else {
            return Err(format!(
                "--upstream {url}: give a full URL such as https://oapi.dingtalk.com"
            ));
        };
        match scheme {
            "https" => {}
            "http" if server::is_loopback_host(authority.host()) => {}
            "http" => {
                return Err(format!(
                    "--upstream {url}: plain HTTP is allowed only to this machine (127.0.0.1, ::1, localhost); use https"
                ))
            }
            other => return Err(format!("--upstream {url}: `{other}` is not http or https")),
        }
        if uri.query().is_some() {
            return Err(format!("--upstream {url}: the upstream takes no query"));
        }
        let prefix = uri.path().trim_end_matches('/');
        Ok(Self {
            base: format!("{scheme}://{authority}{prefix}"),
            origin: format!("{scheme}://{authority}"),
        })
    }

    /// Whether requests go out over TLS.
    pub fn is_https(&self) -> bool {
        self.base.starts_with("https://")
    }

    /// The upstream as the proxy's messages show it.
    pub fn shown(&self) -> &str {
        &self.base
    }

    /// Where a request for `target` goes: its path and query below the base, or the origin's
    /// `*`. Never another host or port, whatever the request line named.
    pub(crate) fn uri(&self, target: &Target) -> Option<hyper::Uri> {
        match target {
            Target::Path { path, query } => match query {
                Some(q) => format!("{}{path}?{q}", self.base),
                None => format!("{}{path}", self.base),
            }
            .parse()
            .ok(),
            Target::Asterisk => {
                let origin: hyper::Uri = self.origin.parse().ok()?;
                let mut parts = origin.into_parts();
                parts.path_and_query = Some(hyper::http::uri::PathAndQuery::from_static("*"));
                hyper::Uri::from_parts(parts).ok()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_https_or_loopback_http_upstreams_are_taken() {
        assert!(Upstream::parse("https://oapi.dingtalk.com").is_ok());
        assert_eq!(
            Upstream::parse("http://127.0.0.1:9/base/")
                .expect("loopback")
                .shown(),
            "http://127.0.0.1:9/base"
        );
        assert!(Upstream::parse("http://[::1]:80").is_ok());
        assert!(Upstream::parse("http://localhost:8080").is_ok());
        assert!(Upstream::parse("http://oapi.dingtalk.com").is_err());
        assert!(Upstream::parse("ftp://127.0.0.1").is_err());
        assert!(Upstream::parse("oapi.dingtalk.com").is_err());
    }
}
