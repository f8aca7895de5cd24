"""A fault-injecting HTTP proxy in front of moto, for the fault tests.

It forwards every request to the upstream moto untouched, unless a fault is
switched on through its own control endpoint:

  POST /_fault {"mode": "pass"}              forward (the default)
  POST /_fault {"mode": "throttle"}          answer AWS's ThrottlingException (HTTP 400)
  POST /_fault {"mode": "slow", "delay": 8}  wait before forwarding
  POST /_fault {"mode": "reset"}             reset the connection without an answer
  GET  /_fault                               the current mode and how many requests it hit

This is test infrastructure that injects network and service faults AWS can
produce; moto still answers everything that is forwarded. Loopback only.
"""

import argparse
import json
import socket
import struct
import sys
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

STATE = {"mode": "pass", "delay": 0.0, "hits": 0}
LOCK = threading.Lock()
UPSTREAM = ""


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def _body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _reply(self, code, body, content_type="application/json", headers=()):
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def _control(self, body):
        if self.command == "POST":
            new = json.loads(body or b"{}")
            with LOCK:
                STATE["mode"] = new.get("mode", "pass")
                STATE["delay"] = float(new.get("delay", 0))
                STATE["hits"] = 0
        with LOCK:
            self._reply(200, json.dumps(STATE).encode())

    def _handle(self):
        body = self._body()
        if self.path.startswith("/_fault"):
            return self._control(body)
        with LOCK:
            mode, delay = STATE["mode"], STATE["delay"]
            if mode != "pass":
                STATE["hits"] += 1
        if mode == "reset":
            # SO_LINGER 0: close sends a TCP RST, as a dropped connection would.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True
            return
        if mode == "throttle":
            err = {"__type": "ThrottlingException", "message": "Rate exceeded"}
            return self._reply(
                400,
                json.dumps(err).encode(),
                "application/x-amz-json-1.1",
                [("x-amzn-ErrorType", "ThrottlingException")],
            )
        if mode == "slow":
            time.sleep(delay)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
        req = urllib.request.Request(UPSTREAM + self.path, data=body or None, headers=headers, method=self.command)
        try:
            with urllib.request.urlopen(req, timeout=60) as resp:
                data = resp.read()
                code, resp_headers = resp.status, resp.headers
        except urllib.error.HTTPError as e:
            data, code, resp_headers = e.read(), e.code, e.headers
        except (urllib.error.URLError, ConnectionError):
            return self._reply(502, b'{"message":"upstream unreachable"}')
        self.send_response(code)
        for k, v in resp_headers.items():
            if k.lower() not in ("content-length", "transfer-encoding", "connection", "date", "server"):
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _handle


def main():
    global UPSTREAM
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--upstream", required=True)
    args = p.parse_args()
    if not args.upstream.startswith(("http://127.0.0.1:", "http://localhost:", "http://[::1]:")):
        sys.exit("fault_proxy.py: the upstream must be on loopback")
    UPSTREAM = args.upstream.rstrip("/")
    ThreadingHTTPServer(("127.0.0.1", args.port), Handler).serve_forever()


if __name__ == "__main__":
    main()
