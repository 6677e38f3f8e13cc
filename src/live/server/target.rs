//! The request target read as RFC 9112 section 3.2 says: origin-form (`/path?query`),
//! absolute-form (`http://host/path?query`, of which only the path and query are used: the
//! server never reaches the host it names), asterisk-form (`*`, for `OPTIONS` only) and
//! authority-form (`host:port`, for `CONNECT` only, which neither command serves).

use hyper::{Method, Uri};

/// What a request asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Target {
    /// A path (starting with `/`) and its query, if any.
    Path { path: String, query: Option<String> },
    /// `OPTIONS *`: the server as a whole.
    Asterisk,
}

/// Why a target is refused, as the answer's status, kind and message.
pub(crate) type Refusal = (u16, &'static str, &'static str);

/// Longest method taken: the longest registered method name has 17 characters.
const LONGEST_METHOD: usize = 32;

impl Target {
    /// Reads the target of a request with `method`.
    ///
    /// # Errors
    /// The refusal to answer with.
    pub(crate) fn read(method: &Method, uri: &Uri) -> Result<Self, Refusal> {
        if method.as_str().len() > LONGEST_METHOD {
            return Err((
                501,
                "method-not-implemented",
                "the request method is longer than any HTTP method",
            ));
        }
        if method == Method::CONNECT {
            return Err((
                405,
                "not-an-open-proxy",
                "dtlint forwards requests to its one upstream only; CONNECT is refused",
            ));
        }
        if uri.scheme().is_none() && uri.authority().is_some() {
            return Err((
                400,
                "bad-request-target",
                "a host:port request target is only for CONNECT",
            ));
        }
        let path = uri.path();
        if path == "*" && uri.scheme().is_none() {
            return if method == Method::OPTIONS {
                Ok(Self::Asterisk)
            } else {
                Err((
                    400,
                    "bad-request-target",
                    "the request target `*` is only for OPTIONS",
                ))
            };
        }
        if !path.starts_with('/') {
            return Err((
                400,
                "bad-request-target",
                "the request target is neither a path, an absolute URL nor `*`",
            ));
        }
        Ok(Self::Path {
            path: path.to_owned(),
            query: uri.query().map(str::to_owned),
        })
    }

    /// The path ("*" for the asterisk form).
    pub(crate) fn path(&self) -> &str {
        match self {
            Self::Path { path, .. } => path,
            Self::Asterisk => "*",
        }
    }

    /// The query, without `?`.
    pub(crate) fn query(&self) -> Option<&str> {
        match self {
            Self::Path { query, .. } => query.as_deref(),
            Self::Asterisk => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(method: &str, target: &str) -> Result<Target, u16> {
        let method = Method::from_bytes(method.as_bytes()).expect("method");
        let uri: Uri = target.parse().expect("uri");
        Target::read(&method, &uri).map_err(|(status, _, _)| status)
    }

    #[test]
    fn the_four_forms_are_read_as_rfc_9112_says() {
        assert_eq!(
            read("POST", "/topapi/v2/user/get?access_token=t"),
            Ok(Target::Path {
                path: "/topapi/v2/user/get".into(),
                query: Some("access_token=t".into())
            })
        );
        assert_eq!(
            read("GET", "http://elsewhere.example:9/gettoken?a=1"),
            Ok(Target::Path {
                path: "/gettoken".into(),
                query: Some("a=1".into())
            })
        );
        assert_eq!(read("OPTIONS", "*"), Ok(Target::Asterisk));
        assert_eq!(read("GET", "*"), Err(400));
        assert_eq!(read("GET", "example.com:443"), Err(400));
        assert_eq!(read("CONNECT", "example.com:443"), Err(405));
        assert_eq!(read(&"A".repeat(100), "/"), Err(501));
        assert!(read(&"A".repeat(32), "/").is_ok());
    }
}
