"""Records the VCR.py cassettes of samples/vcr/ against `dtlint mock`, with the real tools.

    python3 -m venv /tmp/vcrvenv && /tmp/vcrvenv/bin/pip install vcrpy requests httpx
    cargo build && /tmp/vcrvenv/bin/python samples/vcr/make_cassettes.py target/debug/dtlint

VCR.py writes the time of each answer (the `Date` header) and the mock a new `request_id` on
each call, so a new recording differs from the one kept in those values only.

The mock serves two users: a clean one (samples/internal-basic/basic-compact.json) and one with
a planted defect (samples/defects/DT201-quoted-boolean.json, `"boss":"true"`). Each client asks
for both, and calls /gettoken first (another call, which dtlint skips and counts).

The platform's gateway gzips its answers for clients that accept it, and the mock does not: a
small gzip front (below) stands between the clients and the mock so that the cassettes hold
what each client really keeps of a gzip answer. VCR.py with requests keeps the body already
decompressed while the headers still say `Content-Encoding: gzip`; with httpx it keeps the
gzip bytes as `!!binary`.

ruby-vcr.yml is not recorded (no Ruby on the machine that made these samples): `ruby_cassette`
writes the same calls, with the answers the mock gave in vcrpy-json-serializer.json, in the shape Ruby
VCR 6 with WebMock and Net::HTTP writes (Psych's YAML): `---` first, `http_interactions`,
lower-case methods, bodies as `{encoding, string}`, a body holding Chinese text as
`encoding: ASCII-8BIT` under Psych's own `!binary` tag (base64 in lines of 60, as Ruby's
`pack("m")` writes it), no `Content-Encoding` (Net::HTTP has decompressed the body and dropped
it), `http_version` null, `recorded_at` and `recorded_with`.
"""

import base64
import gzip
import http.client
import http.server
import json
import os
import pathlib
import re
import subprocess
import sys
import tempfile

import httpx
import requests
import vcr

HERE = pathlib.Path(__file__).resolve().parent
SAMPLES = HERE.parent
TOKEN = "sample-token-not-real"
USERS = [
    SAMPLES / "internal-basic" / "basic-compact.json",
    SAMPLES / "defects" / "DT201-quoted-boolean.json",
]


def start_mock(dtlint, users_file):
    mock = subprocess.Popen(
        [dtlint, "mock", "--listen", "127.0.0.1:0", "--users", users_file, "--token", TOKEN],
        stderr=subprocess.PIPE,
        text=True,
    )
    line = mock.stderr.readline()
    # "dtlint mock: listening on http://127.0.0.1:PORT (2 users)": take the host:port.
    address = re.search(r"http://([0-9.]+:[0-9]+)", line).group(1)
    return mock, address


