//! curl's `--connect-to HOST:PORT:CONNECT-HOST:CONNECT-PORT` and `--resolve HOST:PORT:ADDR`:
//! where a TCP connection for a name really goes, so the whole path (the `Host` header, SNI,
//! the certificate's name) can be tried on loopback without touching DNS.

use std::net::{IpAddr, SocketAddr};

/// The `--connect-to` and `--resolve` entries, in the order given (the first match wins, as
/// in curl).
#[derive(Debug, Clone, Default)]
pub struct Routes {
    connect_to: Vec<ConnectTo>,
    resolve: Vec<Resolve>,
}

#[derive(Debug, Clone)]
struct ConnectTo {
    /// Empty: any host.
    host: String,
    /// None: any port.
    port: Option<u16>,
    to_host: Option<String>,
    to_port: Option<u16>,
}

#[derive(Debug, Clone)]
struct Resolve {
    host: String,
    port: u16,
    addresses: Vec<IpAddr>,
}

impl Routes {
    /// Reads the flags' values.
    ///
    /// # Errors
    /// A message naming the entry and what is wrong with it.
    pub fn parse(connect_to: &[String], resolve: &[String]) -> Result<Self, String> {
        Ok(Self {
            connect_to: connect_to
                .iter()
                .map(|entry| parse_connect_to(entry))
                .collect::<Result<_, _>>()?,
            resolve: resolve
                .iter()
                .map(|entry| parse_resolve(entry))
                .collect::<Result<_, _>>()?,
        })
    }

    /// Where a connection for `host:port` goes instead, by `--connect-to`.
    pub fn connect_to(&self, host: &str, port: u16) -> (String, u16) {
        let found = self.connect_to.iter().find(|entry| {
            (entry.host.is_empty() || entry.host.eq_ignore_ascii_case(host))
                && entry.port.is_none_or(|p| p == port)
        });
        match found {
            Some(entry) => (
                entry.to_host.clone().unwrap_or_else(|| host.to_owned()),
                entry.to_port.unwrap_or(port),
            ),
            None => (host.to_owned(), port),
        }
    }

    /// The addresses `--resolve` gives `host:port`, if it names them.
    pub fn resolved(&self, host: &str, port: u16) -> Option<Vec<SocketAddr>> {
        self.resolve
            .iter()
            .find(|entry| entry.port == port && entry.host.eq_ignore_ascii_case(host))
            .map(|entry| {
                entry
                    .addresses
                    .iter()
                    .map(|ip| SocketAddr::new(*ip, port))
                    .collect()
            })
    }

    /// The entries in words, for the start-up line; empty when there are none.
    pub fn describe(&self) -> Vec<String> {
        let connect_to = self.connect_to.iter().map(|e| {
            format!(
                "--connect-to {}:{}:{}:{}",
                e.host,
                e.port.map(|p| p.to_string()).unwrap_or_default(),
                e.to_host.as_deref().unwrap_or(""),
                e.to_port.map(|p| p.to_string()).unwrap_or_default()
            )
        });
        let resolve = self.resolve.iter().map(|e| {
            let addresses: Vec<String> = e
                .addresses
                .iter()
                .map(|ip| match ip {
                    IpAddr::V6(v6) => format!("[{v6}]"),
                    IpAddr::V4(v4) => v4.to_string(),
                })
                .collect();
            format!("--resolve {}:{}:{}", e.host, e.port, addresses.join(","))
        });
        connect_to.chain(resolve).collect()
    }
}

