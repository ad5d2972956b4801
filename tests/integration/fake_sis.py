#!/usr/bin/env python3
"""A fake SIS for the OneRoster client tests: serves N users under
/<scenario>/ims/oneroster/rostering/v1p2/users with the faults the scenario
names, an OAuth 2.0 token endpoint at /<scenario>/token, and checks OAuth
1.0a signatures with python3-oauthlib (an independent implementation).
The "roster" scenario serves every rostering collection (one org, the
users, the rest empty) for the scheduled-sync tests; GET /roster/_set?users=N
&delay=SECONDS changes how many users it has and how long each answer
takes, and GET /roster/_log lists the requests it answered.
Usage: fake_sis.py PORT_FILE USERS. Writes its port to PORT_FILE."""
import base64
import json
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from oauthlib.oauth1.rfc5849 import signature

CLIENT = ("sis-client", "sis-secret")
CONSUMER = ("sis-key", "sis-consumer-secret")
USERS = []
seen = {}          # (scenario, path+query) -> requests so far
tokens = {}        # token -> uses left
lock = threading.Lock()
busy = {"now": 0, "max": 0}  # GETs of scenario busy in progress
roster = {"users": None, "delay": 0.0, "log": []}
ORG = {"sourcedId": "o1", "status": "active",
       "dateLastModified": "2026-01-01T00:00:00.000Z",
       "name": "District One", "type": "district", "identifier": "D1"}


