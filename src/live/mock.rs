//! `dtlint mock`: answers `POST /topapi/v2/user/get` and `GET /gettoken` as the page and real
//! traffic say the platform does, from a user directory filtered for the caller by the
//! schema's `x-` annotations.

use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde_json::{Map, Value};

use super::users::{Directory, Lookup, Rng};
use crate::api::caller::Caller;
use crate::api::fields::{result_fields, Access, AccountScope};
use crate::api::request::{HarRequest, Normalised};

/// What the mock serves and to whom.
#[derive(Debug)]
pub struct Mock {
    directory: Directory,
    lookup: Lookup,
    caller: Caller,
    /// Tokens given with `--token` and those `/gettoken` issued.
    tokens: Mutex<Tokens>,
    /// Request ids and tokens are drawn from here, so a seeded mock answers the same twice.
    counter: AtomicU64,
    seed: u64,
}

/// An answer: HTTP status, content type, body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// The HTTP status (200 for every platform answer, as the platform does).
    pub status: u16,
    /// The `content-type` header.
    pub content_type: &'static str,
    /// The body.
    pub body: String,
}

/// The platform's content type for every JSON answer, errors included.
const JSON: &str = "application/json;charset=UTF-8";

/// A request as the mock reads it.
#[derive(Debug, Clone, Default)]
pub struct Call<'a> {
    /// `GET`, `POST`…
    pub method: &'a str,
    /// The path, without the query.
    pub path: &'a str,
    /// The query string, without `?`.
    pub query: &'a str,
    /// The `content-type` header.
    pub content_type: &'a str,
    /// The body.
    pub body: &'a [u8],
}

impl Mock {
    /// A mock of `directory` for `caller`, accepting `tokens`; `seed` fixes its request ids and
    /// issued tokens.
    pub fn new(directory: Directory, caller: Caller, tokens: &[String], seed: u64) -> Self {
        Self {
            lookup: Lookup::of(&directory),
            directory,
            caller,
            tokens: Mutex::new(Tokens {
                given: tokens.iter().cloned().collect(),
                lifetime: TOKEN_LIFETIME,
                ..Tokens::default()
            }),
            counter: AtomicU64::new(0),
            seed,
        }
    }

    /// Issued tokens expire after `lifetime` (the platform's is 7,200 s).
    #[must_use]
    pub fn with_token_lifetime(self, lifetime: Duration) -> Self {
        if let Ok(mut tokens) = self.tokens.lock() {
            tokens.lifetime = lifetime;
        }
        self
    }

    /// How many users the directory holds, and how many lines of its file were passed over.
    pub fn users(&self) -> (usize, usize) {
        (self.directory.users.len(), self.directory.skipped)
    }

    fn rng(&self) -> Rng {
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        let mut rng = Rng(self.seed ^ n.wrapping_mul(0x2545_f491_4f6c_dd1d));
        rng.next();
        rng
    }

    /// A request id as the platform writes them: 13 lowercase letters and digits.
    fn request_id(&self) -> String {
        let mut rng = self.rng();
        (0..13)
            .map(|_| {
                const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
                #[allow(clippy::cast_possible_truncation)]
                char::from(ALPHABET[rng.below(ALPHABET.len() as u64) as usize])
            })
            .collect()
    }

    /// Answers one request. Its parameters are read by the one reader the request rules also
    /// ask ([`HarRequest::normalise`]), from the request written as HAR would hold it, so the
    /// mock answers errcode 400002 exactly where the rules report DT703 or DT705.
    pub fn answer(&self, call: &Call<'_>) -> Answer {
        let request = HarRequest::received(
            call.method,
            call.path,
            call.query,
            call.content_type,
            call.body,
        )
        .normalise();
        match call.path.trim_end_matches('/') {
            "/gettoken" => self.gettoken(
                request.query.value("appkey"),
                request.query.value("appsecret"),
            ),
            crate::input::API_PATH => self.user_get(&request),
            _ => Answer {
                status: 404,
                content_type: JSON,
                body: format!(
                    "{{\"errcode\":404,\"errmsg\":\"dtlint mock answers only POST {} and GET /gettoken\"}}",
                    crate::input::API_PATH
                ),
            },
        }
    }

