//! The mock's user directory: the `result` objects of captures (JSON, NDJSON, HAR), or users
//! generated from a seed the way real traffic writes them.

use std::collections::HashMap;
use std::path::Path;

use serde_json::{Map, Value};

/// The users the mock knows, in the order they were read.
#[derive(Debug, Clone, Default)]
pub struct Directory {
    /// Each user's full `result`, before any filtering for a caller.
    pub users: Vec<Map<String, Value>>,
    /// NDJSON lines that were not JSON, passed over.
    pub skipped: usize,
}

/// Where the users of a [`Directory`] stand, by `userid` and by sign-in name (the first user
/// of each): the mock looks a user up on every call, and a scan per call grew with every user
/// a capture held.
#[derive(Debug, Default)]
pub struct Lookup {
    by_userid: HashMap<String, usize>,
    by_login_id: HashMap<String, usize>,
}

impl Lookup {
    /// The positions of `directory`'s users.
    pub fn of(directory: &Directory) -> Self {
        let mut lookup = Self::default();
        for (at, user) in directory.users.iter().enumerate() {
            for (key, index) in [
                ("userid", &mut lookup.by_userid),
                ("login_id", &mut lookup.by_login_id),
            ] {
                if let Some(name) = user.get(key).and_then(Value::as_str) {
                    index.entry(name.to_owned()).or_insert(at);
                }
            }
        }
        lookup
    }

    /// The user of `directory` with this `userid`.
    pub fn userid<'d>(
        &self,
        directory: &'d Directory,
        userid: &str,
    ) -> Option<&'d Map<String, Value>> {
        directory.users.get(*self.by_userid.get(userid)?)
    }

    /// The user of `directory` with this sign-in name.
    pub fn login_id<'d>(
        &self,
        directory: &'d Directory,
        login_id: &str,
    ) -> Option<&'d Map<String, Value>> {
        directory.users.get(*self.by_login_id.get(login_id)?)
    }
}

impl Directory {
    /// Reads the successful answers (or bare `result` objects) of a capture: a JSON value or
    /// an array of them, NDJSON, or a HAR whose user/get entries carry the answers.
    ///
    /// # Errors
    /// A message naming the file when it cannot be read or holds no user.
    pub fn load(path: &Path) -> Result<Self, String> {
        let shown = path.display();
        let text =
            std::fs::read_to_string(path).map_err(|e| format!("{shown}: cannot read: {e}"))?;
        let text = text.trim_start_matches('\u{feff}');
        let mut directory = Self::default();
        match serde_json::from_str::<Value>(text) {
            Ok(value) => directory.take(value),
            Err(_) => {
                for line in text.lines() {
                    if line.trim().is_empty() {
                        continue;
                    }
                    // A broken line (a truncated log) costs its user, not the directory.
                    match serde_json::from_str::<Value>(line) {
                        Ok(value) => directory.take(value),
                        Err(_) => directory.skipped += 1,
                    }
                }
            }
        }
        directory.keep_the_last_of_each_userid();
        if directory.users.is_empty() {
            return Err(format!(
                "{shown}: no user found (give successful user/get answers, `result` objects, or a HAR of such calls)"
            ));
        }
        Ok(directory)
    }

    /// Takes the users a parsed value holds.
    fn take(&mut self, value: Value) {
        match value {
            Value::Array(items) => items.into_iter().for_each(|v| self.take(v)),
            Value::Object(mut object) => {
                if let Some(Value::Object(mut log)) = object.remove("log") {
                    if let Some(Value::Array(entries)) = log.remove("entries") {
                        entries.into_iter().for_each(|e| self.take_entry(e));
                    }
                } else if let Some(result) = object.remove("result") {
                    let ok = object.get("errcode").is_none_or(|c| c == 0 || c == "0");
                    if let (true, Value::Object(result)) = (ok, result) {
                        self.push(result);
                    }
                } else if object.contains_key("userid") {
                    self.push(object);
                }
            }
            _ => {}
        }
    }

