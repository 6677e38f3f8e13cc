//! The one list of credential names, for both DingTalk API families: what `redact` removes and
//! what no report ever prints.

/// What kind of credential a name or value carries; counted apart in `redact`'s summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Credential {
    /// Access, refresh and suite tokens of either family.
    AccessToken,
    /// App, corp, suite, SSO and client secrets; passwords.
    Secret,
    /// Suite tickets, JS-API tickets.
    Ticket,
    /// OAuth and login codes (`code`, `authCode`, `tmp_auth_code`).
    Code,
    /// Request signatures.
    Signature,
    /// `Authorization` values, bearer and basic credentials.
    Authorization,
    /// Cookies and session identifiers.
    Cookie,
}

impl Credential {
    /// Every kind, in the order summaries list them.
    pub const ALL: [Self; 7] = [
        Self::AccessToken,
        Self::Secret,
        Self::Ticket,
        Self::Code,
        Self::Signature,
        Self::Authorization,
        Self::Cookie,
    ];

    /// The noun a summary counts this kind with: (one, many).
    pub fn nouns(self) -> (&'static str, &'static str) {
        match self {
            Self::AccessToken => ("access token", "access tokens"),
            Self::Secret => ("secret", "secrets"),
            Self::Ticket => ("ticket", "tickets"),
            Self::Code => ("auth code", "auth codes"),
            Self::Signature => ("signature", "signatures"),
            Self::Authorization => ("authorization value", "authorization values"),
            Self::Cookie => ("cookie or session", "cookies and sessions"),
        }
    }
}

/// Names whose value is a credential, matched whole after lowercasing and dropping `_`, `-` and
/// `.` (so `access_token`, `accessToken` and `Access-Token` are one name). The "Never leak"
/// section of docs/redaction.md lists this table.
pub const NAMES: &[(&str, Credential)] = &[
    ("access_token", Credential::AccessToken),
    ("suite_access_token", Credential::AccessToken),
    ("corp_access_token", Credential::AccessToken),
    ("refresh_token", Credential::AccessToken),
    ("x-acs-dingtalk-access-token", Credential::AccessToken),
    ("appsecret", Credential::Secret),
    ("corpsecret", Credential::Secret),
    ("suite_secret", Credential::Secret),
    ("sso_secret", Credential::Secret),
    ("client_secret", Credential::Secret),
    ("password", Credential::Secret),
    ("passwd", Credential::Secret),
    ("ticket", Credential::Ticket),
    ("suite_ticket", Credential::Ticket),
    ("jsapi_ticket", Credential::Ticket),
    ("code", Credential::Code),
    ("auth_code", Credential::Code),
    ("tmp_auth_code", Credential::Code),
    ("signature", Credential::Signature),
    ("sign", Credential::Signature),
    ("authorization", Credential::Authorization),
    ("proxy-authorization", Credential::Authorization),
    ("cookie", Credential::Cookie),
    ("set-cookie", Credential::Cookie),
];

/// Words that make any name a credential's wherever they stand in it (`suiteTicket`,
/// `x-dingtalk-session`, `apiSecretKey`), after the same normalisation.
pub const WORDS: &[(&str, Credential)] = &[
    ("token", Credential::AccessToken),
    ("secret", Credential::Secret),
    ("password", Credential::Secret),
    ("ticket", Credential::Ticket),
    ("signature", Credential::Signature),
    ("session", Credential::Cookie),
];

/// Names that hold one of those words but no credential: a token's type and lifetime help
/// debugging and cannot call anything.
pub const NOT_CREDENTIALS: &[&str] = &["token_type", "expires_in", "expire_in"];

/// Ids that stay in a redacted copy whatever pattern their value happens to match: they name
/// an app, a person or a call, and cannot call DingTalk. Names ending in `_id` or `Id` and the
/// ids DingTalk writes run together (`userid`) are kept too.
pub const KEPT_IDS: &[&str] = &["appkey", "suite_key", "client_id", "agentid"];

/// A name lowercased, without the separators the two families and HTTP disagree on.
fn normalise(name: &str) -> String {
    name.chars()
        .filter(|c| !matches!(c, '_' | '-' | '.'))
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// The lists above, normalised once.
struct Normalised {
    names: Vec<(String, Credential)>,
    not_credentials: Vec<String>,
    kept: Vec<String>,
}

fn normalised() -> &'static Normalised {
    static LISTS: std::sync::OnceLock<Normalised> = std::sync::OnceLock::new();
    LISTS.get_or_init(|| Normalised {
        names: NAMES.iter().map(|(n, k)| (normalise(n), *k)).collect(),
        not_credentials: NOT_CREDENTIALS.iter().map(|n| normalise(n)).collect(),
        kept: KEPT_IDS.iter().map(|n| normalise(n)).collect(),
    })
}

