//! Who is calling the API: app type, granted Contacts permissions and own organization.

use std::collections::BTreeSet;
use std::fmt;

use serde::{Deserialize, Serialize};

/// The two app types the page says may call this API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[serde(rename_all = "kebab-case")]
pub enum AppType {
    /// An app the organization developed for itself.
    Internal,
    /// A third-party enterprise app installed by the organization.
    ThirdParty,
}

impl AppType {
    /// Every app type.
    pub const ALL: [Self; 2] = [Self::Internal, Self::ThirdParty];

    /// The app type a flag or profile names (`internal`, `third-party`).
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == text)
    }

    /// The name flags and profiles use (`internal`, `third-party`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Internal => "internal",
            Self::ThirdParty => "third-party",
        }
    }

    /// The app type in words, for reports.
    pub const fn describe(self) -> &'static str {
        match self {
            Self::Internal => "an internal app",
            Self::ThirdParty => "a third-party enterprise app",
        }
    }
}

impl fmt::Display for AppType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The two Contacts permissions the page names beyond the base `qyapi_get_member`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[serde(rename_all = "kebab-case")]
pub enum Permission {
    /// "Mobile number information of employees".
    Mobile,
    /// "Email and other profile information".
    EmailProfile,
}

impl Permission {
    /// Every permission, in the order of the page.
    pub const ALL: [Self; 2] = [Self::Mobile, Self::EmailProfile];

    /// The name flags and profiles use (`mobile`, `email-profile`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Mobile => "mobile",
            Self::EmailProfile => "email-profile",
        }
    }

    /// The permission a flag or profile names.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == text)
    }

    /// The permission's name as the developer console shows it.
    pub const fn console_name(self) -> &'static str {
        match self {
            Self::Mobile => "Mobile number information of employees",
            Self::EmailProfile => "Email and other profile information",
        }
    }
}

impl fmt::Display for Permission {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Everything the compliance rules need to know about the caller.
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Caller {
    /// The app's type; rules about who may receive a field need it.
    pub app_type: Option<AppType>,
    /// The Contacts permissions granted to the app (internal apps).
    pub permissions: BTreeSet<Permission>,
    /// The caller's own organization, for the Enterprise Account rules.
    pub corp_id: Option<String>,
}

impl Caller {
    /// Whether the app was granted `permission`.
    pub fn has(&self, permission: Permission) -> bool {
        self.permissions.contains(&permission)
    }
}