    fn take_entry(&mut self, entry: Value) {
        let url = entry.pointer("/request/url").and_then(Value::as_str);
        if !url.is_some_and(|u| u.contains(crate::input::API_PATH)) {
            return;
        }
        let Some(text) = entry
            .pointer("/response/content/text")
            .and_then(Value::as_str)
        else {
            return;
        };
        let base64 = entry
            .pointer("/response/content/encoding")
            .and_then(Value::as_str)
            == Some("base64");
        let decoded;
        let text = if base64 {
            use base64::Engine as _;
            let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(text.trim()) else {
                return;
            };
            decoded = String::from_utf8_lossy(&bytes).into_owned();
            decoded.as_str()
        } else {
            text
        };
        if let Ok(value @ Value::Object(_)) = serde_json::from_str::<Value>(text) {
            self.take(value);
        }
    }

    fn push(&mut self, user: Map<String, Value>) {
        self.users.push(user);
    }

    /// Of users with the same `userid`, keeps the one read last, where it was read: one pass,
    /// where dropping the earlier one at each arrival cost a pass per user.
    fn keep_the_last_of_each_userid(&mut self) {
        let mut last = HashMap::new();
        for (at, user) in self.users.iter().enumerate() {
            if let Some(id) = user.get("userid") {
                last.insert(id.to_string(), at);
            }
        }
        let mut at = 0;
        self.users.retain(|user| {
            let keep = user
                .get("userid")
                .is_none_or(|id| last.get(&id.to_string()) == Some(&at));
            at += 1;
            keep
        });
    }

    /// `count` users generated from `seed`, as real traffic writes them: digit-string ids with
    /// leading zeros, 64-bit `order` values above 2^53, role ids above 2^32, empty texts as
    /// `""`, and every tenth user a DingTalk-built Enterprise Account of `corp_id` (every
    /// twentieth a self-built one).
    pub fn generate(count: usize, seed: u64, corp_id: Option<&str>) -> Self {
        let mut rng = Rng(seed ^ 0x9e37_79b9_7f4a_7c15);
        let users = (0..count)
            .map(|n| generated_user(n, &mut rng, corp_id.unwrap_or("dingcorp0000000001")))
            .collect();
        Self { users, skipped: 0 }
    }
}

/// SplitMix64: a few lines, deterministic on every platform, enough for made-up users.
pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    pub(crate) fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        #[allow(clippy::cast_possible_truncation)]
        items[self.below(items.len() as u64) as usize]
    }

    fn digits(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| char::from(b'0' + u8::try_from(self.below(10)).unwrap_or(0)))
            .collect()
    }

    fn alnum(&mut self, n: usize) -> String {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        (0..n)
            .map(|_| {
                #[allow(clippy::cast_possible_truncation)]
                char::from(ALPHABET[self.below(ALPHABET.len() as u64) as usize])
            })
            .collect()
    }
}

const SURNAMES: &[&str] = &["张", "王", "李", "赵", "刘", "陈", "杨", "黄", "周", "吴"];
const GIVEN: &[&str] = &["伟", "芳", "娜", "敏", "静", "磊", "洋", "艳", "勇", "杰"];
const TITLES: &[&str] = &["", "", "工程师", "产品经理", "技术总监", "设计师"];
const ROLES: &[(&str, &str)] = &[
    ("默认", "主管理员"),
    ("默认", "负责人"),
    ("职务", "主管"),
    ("岗位", "财务"),
];