/// The kind of credential a header, parameter, cookie-list or JSON member `name` carries.
pub fn credential(name: &str) -> Option<Credential> {
    if name.len() > 64 {
        return None;
    }
    let plain = normalise(name);
    let lists = normalised();
    if lists.not_credentials.contains(&plain) {
        return None;
    }
    lists
        .names
        .iter()
        .find(|(n, _)| *n == plain)
        .map(|(_, kind)| *kind)
        .or_else(|| {
            WORDS
                .iter()
                .find(|(w, _)| plain.contains(w))
                .map(|(_, kind)| *kind)
        })
}

/// Ids DingTalk writes run together, without a separator before `id`.
const JOINED_IDS: &[&str] = &[
    "userid",
    "unionid",
    "openid",
    "corpid",
    "deptid",
    "agentid",
    "appid",
    "requestid",
    "deviceid",
    "staffid",
    "suiteid",
    "roleid",
];

/// Whether `name` is an identifier kept as it is (`userid`, `unionid`, `corp_id`, `appkey`,
/// `dept_id_list`): a name ending in `_id`, `-id` or `Id`, a listed joined id, or `KEPT_IDS`.
/// Words that merely end in "id" (`valid`, `paid`) are not ids.
pub fn is_kept_id(name: &str) -> bool {
    let base = name
        .strip_suffix("_list")
        .or_else(|| name.strip_suffix("List"))
        .unwrap_or(name);
    let separated = ["_id", "-id", ".id", "Id", "ID"]
        .iter()
        .any(|end| base.ends_with(end) && base.len() > end.len());
    let plain = normalise(base);
    separated
        || JOINED_IDS.contains(&plain.as_str())
        || normalised().kept.contains(&normalise(name))
}

/// Every spelling of the listed names and words as they can stand in lowercased text (snake,
/// kebab and run together), longest first, for the patterns that find them in raw text.
pub fn spellings() -> Vec<String> {
    let mut all: Vec<String> = NAMES
        .iter()
        .map(|(n, _)| *n)
        .chain(WORDS.iter().map(|(w, _)| *w))
        .flat_map(|n| [n.replace('-', "_"), n.replace('_', "-"), normalise(n)])
        .collect();
    all.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
    all.dedup();
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_families_spellings_are_one_name() {
        for (name, kind) in [
            ("access_token", Credential::AccessToken),
            ("accessToken", Credential::AccessToken),
            ("x-acs-dingtalk-access-token", Credential::AccessToken),
            ("refreshToken", Credential::AccessToken),
            ("appSecret", Credential::Secret),
            ("suiteSecret", Credential::Secret),
            ("corpsecret", Credential::Secret),
            ("suiteTicket", Credential::Ticket),
            ("jsapi_ticket", Credential::Ticket),
            ("authCode", Credential::Code),
            ("tmp_auth_code", Credential::Code),
            ("code", Credential::Code),
            ("sign", Credential::Signature),
            ("Authorization", Credential::Authorization),
            ("Set-Cookie", Credential::Cookie),
            ("X-Session-Id", Credential::Cookie),
        ] {
            assert_eq!(credential(name), Some(kind), "{name}");
        }
    }

    #[test]
    fn ids_and_neighbours_are_not_credentials() {
        for name in [
            "appkey",
            "userid",
            "unionid",
            "corp_id",
            "request_id",
            "errcode",
            "state_code",
            "token_type",
            "expires_in",
            "signed",
            "name",
            "value",
        ] {
            assert_eq!(credential(name), None, "{name}");
        }
        for name in [
            "userid",
            "unionid",
            "corp_id",
            "request_id",
            "appkey",
            "dept_id_list",
        ] {
            assert!(is_kept_id(name), "{name}");
        }
        assert!(!is_kept_id("mobile"));
    }

    #[test]
    fn spellings_cover_every_form() {
        let all = spellings();
        for s in [
            "access_token",
            "accesstoken",
            "appsecret",
            "suite-ticket",
            "tmpauthcode",
        ] {
            assert!(all.iter().any(|a| a == s), "{s}");
        }
    }
}