    fn gettoken(&self, appkey: Option<&str>, appsecret: Option<&str>) -> Answer {
        let rid = self.request_id();
        // The reader's values are never empty: an empty one is absent.
        if appkey.is_none() || appsecret.is_none() {
            return platform(format!(
                "{{\"errcode\":40089,\"errmsg\":\"不合法的corpId或corpSecret\",\"request_id\":\"{rid}\"}}"
            ));
        }
        let mut rng = self.rng();
        let fresh = format!("{:016x}{:016x}", rng.next(), rng.next());
        let Ok(mut tokens) = self.tokens.lock() else {
            return platform(error(-1, "系统繁忙", &rid));
        };
        let (token, expires_in) = tokens.issue(appkey.unwrap_or_default(), fresh, Instant::now());
        platform(format!(
            "{{\"errcode\":0,\"access_token\":\"{token}\",\"errmsg\":\"ok\",\"expires_in\":{expires_in},\"request_id\":\"{rid}\"}}"
        ))
    }

    fn user_get(&self, request: &Normalised) -> Answer {
        let rid = self.request_id();
        // The old API family reads its token from the query only: one in a header alone is
        // "blank" (real-traffic.md), though the audit labels it.
        let Some(token) = request.access_token() else {
            return platform(auth_error("40000", "access_token为空", &rid));
        };
        let known = self
            .tokens
            .lock()
            .map_or(Known::No, |t| t.known(token, Instant::now()));
        match known {
            Known::Yes => {}
            Known::No => return platform(auth_error("40014", "不合法的access_token", &rid)),
            Known::Expired => return platform(auth_error("42001", "access_token超时", &rid)),
        }
        if request.method != "POST" && !request.is_get() {
            return platform(error(400_002, "参数错误", &rid));
        }
        // DT705 and DT703 of the rules, decided by the same reader.
        if request.language_is_invalid() || !request.names_a_user() {
            return platform(error(400_002, "参数错误", &rid));
        }
        // The page: when `login_id` is not empty, `userid` is ignored, and sign-in names are
        // looked up only for DingTalk-built Enterprise Accounts of the caller's organization.
        let user = match (request.value("login_id"), request.value("userid")) {
            (Some(login_id), _) => self
                .lookup
                .login_id(&self.directory, login_id)
                .filter(|u| own_dingtalk(u, &self.caller)),
            (None, Some(userid)) => self.lookup.userid(&self.directory, userid),
            (None, None) => return platform(error(400_002, "参数错误", &rid)),
        };
        let Some(user) = user else {
            return platform(error(60121, "找不到该用户", &rid));
        };
        let result = Value::Object(filtered(user, &self.caller));
        let result = serde_json::to_string(&result).unwrap_or_else(|_| "{}".to_owned());
        platform(format!(
            "{{\"errcode\":0,\"errmsg\":\"ok\",\"result\":{result},\"request_id\":\"{rid}\"}}"
        ))
    }
}

