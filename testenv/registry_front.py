"""The auth step in front of the test registry: ECR's registry auth, on loopback.

A real registry (Debian's docker-registry, distribution 2.8) holds the images
and listens on plain HTTP on loopback. distribution reads an htpasswd file only
when it starts, so it cannot know which ECR tokens are live. This front does
what ECR's registry endpoint does: it serves TLS (certificate from the test
CA) under an ECR host name, asks for Basic auth, accepts `AWS:<password>` only
when the test ECR (testenv/moto_server.py) issued that password for the host's
region (for public.ecr.aws: an ECR Public token) and it has not expired, and forwards accepted requests to distribution.
Anything else gets 401 with a Basic challenge, as ECR answers.

One listener per ECR host (`--listen PORT=HOST`): containerd reaches each host
at its loopback port through hosts.toml, so the port tells the front which
host, and so which region, was asked for. `GET /requests` on the admin port
lists what each listener answered (host, method, path, status, the serial of
the token used): enough for tests to see which token a pull used.
`POST /deny` with `{"host": H, "repository": R}` makes the listener for H
answer 403 DENIED to live tokens for repository R, as ECR does when the
token's identity lacks ecr:BatchGetImage on it (`{"clear": true}` undoes all).
"""

import argparse
import base64
import http.client
import json
import re
import ssl
import sys
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HOST_REGION = re.compile(r"^\d{12}\.dkr[.-]ecr(?:-fips)?\.([a-z0-9-]+)\.(?:amazonaws\.com(?:\.cn)?|on\.aws)$")
PUBLIC_HOST = "public.ecr.aws"
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "host"}

LOCK = threading.Lock()
REQUESTS = []
DENIED = set()  # (host, repository) pairs answered 403
REPOSITORY = re.compile(r"^/v2/(.+?)/(?:manifests|blobs|tags)/")


def region_of(host):
    if host == PUBLIC_HOST:
        return "us-east-1"
    m = HOST_REGION.match(host)
    return m.group(1) if m else ""


def service_of(host):
    """Which ECR must have issued a token for host."""
    return "ecr-public" if host == PUBLIC_HOST else "ecr"


def check(ecr, password, region, service):
    body = json.dumps({"password": password, "region": region, "service": service}).encode()
    req = urllib.request.Request(
        ecr + "/_ecrcreds/check", data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(req, timeout=10) as resp:
        return json.loads(resp.read())


def make_handler(ecr_host, backend, ecr_url):
    region = region_of(ecr_host)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def setup(self):
            # The TLS handshake happens here, in the connection's own thread,
            # so one slow client cannot hold up the listener.
            self.request.do_handshake()
            super().setup()

        def log_message(self, *args):
            pass

        def record(self, status, serial=None, reason=None):
            with LOCK:
                REQUESTS.append(
                    {
                        "host": ecr_host,
                        "method": self.command,
                        "path": self.path,
                        "status": status,
                        "serial": serial,
                        "reason": reason,
                    }
                )

        def unauthorized(self, reason):
            self.record(401, reason=reason)
            body = json.dumps(
                {"errors": [{"code": "UNAUTHORIZED", "message": "authentication required", "detail": None}]}
            ).encode()
            self.send_response(401)
            self.send_header("WWW-Authenticate", f'Basic realm="https://{ecr_host}/",service="ecr.amazonaws.com"')
            self.send_header("Docker-Distribution-API-Version", "registry/2.0")
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def denied(self, repository, serial):
            self.record(403, serial=serial, reason="repository denied")
            account = ecr_host.split(".", 1)[0]
            message = (
                f"User: arn:aws:sts::{account}:assumed-role/testenv/puller is not authorized to perform: "
                f"ecr:BatchGetImage on resource: arn:aws:ecr:{region}:{account}:repository/{repository} "
                "because no identity-based policy allows the ecr:BatchGetImage action"
            )
            body = json.dumps({"errors": [{"code": "DENIED", "message": message}]}).encode()
            self.send_response(403)
            self.send_header("Docker-Distribution-API-Version", "registry/2.0")
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def handle_any(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            auth = self.headers.get("Authorization", "")
            if not auth.startswith("Basic "):
                return self.unauthorized("no credentials")
            try:
                user, _, password = base64.b64decode(auth[6:]).decode().partition(":")
            except ValueError:
                return self.unauthorized("malformed credentials")
            if user != "AWS":
                return self.unauthorized("user is not AWS")
            verdict = check(ecr_url, password, region, service_of(ecr_host))
            if not verdict.get("live"):
                return self.unauthorized(verdict.get("reason"))
            repo = REPOSITORY.match(self.path)
            with LOCK:
                denied = repo is not None and (ecr_host, repo.group(1)) in DENIED
            if denied:
                return self.denied(repo.group(1), verdict.get("serial"))
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP | {"authorization"}}
            conn = http.client.HTTPConnection(backend, timeout=60)
            conn.request(self.command, self.path, body=body, headers=headers)
            resp = conn.getresponse()
            self.record(resp.status, serial=verdict.get("serial"))
            self.send_response(resp.status)
            data = resp.read()
            for k, v in resp.getheaders():
                # A HEAD answer has no body but says how long the body is.
                if k.lower() not in HOP_BY_HOP and (k.lower() != "content-length" or self.command == "HEAD"):
                    self.send_header(k, v)
            if self.command != "HEAD":
                self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)
            conn.close()

        do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = handle_any

    return Handler


class Admin(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        with LOCK:
            body = json.dumps({"requests": list(REQUESTS)}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        req = json.loads(self.rfile.read(length) or b"{}")
        with LOCK:
            if req.get("clear"):
                DENIED.clear()
            else:
                DENIED.add((req["host"], req["repository"]))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--listen", action="append", required=True, metavar="PORT=HOST")
    p.add_argument("--admin-port", type=int, required=True)
    p.add_argument("--backend", required=True, help="distribution's loopback address, host:port")
    p.add_argument("--ecr", required=True, help="the test ECR's URL")
    p.add_argument("--cert", required=True)
    p.add_argument("--key", required=True)
    args = p.parse_args()
    if not args.backend.startswith(("127.0.0.1:", "[::1]:")) or not args.ecr.startswith("http://127.0.0.1:"):
        sys.exit("registry_front.py: the backend and the test ECR must be on loopback")
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(args.cert, args.key)
    servers = []
    for spec in args.listen:
        port, _, host = spec.partition("=")
        if not region_of(host):
            sys.exit(f"registry_front.py: {host!r} is not an ECR registry host")
        srv = ThreadingHTTPServer(("127.0.0.1", int(port)), make_handler(host, args.backend, args.ecr))
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True, do_handshake_on_connect=False)
        servers.append(srv)
    admin = ThreadingHTTPServer(("127.0.0.1", args.admin_port), Admin)
    for srv in servers:
        threading.Thread(target=srv.serve_forever, daemon=True).start()
    admin.serve_forever()


if __name__ == "__main__":
    main()
