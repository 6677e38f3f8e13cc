//! The egress proxy of a company network: chosen as curl chooses it (`HTTPS_PROXY`,
//! `ALL_PROXY`, `NO_PROXY`, read by hyper-util's `Matcher`), or by `--egress-proxy` and
//! `--no-proxy`, and crossed with `CONNECT`. Its credentials go only into the
//! `Proxy-Authorization` of that `CONNECT`: they are never shown.

use http_body_util::Empty;
use hyper::body::Bytes;
use hyper::header::{HeaderValue, HOST, PROXY_AUTHORIZATION};
use hyper::{Method, Request, StatusCode, Uri};
use hyper_util::client::proxy::matcher::{Intercept, Matcher};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

use super::failure::{ConnectFailure, Hop};

/// Which egress proxy the upstream is reached through, if any.
pub struct Egress {
    matcher: Matcher,
    /// The proxy as shown (scheme, host, port) and where it was named.
    shown: Option<String>,
    /// `NO_PROXY` as given, and where.
    exceptions: Option<String>,
    /// Why there is none, when there is none.
    none_because: &'static str,
}

/// The variables curl reads for an `https://` destination, first found wins: curl reads the
/// lower-case name before the upper-case one (tests/live_curl.rs holds dtlint to curl's route).
const PROXY_VARIABLES: [&str; 4] = ["https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"];
const NO_PROXY_VARIABLES: [&str; 2] = ["no_proxy", "NO_PROXY"];