def user(i):
    return {"sourcedId": "u%05d" % i, "status": "active",
            "dateLastModified": "2026-01-01T00:00:00.000Z",
            "enabledUser": True, "username": "user%d" % i,
            "givenName": "Given%d" % i, "familyName": "Family",
            "roles": [{"roleType": "primary", "role": "student",
                       "org": {"href": "https://sis/orgs/o1",
                               "sourcedId": "o1", "type": "org"}}]}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send(self, status, body, headers=None):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        try:
            self.wfile.write(data)
        except ConnectionError:  # the client went away (a killed daemon)
            self.close_connection = True

    def count(self, scenario):
        with lock:
            key = (scenario, self.path)
            seen[key] = seen.get(key, 0) + 1
            return seen[key]

    def do_POST(self):
        scenario = self.path.strip("/").split("/")[0]
        auth = self.headers.get("Authorization", "")
        length = int(self.headers.get("Content-Length", "0"))
        self.rfile.read(length)
        good = "Basic " + base64.b64encode(
            ("%s:%s" % CLIENT).encode()).decode()
        if not self.path.endswith("/token") or auth != good:
            return self.send(401, {"error": "invalid_client"})
        with lock:
            token = "tok-%d" % (len(tokens) + 1)
            tokens[token] = {"expire": 1, "expire5": 5}.get(scenario,
                                                            1000000)
        self.send(200, {"access_token": token, "token_type": "Bearer",
                        "expires_in": 3600})

    def authorized(self, scenario):
        auth = self.headers.get("Authorization", "")
        if scenario in ("oauth2", "expire", "expire5"):
            token = auth[7:] if auth.startswith("Bearer ") else ""
            with lock:
                if tokens.get(token, 0) <= 0:
                    return False
                tokens[token] -= 1
            return True
        if scenario == "oauth1":
            uri = "http://%s%s" % (self.headers["Host"], self.path)
            query = urllib.parse.urlparse(uri).query

            class R:
                pass
            r = R()
            r.uri, r.http_method = uri, "GET"
            every = signature.collect_parameters(
                uri_query=query, headers={"Authorization": auth},
                exclude_oauth_signature=False, with_realm=False)
            r.params = signature.collect_parameters(
                uri_query=query, headers={"Authorization": auth},
                exclude_oauth_signature=True, with_realm=False)
            r.signature = dict(every).get("oauth_signature", "")
            method = dict(r.params).get("oauth_signature_method")
            verify = signature.verify_hmac_sha1 if method == "HMAC-SHA1" \
                else signature.verify_hmac_sha256
            ok = dict(r.params).get("oauth_consumer_key") == CONSUMER[0] \
                and verify(r, CONSUMER[1])
            if not ok:  # what oauthlib signed, for the test's log
                base = signature.signature_base_string(
                    "GET", signature.base_string_uri(uri),
                    signature.normalize_parameters(r.params))
                sys.stderr.write("fake_sis: OAuth 1.0a mismatch; "
                                 "oauthlib's base string: %s\n" % base)
            return ok
        return True

    def roster(self, url, q, limit, offset):
        name = url.path.rstrip("/").split("/")[-1]
        if name == "_set":
            with lock:
                if "users" in q:
                    roster["users"] = int(q["users"][0])
                if "delay" in q:
                    roster["delay"] = float(q["delay"][0])
            return self.send(200, {"ok": True})
        if name == "_log":
            with lock:
                return self.send(200, {"requests": list(roster["log"])})
        with lock:
            roster["log"].append(self.path)
            count = roster["users"]
            delay = roster["delay"]
        if delay:
            time.sleep(delay)
        users = USERS if count is None else USERS[:count]
        rows = {"orgs": [ORG], "users": users}.get(name)
        if rows is None and name not in ("academicSessions", "courses",
                                         "classes", "enrollments",
                                         "demographics"):
            return self.send(404, {"error": "not found"})
        rows = rows or []
        self.send(200, {name: rows[offset:offset + limit]},
                  {"X-Total-Count": str(len(rows))})

    def do_GET(self):
        if self.path == "/busy/stats":
            with lock:
                return self.send(200, dict(busy))
        if self.path.startswith("/busy/"):
            with lock:
                busy["now"] += 1
                busy["max"] = max(busy["max"], busy["now"])
            try:
                time.sleep(0.1)  # long enough for pages to overlap
                return self.get()
            finally:
                with lock:
                    busy["now"] -= 1
        return self.get()

    def get(self):
        url = urllib.parse.urlparse(self.path)
        scenario = url.path.strip("/").split("/")[0]
        q = urllib.parse.parse_qs(url.query)
        limit = int(q.get("limit", ["100"])[0])
        offset = int(q.get("offset", ["0"])[0])
        if scenario == "roster":
            return self.roster(url, q, limit, offset)
        n = self.count(scenario)
        if not url.path.endswith("/users"):
            return self.send(404, {"error": "not found"})
        if not self.authorized(scenario):
            return self.send(401, {"imsx_codeMajor": "failure"})
        if scenario == "down":
            return self.send(500, {"error": "down"})
        if scenario == "flaky" and n == 1:
            if offset == 0:
                return self.send(429, {"error": "slow down"},
                                 {"Retry-After": "1"})
            return self.send(503, {"error": "busy"})
        if scenario == "slow" and n == 1 and offset > 0:
            time.sleep(3)
        if scenario == "ignore-offset":
            offset = 0
        if scenario == "repeat" and offset > 0:
            offset -= 5
        rows = USERS[offset:offset + limit]
        body = json.dumps({"users": rows}).encode()
        headers = {}
        if scenario in ("clean", "oauth2", "oauth1", "expire", "expire5",
                        "flaky", "busy"):
            headers["X-Total-Count"] = str(len(USERS))
        if scenario == "truncated" and offset > 0:  # a whole answer
            return self.send(200, body[:len(body) // 2], headers)
        if scenario == "drop" and n == 1 and offset > 0:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[:len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        self.send(200, body, headers)


def main():
    port_file, count = sys.argv[1], int(sys.argv[2])
    USERS.extend(user(i) for i in range(count))
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    with open(port_file + ".tmp", "w") as f:
        f.write(str(server.server_address[1]))
    import os
    os.rename(port_file + ".tmp", port_file)
    server.serve_forever()


if __name__ == "__main__":
    main()