class GzipFront(http.server.BaseHTTPRequestHandler):
    """Forwards each call to the mock and gzips its answer when the client accepts gzip."""

    upstream = ""

    def forward(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        connection = http.client.HTTPConnection(self.upstream, timeout=10)
        headers = {k: v for k, v in self.headers.items() if k.lower() != "accept-encoding"}
        connection.request(self.command, self.path, body=body, headers=headers)
        answer = connection.getresponse()
        data = answer.read()
        zipped = "gzip" in (self.headers.get("Accept-Encoding") or "")
        if zipped:
            data = gzip.compress(data, mtime=0)
        self.send_response(answer.status)
        for name, value in answer.getheaders():
            if name.lower() not in ("content-length", "transfer-encoding", "connection", "date"):
                self.send_header(name, value)
        if zipped:
            self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = forward
    do_POST = forward

    def log_message(self, *args):
        pass


def userids():
    return [json.loads(p.read_text(encoding="utf-8"))["result"]["userid"] for p in USERS]


def record(name, serializer, calls):
    path = HERE / name
    path.unlink(missing_ok=True)
    recorder = vcr.VCR(serializer=serializer, record_mode="all")
    with recorder.use_cassette(str(path)):
        calls()


def serve_front(upstream):
    GzipFront.upstream = upstream
    front = http.server.ThreadingHTTPServer(("127.0.0.1", 0), GzipFront)
    print(front.server_address[1], flush=True)
    front.serve_forever()


def ruby_cassette():
    """Ruby VCR's shape of the calls kept in vcrpy-json-serializer.json (see the module's comment)."""
    kept = json.loads((HERE / "vcrpy-json-serializer.json").read_text(encoding="utf-8"))
    out = ["---", "http_interactions:"]
    for interaction in kept["interactions"]:
        request, response = interaction["request"], interaction["response"]
        path = request["uri"].split("/", 3)[3]
        body = request["body"] or ""
        if body.startswith("{"):
            # Ruby clients send the form most Ruby DingTalk SDKs send.
            fields = json.loads(body)
            body = "&".join(f"{k}={v}" for k, v in fields.items())
        date = response["headers"]["Date"][0]
        out += [
            "- request:",
            f"    method: {request['method'].lower()}",
            f"    uri: https://oapi.dingtalk.com/{path}",
            "    body:",
            "      encoding: UTF-8" if body else "      encoding: US-ASCII",
            f"      string: {body}" if body else "      string: ''",
            "    headers:",
            "      Accept-Encoding:",
            "      - gzip;q=1.0,deflate;q=0.6,identity;q=0.3",
            "      Accept:",
            "      - \"*/*\"",
            "      User-Agent:",
            "      - Ruby",
        ]
        if body:
            out += ["      Content-Type:", "      - application/x-www-form-urlencoded"]
        answer = response["body"]["string"]
        out += [
            "  response:",
            "    status:",
            f"      code: {response['status']['code']}",
            f"      message: {response['status']['message']}",
            "    headers:",
            "      Content-Type:",
            "      - application/json;charset=UTF-8",
            "      Date:",
            f"      - {date}",
            "    body:",
        ]
        if answer.isascii():
            quoted = answer.replace("'", "''")
            out += ["      encoding: UTF-8", f"      string: '{quoted}'"]
        else:
            encoded = base64.b64encode(answer.encode("utf-8")).decode("ascii")
            out += ["      encoding: ASCII-8BIT", "      string: !binary |-"]
            out += [f"        {encoded[i:i + 60]}" for i in range(0, len(encoded), 60)]
        out += ["    http_version: ", f"  recorded_at: {date}"]
    out.append("recorded_with: VCR 6.3.1")
    (HERE / "ruby-vcr.yml").write_text("\n".join(out) + "\n", encoding="utf-8")


def main():
    if sys.argv[1:2] == ["--front"]:
        serve_front(sys.argv[2])
        return
    dtlint = sys.argv[1] if len(sys.argv) > 1 else "target/debug/dtlint"
    with tempfile.TemporaryDirectory() as tmp:
        users_file = os.path.join(tmp, "users.ndjson")
        with open(users_file, "w", encoding="utf-8") as out:
            for p in USERS:
                out.write(json.dumps(json.loads(p.read_text(encoding="utf-8")), ensure_ascii=False) + "\n")
        mock, address = start_mock(dtlint, users_file)
        # The front runs in a process of its own: VCR.py would record its calls to the mock too.
        front = subprocess.Popen(
            [sys.executable, __file__, "--front", address], stdout=subprocess.PIPE, text=True
        )
        base = f"http://127.0.0.1:{front.stdout.readline().strip()}"
        try:
            def with_requests():
                requests.get(f"{base}/gettoken", params={"appkey": "app-key-sample", "appsecret": "not-a-real-secret"})
                for userid in userids():
                    requests.post(
                        f"{base}/topapi/v2/user/get",
                        params={"access_token": TOKEN},
                        json={"userid": userid, "language": "zh_CN"},
                    )

            def with_httpx():
                with httpx.Client() as client:
                    client.get(f"{base}/gettoken", params={"appkey": "app-key-sample", "appsecret": "not-a-real-secret"})
                    for userid in userids():
                        client.post(
                            f"{base}/topapi/v2/user/get",
                            params={"access_token": TOKEN},
                            data={"userid": userid, "language": "zh_CN"},
                        )

            record("vcrpy-requests.yaml", "yaml", with_requests)
            record("vcrpy-httpx-gzip.yaml", "yaml", with_httpx)
            record("vcrpy-json-serializer.json", "json", with_requests)
            ruby_cassette()
        finally:
            front.terminate()
            front.wait()
            mock.terminate()
            mock.wait()


if __name__ == "__main__":
    main()