fn generated_user(n: usize, rng: &mut Rng, corp_id: &str) -> Map<String, Value> {
    let mut u = Map::new();
    let leading_zero = rng.below(3) == 0;
    let userid = if leading_zero {
        format!("0{}", rng.digits(15))
    } else {
        format!("1{}", rng.digits(16))
    };
    let name = format!("{}{}", rng.pick(SURNAMES), rng.pick(GIVEN));
    let dept = 1 + rng.below(900_000_000);
    let mut put = |k: &str, v: Value| {
        u.insert(k.to_owned(), v);
    };
    put("userid", Value::from(userid));
    put("unionid", Value::from(format!("{}iEiE", rng.alnum(22))));
    put("name", Value::from(name.clone()));
    put("avatar", Value::from(""));
    put("state_code", Value::from("86"));
    put("mobile", Value::from(format!("199{:08}", n % 100_000_000)));
    put("hide_mobile", Value::from(rng.below(10) == 0));
    put("telephone", Value::from(""));
    put("job_number", Value::from(rng.digits(4)));
    put("title", Value::from(rng.pick(TITLES)));
    put("email", Value::from(format!("user{n}@example.com")));
    if rng.below(2) == 0 {
        put("org_email", Value::from(format!("user{n}@corp.example")));
    }
    put("work_place", Value::from(""));
    put("remark", Value::from(""));
    put("dept_id_list", Value::from(vec![dept]));
    // Real `order` values sit about 1.76e17-1.80e17, past what an f64 holds exactly.
    let order = 176_000_000_000_000_000 + rng.below(4_000_000_000_000_000);
    put(
        "dept_order_list",
        serde_json::json!([{ "dept_id": dept, "order": order }]),
    );
    if rng.below(4) == 0 {
        put(
            "extension",
            Value::from(format!("{{\"工号\":\"{}\"}}", rng.digits(6))),
        );
    }
    if rng.below(2) == 0 {
        let days = rng.below(3650);
        put(
            "hired_date",
            Value::from(1_450_000_000_000 + days * 86_400_000),
        );
    }
    put("active", Value::from(rng.below(20) != 0));
    put("real_authed", Value::from(rng.below(5) != 0));
    put("senior", Value::from(rng.below(10) == 0));
    put("admin", Value::from(n == 0 || rng.below(20) == 0));
    put("boss", Value::from(n == 0));
    put(
        "leader_in_dept",
        serde_json::json!([{ "dept_id": dept, "leader": rng.below(5) == 0 }]),
    );
    #[allow(clippy::cast_possible_truncation)]
    let (group, role) = ROLES[rng.below(ROLES.len() as u64) as usize];
    let role_id = 4_294_967_296 + rng.below(1_000_000_000);
    put(
        "role_list",
        serde_json::json!([{ "group_name": group, "id": role_id, "name": role }]),
    );
    let exclusive = n % 10 == 9 || n % 20 == 4;
    put("exclusive_account", Value::from(exclusive));
    if exclusive {
        let dingtalk = n % 10 == 9;
        put(
            "exclusive_account_type",
            Value::from(if dingtalk { "dingtalk" } else { "sso" }),
        );
        put("exclusive_account_corp_id", Value::from(corp_id));
        put(
            "exclusive_account_corp_name",
            Value::from("示例科技有限公司"),
        );
        put("org_email_type", Value::from("profession"));
        if dingtalk {
            put("login_id", Value::from(format!("user{n}")));
            put("nickname", Value::from(name));
            put("disable_status", Value::from(false));
        }
    }
    u
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generation_is_deterministic_and_keeps_ids_unique() {
        let a = Directory::generate(200, 7, None);
        let b = Directory::generate(200, 7, None);
        assert_eq!(a.users, b.users);
        let ids: std::collections::BTreeSet<_> = a
            .users
            .iter()
            .filter_map(|u| u.get("userid")?.as_str())
            .collect();
        assert_eq!(ids.len(), 200);
        assert_ne!(a.users, Directory::generate(200, 8, None).users);
    }

    #[test]
    fn captures_of_every_shape_give_their_results() {
        let dir = tempfile::tempdir().expect("temp");
        let json = dir.path().join("a.json");
        std::fs::write(
            &json,
            r#"[{"errcode":0,"result":{"userid":"01"}},{"userid":"02"},{"errcode":60121,"errmsg":"x"}]"#,
        )
        .expect("write");
        assert_eq!(Directory::load(&json).expect("loads").users.len(), 2);
        let ndjson = dir.path().join("a.ndjson");
        std::fs::write(
            &ndjson,
            "{\"result\":{\"userid\":\"01\"}}\n\n{\"userid\":\"03\"}\n",
        )
        .expect("write");
        assert_eq!(Directory::load(&ndjson).expect("loads").users.len(), 2);
        let har = dir.path().join("a.har");
        std::fs::write(
            &har,
            r#"{"log":{"entries":[{"request":{"url":"https://oapi.dingtalk.com/topapi/v2/user/get?access_token=x"},
            "response":{"content":{"text":"{\"errcode\":0,\"result\":{\"userid\":\"04\"}}"}}}]}}"#,
        )
        .expect("write");
        let users = Directory::load(&har).expect("loads").users;
        assert_eq!(users[0]["userid"], "04");
        let empty = dir.path().join("e.json");
        std::fs::write(&empty, "{}").expect("write");
        assert!(Directory::load(&empty).is_err());
    }
}
