"""A TCP proxy that can cut a client off from the API server, for the
leader-election tests: the leader talks to kube-apiserver through it, the
standby directly.

  POST /_fault {"mode": "pass"}    forward bytes both ways (the default)
  POST /_fault {"mode": "stall"}   a network partition: every byte either way
                                   is dropped, new connections hang unanswered
  GET  /_fault                     the mode and how many connections it holds

A stall ends with every connection that lived through it closed (after a real
partition, TCP connections die of their timeouts); later connections work.
TLS passes through untouched. Loopback only.
"""

import argparse
import json
import socket
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOCK = threading.Lock()
STATE = {"mode": "pass", "epoch": 0, "open": 0}
CONNS = set()


def mode():
    with LOCK:
        return STATE["mode"], STATE["epoch"]


def pump(src, dst, epoch):
    """Copies src to dst; during a stall reads and drops; ends the pair once a
    stall that began after the connection opened is over."""
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            m, e = mode()
            if m == "stall":
                continue
            if e != epoch:
                break
            dst.sendall(data)
    except OSError:
        pass
    finally:
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def serve(client, upstream):
    with LOCK:
        STATE["open"] += 1
    try:
        # A connection made during a stall is not answered until it ends.
        while mode()[0] == "stall":
            threading.Event().wait(0.1)
        epoch = mode()[1]
        server = socket.create_connection(upstream)
        with LOCK:
            CONNS.add(client)
            CONNS.add(server)
        a = threading.Thread(target=pump, args=(client, server, epoch), daemon=True)
        b = threading.Thread(target=pump, args=(server, client, epoch), daemon=True)
        a.start(); b.start(); a.join(); b.join()
        server.close()
        with LOCK:
            CONNS.discard(server)
    except OSError:
        pass
    finally:
        client.close()
        with LOCK:
            STATE["open"] -= 1
            CONNS.discard(client)


class Control(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def _reply(self):
        with LOCK:
            body = json.dumps(STATE).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        self._reply()

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        new = json.loads(self.rfile.read(length) or b"{}")
        with LOCK:
            if STATE["mode"] == "stall" and new.get("mode") != "stall":
                # The partition is over: what lived through it is dead.
                STATE["epoch"] += 1
                for c in CONNS:
                    try:
                        c.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass
            STATE["mode"] = new.get("mode", "pass")
        self._reply()


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--control-port", type=int, required=True)
    p.add_argument("--upstream", required=True, help="host:port on loopback")
    args = p.parse_args()
    host, _, port = args.upstream.rpartition(":")
    if host not in ("127.0.0.1", "localhost", "[::1]"):
        sys.exit("tcp_proxy.py: the upstream must be on loopback")
    upstream = (host.strip("[]"), int(port))
    listener = socket.create_server(("127.0.0.1", args.port))
    control = ThreadingHTTPServer(("127.0.0.1", args.control_port), Control)
    threading.Thread(target=control.serve_forever, daemon=True).start()
    while True:
        client, _ = listener.accept()
        threading.Thread(target=serve, args=(client, upstream), daemon=True).start()


if __name__ == "__main__":
    main()
