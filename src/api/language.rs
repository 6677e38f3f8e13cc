//! The `language` request parameter: the Contacts language the platform answers in. It matters
//! to the checks because real answers in English leave out `result.name`.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The two values the page lists for `language`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum Language {
    /// Chinese, the platform's default.
    #[serde(rename = "zh_CN")]
    #[cfg_attr(feature = "cli", value(name = "zh_CN"))]
    ZhCn,
    /// English.
    #[serde(rename = "en_US")]
    #[cfg_attr(feature = "cli", value(name = "en_US"))]
    EnUs,
}

impl Language {
    /// The value as the request sends it (`zh_CN`, `en_US`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::ZhCn => "zh_CN",
            Self::EnUs => "en_US",
        }
    }

    /// The language a request parameter names; `None` for any other text (DT705 reports it).
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "zh_CN" => Some(Self::ZhCn),
            "en_US" => Some(Self::EnUs),
            _ => None,
        }
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
