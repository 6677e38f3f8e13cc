#!/usr/bin/env python3
"""Generates dtlint's benchmark corpus: realistic user/get responses, about 1 in 10 with a planted defect.

Writes, under the given folder (default bench-corpus/):
  folder/        20,000 pretty-printed response files (~4 KB each)
  capture.har    a Chrome-shaped HAR of 100,000 entries
  responses.ndjson  100,000 compact responses, one per line
  planted.json   how many findings of each rule each input must give (the benchmark checks it)
Deterministic: the same seed gives the same bytes.
"""
import json
import os
import random
import sys

FILES, HAR_ENTRIES, NDJSON_LINES = 20_000, 100_000, 100_000
CORP = "dingcorp0000000001"

# Each planted defect gives exactly one finding of its rule under the full profile.
DEFECTS = ["DT201", "DT202", "DT203", "DT204", "DT102", "DT107", "DT501", "DT106", "DT103", "DT503"]


def body(rng, n, roles=10):
    depts = sorted(rng.sample(range(100_000_000, 999_999_999), 4))
    roles = [
        {"group_name": rng.choice(["默认", "职务", "岗位"]), "id": rng.randrange(1_000_000_000, 9_999_999_999), "name": rng.choice(["主管理员", "负责人", "财务", "人事", "审批人"])}
        for _ in range(roles)
    ]
    userid = "0" + str(rng.randrange(10**15, 10**16))
    result = {
        "active": True,
        "admin": rng.random() < 0.1,
        "avatar": "https:\\/\\/static-legacy.dingtalk.com\\/media\\/lADPD%dX_750_670.jpg" % n,
        "boss": False,
        "dept_id_list": depts,
        "dept_order_list": [{"dept_id": d, "order": rng.randrange(176_000_000_000_000_000, 180_000_000_000_000_000)} for d in depts],
        "email": "user%d@example.com" % n,
        "exclusive_account": False,
        "extension": json.dumps({"用户名": "user%d" % n, "工位": "A-%d" % (n % 500), "爱好": "旅行"}, ensure_ascii=False),
        "hide_mobile": False,
        "hired_date": rng.randrange(1_300_000_000_000, 1_700_000_000_000),
        "job_number": "%05d" % (n % 100000),
        "leader_in_dept": [{"dept_id": d, "leader": rng.random() < 0.2} for d in depts],
        "manager_userid": "0" + str(rng.randrange(10**15, 10**16)),
        "mobile": "199%08d" % (n % 10**8),
        "name": rng.choice(["张三", "李四", "王五", "赵六"]),
        "org_email": "u%d@corp.example" % n,
        "org_email_type": "profession",
        "real_authed": True,
        "remark": "",
        "role_list": roles,
        "senior": False,
        "state_code": "86",
        "telephone": "010-8888%04d" % (n % 10000),
        "title": "工程师",
        "union_emp_ext": {},
        "unionid": "vQR2%sXiEiE" % ("%016x" % rng.getrandbits(64)),
        "userid": userid,
        "work_place": "未来园区",
    }
    return {"errcode": 0, "errmsg": "ok", "result": result, "request_id": "%013x" % rng.getrandbits(52)}


def plant(doc, code):
    r = doc["result"]
    if code == "DT201":
        r["boss"] = "true"
    elif code == "DT202":
        r["hired_date"] = str(r["hired_date"])
    elif code == "DT203":
        r["dept_id_list"] = json.dumps(r["dept_id_list"], separators=(",", ":"))
    elif code == "DT204":
        r["union_emp_ext"] = {"corp_id": CORP, "userid": r["userid"], "union_emp_map_list": {"corp_id": "dingbranch01", "userid": "5000"}}
    elif code == "DT102":
        del doc["request_id"]
    elif code == "DT107":
        r["id_card_no"] = "110101199001011234"
    elif code == "DT501":
        r["leader_in_dept"].append({"dept_id": 1, "leader": False})
    elif code == "DT106":
        r["title"] = None
    elif code == "DT103":
        r["org_email_type"] = "Profession"
    elif code == "DT503":
        r["hired_date"] = r["hired_date"] // 1000