fn first_set(names: &[&'static str]) -> Option<(&'static str, String)> {
    names.iter().find_map(|name| {
        std::env::var(name)
            .ok()
            .filter(|v| !v.trim().is_empty())
            .map(|v| (*name, v))
    })
}

impl Egress {
    /// The flags win over the environment. `proxy` empty means none.
    ///
    /// # Errors
    /// A message for a proxy URL that cannot be used, without its credentials.
    pub fn choose(proxy: Option<&str>, no_proxy: Option<&str>) -> Result<Self, String> {
        let (proxy, none_because) = match proxy {
            Some(value) => (
                Some(("--egress-proxy", value.to_owned())).filter(|(_, v)| !v.is_empty()),
                "--egress-proxy ''",
            ),
            None => (first_set(&PROXY_VARIABLES), "no HTTPS_PROXY"),
        };
        let exceptions = match no_proxy {
            Some(value) => Some(("--no-proxy", value.to_owned())),
            None => first_set(&NO_PROXY_VARIABLES),
        };
        let mut builder = Matcher::builder();
        let mut shown = None;
        if let Some((source, value)) = &proxy {
            let intercept = Matcher::builder()
                .https(value.as_str())
                .build()
                .intercept(&Uri::from_static("https://oapi.dingtalk.com"))
                .ok_or_else(|| {
                    format!(
                        "{source}: `{}` is not a proxy URL such as http://proxy.example:3128",
                        without_credentials(value)
                    )
                })?;
            let uri = intercept.uri();
            if uri.scheme_str() != Some("http") {
                return Err(format!(
                    "{source}: {}: only an http:// egress proxy (reached with CONNECT) is supported",
                    without_credentials(value)
                ));
            }
            let credentials = if intercept.basic_auth().is_some() {
                ", with credentials (not shown)"
            } else {
                ""
            };
            shown = Some(format!("{} ({source}{credentials})", shown_uri(uri)));
            builder = builder.https(value.as_str());
        }
        if let Some((_, value)) = &exceptions {
            builder = builder.no(as_curl_reads(value));
        }
        Ok(Self {
            matcher: builder.build(),
            shown,
            exceptions: exceptions.map(|(source, value)| format!("{source}={value}")),
            none_because,
        })
    }

    /// The egress proxy for `uri`, if it goes through one. A loopback host never does (as in
    /// Go's net/http): a plain-HTTP upstream is always on this machine.
    pub(crate) fn route(&self, uri: &Uri) -> Option<Intercept> {
        let host = uri.host()?;
        if crate::live::is_loopback_host(host) {
            return None;
        }
        self.matcher.intercept(uri)
    }

    /// In words, for the start-up line.
    pub fn describe(&self) -> String {
        match (&self.shown, &self.exceptions) {
            (Some(proxy), Some(no)) => format!("through the egress proxy {proxy}, except {no}"),
            (Some(proxy), None) => format!("through the egress proxy {proxy}"),
            (None, _) => format!("direct ({})", self.none_because),
        }
    }
}

/// `NO_PROXY` as curl reads it (lib/noproxy.c), in the form hyper-util's matcher takes:
/// entries separated by commas or blanks, an entry's trailing dot dropped, and `*` a wildcard
/// only as the whole value (inside a list it names no host).
fn as_curl_reads(no_proxy: &str) -> String {
    if no_proxy.trim() == "*" {
        return "*".to_owned();
    }
    no_proxy
        .split(|c: char| c == ',' || c.is_ascii_whitespace())
        .map(|entry| entry.strip_suffix('.').unwrap_or(entry))
        .filter(|entry| !entry.is_empty() && *entry != "*")
        .collect::<Vec<_>>()
        .join(",")
}

/// `scheme://host:port` of a proxy, nothing of its user part.
fn shown_uri(uri: &Uri) -> String {
    let host = uri.host().unwrap_or("");
    match uri.port_u16() {
        Some(port) => format!("{}://{host}:{port}", uri.scheme_str().unwrap_or("http")),
        None => format!("{}://{host}", uri.scheme_str().unwrap_or("http")),
    }
}

/// A proxy URL as a message may show it: the user part replaced.
fn without_credentials(value: &str) -> String {
    match value.rsplit_once('@') {
        Some((before, after)) => match before.split_once("://") {
            Some((scheme, _)) => format!("{scheme}://…@{after}"),
            None => format!("…@{after}"),
        },
        None => value.to_owned(),
    }
}

/// Opens a tunnel to `target` (`host:port`) through the proxy on `tcp`, with hyper's own
/// client speaking the `CONNECT`: the upgraded connection keeps any bytes read past the
/// proxy's answer.
pub(crate) async fn tunnel(
    tcp: TcpStream,
    proxy: &Intercept,
    target: &str,
) -> Result<hyper::upgrade::Upgraded, ConnectFailure> {
    let shown = shown_uri(proxy.uri());
    let broken = |e: hyper::Error| {
        ConnectFailure::new(
            Hop::Egress,
            "proxy-broken",
            format!("the egress proxy {shown} broke the tunnel to {target}: {e}"),
        )
    };
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(tcp))
        .await
        .map_err(broken)?;
    tokio::spawn(async move {
        let _ = connection.with_upgrades().await;
    });
    let mut request = Request::builder()
        .method(Method::CONNECT)
        .uri(target)
        .header(HOST, target);
    if let Some(credentials) = proxy.basic_auth() {
        let mut credentials: HeaderValue = credentials.clone();
        credentials.set_sensitive(true);
        request = request.header(PROXY_AUTHORIZATION, credentials);
    }
    let request = request.body(Empty::<Bytes>::new()).map_err(|e| {
        ConnectFailure::new(
            Hop::Egress,
            "proxy-broken",
            format!("CONNECT {target}: {e}"),
        )
    })?;
    let answer = sender.send_request(request).await.map_err(broken)?;
    match answer.status() {
        status if status.is_success() => hyper::upgrade::on(answer).await.map_err(broken),
        StatusCode::PROXY_AUTHENTICATION_REQUIRED => Err(ConnectFailure::new(
            Hop::Egress,
            "proxy-auth-required",
            format!(
                "the egress proxy {shown} wants credentials (407){}: give them in the proxy URL, http://user:password@host:port",
                if proxy.basic_auth().is_some() { " and refused the ones given" } else { "" }
            ),
        )),
        status => Err(ConnectFailure::new(
            Hop::Egress,
            "proxy-refused",
            format!("the egress proxy {shown} refused CONNECT {target}: {status}"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_are_never_in_the_words() {
        let egress = Egress::choose(
            Some("http://alice:s3cret@proxy.corp:3128"),
            Some("internal.corp"),
        )
        .expect("usable");
        let said = egress.describe();
        assert_eq!(
            said,
            "through the egress proxy http://proxy.corp:3128 (--egress-proxy, with credentials (not shown)), except --no-proxy=internal.corp"
        );
        let refused = Egress::choose(Some("socks5://alice:s3cret@proxy.corp:1080"), None)
            .err()
            .expect("socks is refused");
        assert!(
            !refused.contains("s3cret") && !refused.contains("alice"),
            "{refused}"
        );
    }

    #[test]
    fn no_proxy_is_split_and_trimmed_as_curl_splits_it() {
        assert_eq!(as_curl_reads(" * "), "*");
        assert_eq!(as_curl_reads("other.example,*"), "other.example");
        assert_eq!(
            as_curl_reads("other.example .dingtalk.com,\tdingtalk.com."),
            "other.example,.dingtalk.com,dingtalk.com"
        );
        assert_eq!(as_curl_reads(""), "");
    }

    #[test]
    fn no_proxy_and_loopback_go_direct() {
        let egress =
            Egress::choose(Some("proxy.corp:3128"), Some(".dingtalk.com")).expect("usable");
        assert!(egress
            .route(&Uri::from_static("https://oapi.dingtalk.com/"))
            .is_none());
        assert!(egress
            .route(&Uri::from_static("https://api.example.com/"))
            .is_some());
        assert!(egress
            .route(&Uri::from_static("http://127.0.0.1:8788/"))
            .is_none());
        let none = Egress::choose(Some(""), None).expect("none");
        assert!(none
            .route(&Uri::from_static("https://api.example.com/"))
            .is_none());
    }
}
