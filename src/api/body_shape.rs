//! The shape a body comes in: the whole envelope the platform sends, or the `result` object
//! alone, as SDKs and identity providers log `rsp.getResult()`.

use serde::Deserialize;

use crate::json::doc::Node;

/// How bodies are read (`--body-shape`, `body-shape` in the profile).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[serde(rename_all = "kebab-case")]
pub enum BodyShape {
    /// An envelope, unless the body is an object with no `errcode`, `errmsg` or `result` but with
    /// members of `result` (`userid`, `unionid`, ...): then a `result` object.
    #[default]
    Auto,
    /// Always the envelope (`errcode`, `errmsg`, `request_id`, `result`).
    Envelope,
    /// Always the `result` object alone.
    Result,
}

impl BodyShape {
    /// The shape a flag or profile names (`auto`, `envelope`, `result`).
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "auto" => Some(Self::Auto),
            "envelope" => Some(Self::Envelope),
            "result" => Some(Self::Result),
            _ => None,
        }
    }

    /// Whether `body` is to be checked as a `result` object.
    pub fn is_result(self, body: Node<'_>) -> bool {
        match self {
            Self::Envelope => false,
            Self::Result => body.is_object(),
            Self::Auto => {
                if !body.is_object() {
                    return false;
                }
                let mut result_member = false;
                for (name, _) in body.entries() {
                    if matches!(name, "errcode" | "errmsg" | "result") {
                        return false;
                    }
                    result_member |=
                        crate::api::fields::result_field(name).is_some_and(|f| f.documented());
                }
                result_member
            }
        }
    }
}