def responses(rng, count, planted, roles=10):
    for n in range(count):
        doc = body(rng, n, roles)
        if n % 10 == 7:
            code = DEFECTS[(n // 10) % len(DEFECTS)]
            plant(doc, code)
            planted[code] = planted.get(code, 0) + 1
        yield doc


def raw(doc, pretty):
    text = json.dumps(doc, ensure_ascii=False, indent=2 if pretty else None, separators=None if pretty else (",", ":"))
    # Real bodies escape '/' as '\/'; the avatar carries it already.
    return text.replace("\\\\/", "\\/")


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "bench-corpus"
    os.makedirs(os.path.join(out, "folder"), exist_ok=True)
    planted = {"folder": {}, "har": {}, "ndjson": {}}

    rng = random.Random(1)
    for n, doc in enumerate(responses(rng, FILES, planted["folder"])):
        sub = os.path.join(out, "folder", "%03d" % (n // 200))
        os.makedirs(sub, exist_ok=True)
        with open(os.path.join(sub, "r%05d.json" % n), "w", encoding="utf-8") as f:
            f.write(raw(doc, True))

    rng = random.Random(2)
    with open(os.path.join(out, "capture.har"), "w", encoding="utf-8") as f:
        f.write('{\n  "log": {\n    "version": "1.2",\n    "creator": {"name": "WebInspector", "version": "537.36"},\n    "pages": [],\n    "entries": [\n')
        for n, doc in enumerate(responses(rng, HAR_ENTRIES, planted["har"], roles=3)):
            userid = doc["result"]["userid"]
            entry = {
                "_resourceType": "xhr",
                "startedDateTime": "2026-11-30T08:%02d:%02d.%03dZ" % (n // 3600 % 60, n // 60 % 60, n % 1000),
                "time": 42.5,
                "request": {
                    "method": "POST",
                    "url": "https://oapi.dingtalk.com/topapi/v2/user/get?access_token=BENCH-TOKEN-%08d" % (n % 97),
                    "httpVersion": "http/2.0",
                    "headers": [
                        {"name": "content-type", "value": "application/json"},
                        {"name": "accept", "value": "application/json, text/plain, */*"},
                    ],
                    "queryString": [{"name": "access_token", "value": "BENCH-TOKEN-%08d" % (n % 97)}],
                    "cookies": [],
                    "headersSize": -1,
                    "bodySize": 40,
                    "postData": {"mimeType": "application/json", "text": json.dumps({"userid": userid, "language": "zh_CN"})},
                },
                "response": {
                    "status": 200,
                    "statusText": "",
                    "httpVersion": "http/2.0",
                    "headers": [
                        {"name": "content-type", "value": "application/json;charset=UTF-8"},
                        {"name": "date", "value": "Mon, 30 Nov 2026 08:00:00 GMT"},
                        {"name": "server", "value": "Tengine"},
                    ],
                    "cookies": [],
                    "content": {"size": 2400, "mimeType": "application/json", "text": raw(doc, False)},
                    "redirectURL": "",
                    "headersSize": -1,
                    "bodySize": -1,
                },
                "cache": {},
                "timings": {"blocked": 1.2, "dns": -1, "ssl": -1, "connect": -1, "send": 0.1, "wait": 40.1, "receive": 1.1},
            }
            f.write("      " + json.dumps(entry, ensure_ascii=False) + (",\n" if n + 1 < HAR_ENTRIES else "\n"))
        f.write("    ]\n  }\n}\n")

    rng = random.Random(3)
    with open(os.path.join(out, "responses.ndjson"), "w", encoding="utf-8") as f:
        for doc in responses(rng, NDJSON_LINES, planted["ndjson"], roles=3):
            f.write(raw(doc, False) + "\n")

    with open(os.path.join(out, "planted.json"), "w") as f:
        json.dump(planted, f, indent=2, sort_keys=True)


if __name__ == "__main__":
    main()