/// Serves `mock` on `listener` within `limits` until Ctrl-C or SIGTERM; returns what the
/// server counted.
///
/// # Errors
/// When the runtime cannot start or the listener cannot be used.
pub fn serve(
    mock: Mock,
    listener: std::net::TcpListener,
    limits: super::server::Limits,
) -> std::io::Result<std::sync::Arc<super::server::Server>> {
    use http_body_util::Full;
    use hyper::body::Bytes;

    let mock = std::sync::Arc::new(mock);
    let server = super::server::Server::new(limits);
    let handler = move |exchange: super::server::Exchange| {
        let mock = std::sync::Arc::clone(&mock);
        async move {
            let parts = &exchange.parts;
            let content_type = parts
                .headers
                .get(hyper::header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            let answer = mock.answer(&Call {
                method: parts.method.as_str(),
                path: exchange.target.path(),
                query: exchange.target.query().unwrap_or(""),
                content_type,
                body: &exchange.body,
            });
            let mut response = hyper::Response::new(Full::new(Bytes::from(answer.body)));
            *response.status_mut() = hyper::StatusCode::from_u16(answer.status).unwrap_or_default();
            response.headers_mut().insert(
                hyper::header::CONTENT_TYPE,
                hyper::header::HeaderValue::from_static(answer.content_type),
            );
            (response, None)
        }
    };
    super::runtime()?.block_on(super::server::serve(
        listener,
        std::sync::Arc::clone(&server),
        handler,
    ))?;
    Ok(server)
}

/// A platform answer: HTTP 200 whatever `errcode` says, and `/` escaped as `\/` as raw bodies
/// of the platform have it (a `/` can only occur inside strings, so every one is escaped).
fn platform(body: String) -> Answer {
    Answer {
        status: 200,
        content_type: JSON,
        body: body.replace('/', "\\/"),
    }
}

fn error(code: i64, message: &str, rid: &str) -> String {
    format!("{{\"errcode\":{code},\"errmsg\":\"{message}\",\"request_id\":\"{rid}\"}}")
}

/// errcode 88, whose real cause is `sub_code`, as the platform writes it.
fn auth_error(sub_code: &str, sub_msg: &str, rid: &str) -> String {
    format!(
        "{{\"errcode\":88,\"sub_code\":\"{sub_code}\",\"sub_msg\":\"{sub_msg}\",\"errmsg\":\"ding talk error[subcode={sub_code},submsg={sub_msg}]\",\"request_id\":\"{rid}\"}}"
    )
}

/// Whether the user is a DingTalk-built Enterprise Account of the caller's organization (any
/// organization when the caller's is not known, as the account rules judge it).
fn own_dingtalk(user: &Map<String, Value>, caller: &Caller) -> bool {
    let text = |k: &str| user.get(k).and_then(Value::as_str);
    user.get("exclusive_account") == Some(&Value::Bool(true))
        && text("exclusive_account_type") == Some("dingtalk")
        && caller
            .corp_id
            .as_deref()
            .is_none_or(|corp| text("exclusive_account_corp_id") == Some(corp))
}

/// The user's `result` as this caller receives it, by the schema's annotations: fields
/// withheld from its app type or needing a permission it lacks are absent, Enterprise Account
/// fields only on such accounts. A caller of unknown type is served everything the account
/// carries.
pub fn filtered(user: &Map<String, Value>, caller: &Caller) -> Map<String, Value> {
    let enterprise = user.get("exclusive_account") == Some(&Value::Bool(true));
    let own = own_dingtalk(user, caller);
    let mut result = user.clone();
    for field in result_fields() {
        let allowed = matches!(field.access(caller), Access::Allowed | Access::Unknown)
            && match field.account {
                None => true,
                Some(AccountScope::Enterprise) => enterprise,
                Some(AccountScope::OwnDingtalk) => own,
            };
        if !allowed {
            result.remove(&field.name);
        }
    }
    result
}

/// How long an issued token is good for: the platform's `expires_in`.
const TOKEN_LIFETIME: Duration = Duration::from_secs(7200);

/// Tokens kept at most: past this, the one issued longest ago is forgotten (its caller gets
/// 40014 and asks again), so a client asking with ever new app keys cannot grow the mock.
const MAX_TOKENS: usize = 10_000;

/// The tokens the mock accepts.
#[derive(Debug, Default)]
struct Tokens {
    /// `--token`: good for the mock's whole life.
    given: BTreeSet<String>,
    /// By app key: the token and when it was last issued.
    by_key: HashMap<String, (String, Instant)>,
    /// By token: its app key.
    by_token: HashMap<String, String>,
    lifetime: Duration,
}

enum Known {
    Yes,
    No,
    Expired,
}

impl Tokens {
    /// The token for `appkey`: the one still valid, renewed, as the platform gives the same
    /// token again within its lifetime; else `fresh`. With its seconds to live.
    fn issue(&mut self, appkey: &str, fresh: String, now: Instant) -> (String, u64) {
        let lifetime = self.lifetime.as_secs().max(1);
        if let Some((token, issued)) = self.by_key.get_mut(appkey) {
            if now.duration_since(*issued) < self.lifetime {
                *issued = now;
                return (token.clone(), lifetime);
            }
        }
        if let Some((old, _)) = self.by_key.remove(appkey) {
            self.by_token.remove(&old);
        }
        if self.by_key.len() >= MAX_TOKENS {
            let oldest = self
                .by_key
                .iter()
                .min_by_key(|(_, (_, issued))| *issued)
                .map(|(key, _)| key.clone());
            if let Some(key) = oldest {
                if let Some((token, _)) = self.by_key.remove(&key) {
                    self.by_token.remove(&token);
                }
            }
        }
        self.by_key.insert(appkey.to_owned(), (fresh.clone(), now));
        self.by_token.insert(fresh.clone(), appkey.to_owned());
        (fresh, lifetime)
    }

    fn known(&self, token: &str, now: Instant) -> Known {
        if self.given.contains(token) {
            return Known::Yes;
        }
        let issued = self
            .by_token
            .get(token)
            .and_then(|key| self.by_key.get(key))
            .filter(|(t, _)| t == token)
            .map(|(_, issued)| *issued);
        match issued {
            Some(issued) if now.duration_since(issued) < self.lifetime => Known::Yes,
            Some(_) => Known::Expired,
            None => Known::No,
        }
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.by_key.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::caller::{AppType, Permission};
    use crate::engine::pipeline::{check_text, Settings};

    /// The codes `check` finds in an answer, but DT606: it notes every error answer with its
    /// meaning, which is the point of them.
    fn defects(body: &str, settings: &Settings) -> Vec<&'static str> {
        check_text(body, settings)
            .findings
            .iter()
            .map(|f| f.rule.code)
            .filter(|c| *c != "DT606")
            .collect()
    }

    fn callers() -> Vec<Caller> {
        let corp = Some("dingcorp0000000001".to_owned());
        vec![
            Caller::default(),
            Caller {
                app_type: Some(AppType::ThirdParty),
                ..Caller::default()
            },
            Caller {
                app_type: Some(AppType::Internal),
                ..Caller::default()
            },
            Caller {
                app_type: Some(AppType::Internal),
                permissions: [Permission::Mobile].into_iter().collect(),
                corp_id: corp.clone(),
            },
            Caller {
                app_type: Some(AppType::Internal),
                permissions: Permission::ALL.into_iter().collect(),
                corp_id: corp,
            },
        ]
    }

    fn post(mock: &Mock, token: &str, body: &str) -> Answer {
        mock.answer(&Call {
            method: "POST",
            path: crate::input::API_PATH,
            query: &format!("access_token={token}"),
            content_type: "application/x-www-form-urlencoded",
            body: body.as_bytes(),
        })
    }

    /// `GET /gettoken` for app key `k`, its answer parsed.
    fn gettoken(mock: &Mock) -> Value {
        let issued = mock.answer(&Call {
            method: "GET",
            path: "/gettoken",
            query: "appkey=k&appsecret=s",
            ..Call::default()
        });
        serde_json::from_str(&issued.body).expect("json")
    }

    #[test]
    fn every_answer_passes_check_for_its_caller() {
        let directory = Directory::generate(40, 3, Some("dingcorp0000000001"));
        let ids: Vec<String> = directory
            .users
            .iter()
            .map(|u| u["userid"].as_str().unwrap_or_default().to_owned())
            .collect();
        for caller in callers() {
            let mock = Mock::new(directory.clone(), caller.clone(), &["t".to_owned()], 1);
            let settings = Settings {
                caller: caller.clone(),
                ..Settings::default()
            };
            let mut bodies: Vec<Answer> = ids
                .iter()
                .map(|id| post(&mock, "t", &format!("userid={id}&language=zh_CN")))
                .collect();
            bodies.push(post(&mock, "t", "userid=nobody"));
            bodies.push(post(&mock, "bad", "userid=nobody"));
            bodies.push(post(&mock, "", "userid=nobody"));
            bodies.push(post(&mock, "t", "userid=x&language=fr_FR"));
            bodies.push(post(&mock, "t", "login_id=user9&userid=ignored"));
            for answer in &bodies {
                assert_eq!(answer.status, 200);
                let codes = defects(&answer.body, &settings);
                assert!(codes.is_empty(), "{caller:?}: {codes:?} in {}", answer.body);
                assert!(answer.body.contains("\"request_id\":\""), "{}", answer.body);
            }
        }
    }

    #[test]
    fn the_answers_say_what_the_page_says() {
        let directory = Directory::generate(20, 3, Some("dingcorp0000000001"));
        let caller = Caller {
            app_type: Some(AppType::ThirdParty),
            corp_id: Some("dingcorp0000000001".to_owned()),
            ..Caller::default()
        };
        let mock = Mock::new(directory.clone(), caller, &[], 1);
        let missing = post(&mock, "", "userid=x");
        assert!(
            missing.body.contains("\"sub_code\":\"40000\""),
            "{missing:?}"
        );
        let invalid = post(&mock, "nope", "userid=x");
        assert!(
            invalid.body.contains("\"sub_code\":\"40014\""),
            "{invalid:?}"
        );
        let token = gettoken(&mock);
        assert_eq!(token["expires_in"], 7200);
        let token = token["access_token"].as_str().expect("token");
        let id = directory.users[0]["userid"].as_str().expect("id");
        let ok = post(&mock, token, &format!("userid={id}"));
        let body: Value = serde_json::from_str(&ok.body).expect("json");
        assert_eq!(body["errcode"], 0);
        // Third-party apps never receive `mobile`.
        assert!(body["result"].get("mobile").is_none(), "{}", ok.body);
        assert!(body["result"].get("name").is_some());
        let lang = post(&mock, token, &format!("userid={id}&language=xx"));
        assert!(lang.body.contains("\"errcode\":400002"), "{lang:?}");
        assert!(post(&mock, token, "userid=none")
            .body
            .contains("\"errcode\":60121"));
        // A JSON body is read as a form is; user 9 is a DingTalk-built account, user 4 sso.
        let json = mock.answer(&Call {
            method: "POST",
            path: crate::input::API_PATH,
            query: &format!("access_token={token}"),
            content_type: "application/json",
            body: br#"{"login_id":"user9","userid":"ignored"}"#,
        });
        let body: Value = serde_json::from_str(&json.body).expect("json");
        assert_eq!(body["result"]["userid"], directory.users[9]["userid"]);
        assert!(post(&mock, token, "login_id=user4")
            .body
            .contains("\"errcode\":60121"));
    }

    /// The errcode of an answer.
    fn errcode(answer: &Answer) -> i64 {
        let body: Value = serde_json::from_str(&answer.body).expect("json");
        body["errcode"].as_i64().expect("errcode")
    }

    #[test]
    fn a_null_optional_parameter_is_absent() {
        let directory = Directory::generate(20, 3, Some("dingcorp0000000001"));
        let mock = Mock::new(directory.clone(), Caller::default(), &["t".to_owned()], 1);
        let id = directory.users[0]["userid"].as_str().expect("id");
        let json = |body: String| {
            mock.answer(&Call {
                method: "POST",
                path: crate::input::API_PATH,
                query: "access_token=t",
                content_type: "application/json; charset=utf-8",
                body: body.as_bytes(),
            })
        };
        // What published Python and PHP clients send by default.
        let answer = json(format!(r#"{{"userid":"{id}","language":null}}"#));
        assert_eq!(errcode(&answer), 0, "{}", answer.body);
        let answer = json(r#"{"userid":null,"login_id":"user9","language":null}"#.to_owned());
        let body: Value = serde_json::from_str(&answer.body).expect("json");
        assert_eq!(body["result"]["userid"], directory.users[9]["userid"]);
        let answer = json(r#"{"userid":null,"login_id":null}"#.to_owned());
        assert_eq!(errcode(&answer), 400_002, "{}", answer.body);
    }

    /// The same requests, as a capture holds them and as the mock receives them: the request
    /// rules and the mock must make the same decision (DT703 or DT705 exactly where the mock
    /// answers 400002), because both ask the one reader of request parameters.
    #[test]
    fn the_rules_and_the_mock_agree_on_every_reading() {
        const F: &str = "application/x-www-form-urlencoded";
        const J: &str = "application/json";
        let directory = Directory::generate(20, 3, Some("dingcorp0000000001"));
        let mock = Mock::new(directory.clone(), Caller::default(), &["t".to_owned()], 1);
        let id = directory.users[0]["userid"].as_str().expect("id");
        // (method, content type, query after the token, body, findings, errcode); `ID` stands
        // for the userid of a user the mock has.
        type Row = (
            &'static str,
            &'static str,
            &'static str,
            &'static str,
            &'static [&'static str],
            i64,
        );
        #[rustfmt::skip]
        let table: [Row; 22] = [
            ("POST", J, "", r#"{"userid":"ID","language":null}"#, &[], 0),
            ("POST", J, "", r#"{"userid":null,"login_id":"user9"}"#, &[], 0),
            ("POST", J, "", r#"{"userid":null,"login_id":null}"#, &["DT703"], 400_002),
            ("POST", F, "", "userid=ID&userid=nobody", &[], 0),
            ("POST", J, "", r#"{"userid":"nobody","userid":"ID"}"#, &[], 0),
            ("POST", F, "", "userid=ID&language=fr&language=en_US", &["DT705"], 400_002),
            ("POST", J, "", r#"{"userid":"ID","language":"fr","language":"en_US"}"#, &[], 0),
            ("POST", J, "", r#"{"userid":123}"#, &[], 60121),
            ("POST", J, "", r#"{"userid":"ID","language":1}"#, &["DT705"], 400_002),
            ("POST", J, "", r#"{"userid":true}"#, &[], 60121),
            ("POST", J, "", r#"{"userid":{"id":"x"}}"#, &[], 60121),
            ("POST", F, "", "userid=", &["DT703"], 400_002),
            ("POST", F, "", "userid=&userid=ID", &["DT703"], 400_002),
            ("POST", J, "", r#"{"userid":""}"#, &["DT703"], 400_002),
            ("POST", F, "", "userid=ID&language=", &[], 0),
            ("POST", F, "", "userid=ID&language=fr", &["DT705"], 400_002),
            ("POST", F, "", "language=zh_CN", &["DT703"], 400_002),
            ("POST", F, "", "language=en", &["DT703", "DT705"], 400_002),
            ("GET", "", "&userid=ID&language=en_US", "", &[], 0),
            ("GET", "", "&userid=ID&language=en", "", &["DT705"], 400_002),
            ("GET", "", "&language=zh_CN", "", &["DT703"], 400_002),
            ("GET", J, "&userid=nobody", r#"{"userid":"ID","language":null}"#, &[], 0),
        ];
        for (method, content_type, query, body, findings, code) in table {
            let (query, body) = (query.replace("ID", id), body.replace("ID", id));
            let mut har = serde_json::json!({
                "method": method,
                "url": format!("https://oapi.dingtalk.com/topapi/v2/user/get?access_token=t{query}"),
            });
            if !body.is_empty() {
                har["postData"] = serde_json::json!({"mimeType": content_type, "text": body});
            }
            let request: HarRequest = serde_json::from_value(har).expect("a HAR request");
            let (_, found) = crate::rules::request::check(&request);
            let mut found: Vec<&str> = found
                .iter()
                .map(|f| f.rule.code)
                .filter(|c| matches!(*c, "DT703" | "DT705"))
                .collect();
            found.sort_unstable();
            let answer = mock.answer(&Call {
                method,
                path: crate::input::API_PATH,
                query: &format!("access_token=t{query}"),
                content_type,
                body: body.as_bytes(),
            });
            let answered = errcode(&answer);
            let case = format!("{method} ?{query} {body}");
            assert_eq!(found, findings, "{case}");
            assert_eq!(answered, code, "{case}: {}", answer.body);
            assert_eq!(!found.is_empty(), answered == 400_002, "{case}");
        }
    }

    #[test]
    fn slashes_are_escaped_as_the_platform_does() {
        let mut user = Map::new();
        user.insert("userid".into(), Value::from("01"));
        user.insert("avatar".into(), Value::from("https://static.example/a.jpg"));
        let mock = Mock::new(
            Directory {
                users: vec![user],
                skipped: 0,
            },
            Caller::default(),
            &["t".to_owned()],
            1,
        );
        let answer = post(&mock, "t", "userid=01");
        assert!(
            answer.body.contains(r"https:\/\/static.example\/a.jpg"),
            "{}",
            answer.body
        );
    }

    #[test]
    fn tokens_are_renewed_per_app_key_expire_and_stay_bounded() {
        let mut tokens = Tokens {
            lifetime: Duration::from_secs(10),
            ..Tokens::default()
        };
        let t0 = Instant::now();
        let (a, ttl) = tokens.issue("key", "a".into(), t0);
        assert_eq!((a.as_str(), ttl), ("a", 10));
        // The same app key within the lifetime gets the same token, renewed.
        let (again, _) = tokens.issue("key", "b".into(), t0 + Duration::from_secs(8));
        assert_eq!(again, "a");
        assert!(matches!(
            tokens.known("a", t0 + Duration::from_secs(17)),
            Known::Yes
        ));
        assert!(matches!(
            tokens.known("a", t0 + Duration::from_secs(18)),
            Known::Expired
        ));
        assert!(matches!(tokens.known("zz", t0), Known::No));
        let (fresh, _) = tokens.issue("key", "c".into(), t0 + Duration::from_secs(30));
        assert_eq!(fresh, "c");
        assert!(matches!(
            tokens.known("a", t0 + Duration::from_secs(30)),
            Known::No
        ));
        for i in 0..MAX_TOKENS + 50 {
            tokens.issue(
                &format!("k{i}"),
                format!("t{i}"),
                t0 + Duration::from_secs(31),
            );
        }
        assert_eq!(tokens.len(), MAX_TOKENS);
        assert_eq!(tokens.by_token.len(), MAX_TOKENS);
    }

    #[test]
    fn an_expired_token_is_answered_as_the_platform_does_and_checks_clean() {
        let mock = Mock::new(Directory::generate(2, 1, None), Caller::default(), &[], 1)
            .with_token_lifetime(Duration::ZERO);
        let body = gettoken(&mock);
        let token = body["access_token"].as_str().expect("token");
        let answer = post(&mock, token, "userid=x");
        assert!(
            answer.body.contains("\"sub_code\":\"42001\""),
            "{}",
            answer.body
        );
        let codes = defects(&answer.body, &Settings::default());
        assert!(codes.is_empty(), "{codes:?}");
    }
}