/// Splits at the colons that are not inside `[…]`.
fn fields(entry: &str) -> Vec<&str> {
    let mut fields = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (i, c) in entry.char_indices() {
        match c {
            '[' => depth += 1,
            ']' => depth = depth.saturating_sub(1),
            ':' if depth == 0 => {
                fields.push(&entry[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    fields.push(&entry[start..]);
    fields
}

fn unbracketed(host: &str) -> &str {
    host.strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host)
}

fn port(flag: &str, entry: &str, text: &str) -> Result<u16, String> {
    text.parse::<u16>()
        .ok()
        .filter(|p| *p > 0)
        .ok_or_else(|| format!("{flag} {entry}: `{text}` is not a port (1 to 65535)"))
}

fn parse_connect_to(entry: &str) -> Result<ConnectTo, String> {
    const FLAG: &str = "--connect-to";
    let [host, from_port, to_host, to_port] = fields(entry)[..] else {
        return Err(format!(
            "{FLAG} {entry}: give HOST:PORT:CONNECT-HOST:CONNECT-PORT, e.g. oapi.dingtalk.com:443:127.0.0.1:8443 (an empty field matches or keeps any)"
        ));
    };
    let optional_port = |text: &str| {
        if text.is_empty() {
            Ok(None)
        } else {
            port(FLAG, entry, text).map(Some)
        }
    };
    Ok(ConnectTo {
        host: unbracketed(host).to_owned(),
        port: optional_port(from_port)?,
        to_host: (!to_host.is_empty()).then(|| unbracketed(to_host).to_owned()),
        to_port: optional_port(to_port)?,
    })
}

fn parse_resolve(entry: &str) -> Result<Resolve, String> {
    const FLAG: &str = "--resolve";
    let [host, port_text, addresses] = fields(entry)[..] else {
        return Err(format!(
            "{FLAG} {entry}: give HOST:PORT:ADDR[,ADDR…], e.g. oapi.dingtalk.com:443:127.0.0.1"
        ));
    };
    if host.is_empty() {
        return Err(format!("{FLAG} {entry}: the host is missing"));
    }
    let addresses = addresses
        .split(',')
        .map(|a| {
            unbracketed(a.trim()).parse::<IpAddr>().map_err(|_| {
                format!("{FLAG} {entry}: `{a}` is not an IP address ([…] around IPv6)")
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Resolve {
        host: unbracketed(host).to_owned(),
        port: port(FLAG, entry, port_text)?,
        addresses,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn routes(connect_to: &[&str], resolve: &[&str]) -> Routes {
        let own = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        Routes::parse(&own(connect_to), &own(resolve)).expect("valid")
    }

    #[test]
    fn connect_to_maps_host_and_port_as_curl_does() {
        let r = routes(&["oapi.dingtalk.com:443:127.0.0.1:8443", "::other:"], &[]);
        assert_eq!(
            r.connect_to("OAPI.dingtalk.com", 443),
            ("127.0.0.1".to_owned(), 8443)
        );
        // The first entry names port 443 only; the second matches any host and port.
        assert_eq!(
            r.connect_to("oapi.dingtalk.com", 80),
            ("other".to_owned(), 80)
        );
    }

    #[test]
    fn resolve_names_addresses_for_one_host_and_port() {
        let r = routes(&[], &["oapi.dingtalk.com:443:127.0.0.1,[::1]"]);
        assert_eq!(
            r.resolved("oapi.dingtalk.com", 443),
            Some(vec![
                "127.0.0.1:443".parse().expect("addr"),
                "[::1]:443".parse().expect("addr")
            ])
        );
        assert_eq!(r.resolved("oapi.dingtalk.com", 8443), None);
        assert_eq!(
            r.describe(),
            vec!["--resolve oapi.dingtalk.com:443:127.0.0.1,[::1]".to_owned()]
        );
    }

    #[test]
    fn bad_entries_say_what_to_give() {
        let own = |s: &str| vec![s.to_owned()];
        for (connect_to, resolve, says) in [
            (own("a:1:b"), vec![], "HOST:PORT:CONNECT-HOST:CONNECT-PORT"),
            (own("a:x:b:1"), vec![], "`x` is not a port"),
            (vec![], own("a:443"), "HOST:PORT:ADDR"),
            (vec![], own("a:443:example.com"), "not an IP address"),
            (vec![], own("a:0:127.0.0.1"), "not a port"),
        ] {
            let error = Routes::parse(&connect_to, &resolve).expect_err("refused");
            assert!(error.contains(says), "{error}");
        }
    }
}
