#!/usr/bin/env python3
"""A webhook receiver for the sync tests: appends each POSTed JSON body, one
per line, to OUT_FILE, answering the very first request 500 (so the
sender's retry is exercised). Usage: webhook_sink.py PORT OUT_FILE"""
import json
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer

calls = [0]


class Sink(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        calls[0] += 1
        if calls[0] == 1:
            self.send_response(500)
            self.end_headers()
            return
        ok = self.headers.get("Content-Type") == "application/json"
        if ok:
            json.loads(body)
            with open(sys.argv[2], "ab") as f:
                f.write(body + b"\n")
        self.send_response(204 if ok else 415)
        self.end_headers()


HTTPServer(("127.0.0.1", int(sys.argv[1])), Sink).serve_forever()
