"""moto in server mode, wrapped into a test ECR that behaves like ECR.

moto answers every AWS call (ECR, STS, ...). Two things are added around it:

* A request log: every request that reaches moto is recorded as (service,
  action, region, access key id) before moto handles it;
  `GET /_ecrcreds/calls` returns the records as JSON. STS calls also record
  the RoleArn asked for and, for AssumeRoleWithWebIdentity, the token's `sub`
  and `aud` claims (never the token); a call signed with keys an STS answer
  handed out records that answer's role as `role`, so a test can count token
  calls per role.
* ECR Public, which moto lacks: `ecr-public` GetAuthorizationToken is
  answered here in the shape of the AWS API reference (one authorizationData
  object, not a list), with a token issued like ECR's; other ecr-public
  actions get UnsupportedCommandException. With IAM checks on
  (INITIAL_NO_AUTH_ACTION_COUNT=0, as for moto itself) every key is refused.
* Tokens as ECR issues them. moto's own GetAuthorizationToken answer never
  changes and "expired" in 2015. When moto accepts a GetAuthorizationToken
  call, its authorization data is replaced by a new random password
  (token = base64 "AWS:<password>") that expires `lifetime` seconds from now,
  with `proxyEndpoint` as AWS gives it. Every issued password is remembered
  with its region and expiry, so the test registry can accept only live ones.

Admin endpoints (loopback only, like everything here):

  GET  /_ecrcreds/calls                       the request log
  GET  /_ecrcreds/tokens                      issued tokens: serial, region, key, times (no passwords)
  POST /_ecrcreds/lifetime {"seconds": N}     lifetime of tokens issued from now on
  POST /_ecrcreds/lifetime {"seconds": N, "accessKeyId": K}   ... for one access key only
  POST /_ecrcreds/check {"password": P, "region": R, "service": S}   {"live": bool, "reason": ..., and the token's record}
                                              (region "" checks only that it was issued and is unexpired;
                                              service "ecr" (default) or "ecr-public": who must have issued it)

The default lifetime is 12 hours, or ECRCREDS_TEST_TOKEN_LIFETIME seconds. A
negative lifetime issues tokens already expired (the clock-skew case).
ECRCREDS_TEST_ISSUED_TOKENS names a file each issued password is appended to,
one per line, so the suite's leak check can look for every one of them.
Only loopback addresses are accepted for --host.
"""

import argparse
import base64
import io
import json
import os
import re
import secrets
import sys
import threading
import time
import urllib.parse

from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import run_simple

CREDENTIAL = re.compile(r"Credential=([^/]+)/[^/]+/([^/]+)/([^/]+)/")
# Every password starts with this marker, so tests can look for any token (and
# its base64 forms) in output without knowing which one was issued.
PASSWORD_MARKER = "ECRTESTPW"
# The account moto answers as, in proxyEndpoint.
ACCOUNT = os.environ.get("MOTO_ACCOUNT_ID", "123456789012")


def reply(start_response, code, obj):
    body = json.dumps(obj).encode()
    start_response(
        code, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
    )
    return [body]


def read_body(environ):
    """Reads the request body and puts an identical stream back for moto."""
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length) if length else b""
    environ["wsgi.input"] = io.BytesIO(body)
    return body


class TestEcr:
    """Issues, remembers and checks ECR tokens."""

    def __init__(self, lifetime, issued_file):
        self.lock = threading.Lock()
        self.lifetime = lifetime
        self.lifetimes = {}
        self.issued = {}  # password -> {serial, region, accessKeyId, issuedAt, expiresAt}
        self.issued_file = issued_file

    def issue(self, region, key, service="ecr"):
        password = PASSWORD_MARKER + secrets.token_urlsafe(192)
        now = time.time()
        with self.lock:
            lifetime = self.lifetimes.get(key, self.lifetime)
            record = {
                "serial": len(self.issued) + 1,
                "service": service,
                "region": region,
                "accessKeyId": key,
                "issuedAt": now,
                "expiresAt": now + lifetime,
            }
            self.issued[password] = record
            if self.issued_file:
                with open(self.issued_file, "a", encoding="ascii") as f:
                    f.write(password + "\n")
        return password, record

    def check(self, password, region, service="ecr"):
        with self.lock:
            record = self.issued.get(password)
        if record is None:
            return {"live": False, "reason": "unknown"}
        if record["service"] != service:
            return dict(record, live=False, reason="service")
        if region and record["region"] != region:
            return dict(record, live=False, reason="region")
        if record["expiresAt"] <= time.time():
            return dict(record, live=False, reason="expired")
        return dict(record, live=True, reason="live")

    def set_lifetime(self, seconds, key=None):
        with self.lock:
            if key:
                self.lifetimes[key] = seconds
            else:
                self.lifetime = seconds

    def tokens(self):
        with self.lock:
            return sorted(self.issued.values(), key=lambda r: r["serial"])

    def rewrite(self, moto_body, region, key, request_body):
        """moto's answer with its fixed token replaced by a newly issued one
        per registry id asked for (one for the caller's account when none)."""
        answer = json.loads(moto_body or b"{}")
        try:
            asked = json.loads(request_body or b"{}").get("registryIds") or [ACCOUNT]
        except ValueError:
            asked = [ACCOUNT]
        data = []
        for account in asked:
            password, record = self.issue(region, key)
            token = base64.b64encode(f"AWS:{password}".encode()).decode()
            suffix = "amazonaws.com.cn" if region.startswith("cn-") else "amazonaws.com"
            data.append(
                {
                    "authorizationToken": token,
                    "expiresAt": record["expiresAt"],
                    "proxyEndpoint": f"https://{account}.dkr.ecr.{region}.{suffix}",
                }
            )
        answer["authorizationData"] = data
        return json.dumps(answer).encode()

    def public(self, region, key):
        """ecr-public GetAuthorizationToken's answer: one object."""
        password, record = self.issue(region, key, service="ecr-public")
        token = base64.b64encode(f"AWS:{password}".encode()).decode()
        return {"authorizationData": {"authorizationToken": token, "expiresAt": record["expiresAt"]}}


def jwt_claims(token):
    """The claims of a JWT, unverified (moto does not verify them either)."""
    try:
        payload = token.split(".")[1]
        payload += "=" * (-len(payload) % 4)
        return json.loads(base64.urlsafe_b64decode(payload))
    except (IndexError, ValueError):
        return {}


class App:
    """The request log and the test ECR around moto's WSGI app."""

    def __init__(self, moto, ecr):
        self.moto = moto
        self.ecr = ecr
        self.lock = threading.Lock()
        self.calls = []
        self.roles = {}  # access key id an STS answer handed out -> its role
        # moto checks every key against its (empty) IAM when this is 0.
        self.iam_enforced = os.environ.get("INITIAL_NO_AUTH_ACTION_COUNT") == "0"

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path.startswith("/_ecrcreds/"):
            return self.admin(path, environ, start_response)
        call = self.record(environ)
        if call["service"] == "ecr-public":
            if self.iam_enforced:
                # As moto does for its own services with IAM checks on: it
                # knows no keys, so every signed call is refused.
                return reply(start_response, "403 Forbidden", {"__type": "UnrecognizedClientException", "message": "The security token included in the request is invalid."})
            if not call["accessKeyId"]:
                return reply(start_response, "403 Forbidden", {"__type": "MissingAuthenticationTokenException", "message": "Missing Authentication Token"})
            if call["action"] != "GetAuthorizationToken":
                return reply(start_response, "400 Bad Request", {"__type": "UnsupportedCommandException", "message": f"the test ECR answers no ecr-public {call['action']}"})
            return reply(start_response, "200 OK", self.ecr.public(call["region"], call["accessKeyId"]))
        is_token = call["action"] == "GetAuthorizationToken" and call["service"] == "ecr"
        is_role = call["action"] in ("AssumeRole", "AssumeRoleWithWebIdentity")
        if not is_token and not is_role:
            return self.moto(environ, start_response)
        request_body = read_body(environ)
        captured = {}

        def capture(status, headers, exc_info=None):
            captured["status"], captured["headers"] = status, headers
            return lambda _data: None

        body = b"".join(self.moto(environ, capture))
        ok = captured["status"].startswith("200")
        if ok and is_token:
            body = self.ecr.rewrite(body, call["region"], call["accessKeyId"], request_body)
        if ok and is_role:
            m = re.search(rb"<AccessKeyId>([^<]+)</AccessKeyId>", body)
            if m:
                with self.lock:
                    self.roles[m.group(1).decode()] = call.get("roleArn", "")
        headers = [(k, v) for k, v in captured["headers"] if k.lower() != "content-length"]
        headers.append(("Content-Length", str(len(body))))
        start_response(captured["status"], headers)
        return [body]

    def admin(self, path, environ, start_response):
        if path == "/_ecrcreds/calls":
            with self.lock:
                return reply(start_response, "200 OK", {"calls": list(self.calls)})
        if path == "/_ecrcreds/tokens":
            return reply(start_response, "200 OK", {"tokens": self.ecr.tokens()})
        try:
            body = json.loads(read_body(environ) or b"{}")
        except ValueError:
            return reply(start_response, "400 Bad Request", {"error": "body is not JSON"})
        if path == "/_ecrcreds/lifetime":
            self.ecr.set_lifetime(float(body["seconds"]), body.get("accessKeyId"))
            return reply(start_response, "200 OK", {"ok": True})
        if path == "/_ecrcreds/check":
            return reply(
                start_response,
                "200 OK",
                self.ecr.check(body.get("password", ""), body.get("region", ""), body.get("service", "ecr")),
            )
        return reply(start_response, "404 Not Found", {"error": f"no admin endpoint {path}"})

    def record(self, environ):
        auth = environ.get("HTTP_AUTHORIZATION", "")
        m = CREDENTIAL.search(auth)
        key, region, service = (m.group(1), m.group(2), m.group(3)) if m else ("", "", "")
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        action = target.rsplit(".", 1)[-1] if target else ""
        call = {"service": service, "action": action, "region": region, "accessKeyId": key}
        if not action:
            # Query protocol (STS): the action is in the form body. Unsigned
            # calls (AssumeRoleWithWebIdentity) name no service: the action does.
            form = urllib.parse.parse_qs(read_body(environ).decode("utf-8", "replace"))
            query = urllib.parse.parse_qs(environ.get("QUERY_STRING", ""))
            field = lambda k: (form.get(k) or query.get(k) or [""])[0]
            call["action"] = field("Action")
            if field("RoleArn"):
                call["roleArn"] = field("RoleArn")
                call["service"] = call["service"] or "sts"
            if field("WebIdentityToken"):
                claims = jwt_claims(field("WebIdentityToken"))
                call["subject"] = claims.get("sub", "")
                aud = claims.get("aud", "")
                call["audience"] = aud[0] if isinstance(aud, list) and len(aud) == 1 else aud
        with self.lock:
            if key in self.roles:
                call["role"] = self.roles[key]
            self.calls.append(call)
        return call


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    if args.host not in ("127.0.0.1", "::1", "localhost"):
        sys.exit("moto_server.py: only loopback hosts are allowed")
    lifetime = float(os.environ.get("ECRCREDS_TEST_TOKEN_LIFETIME", 12 * 3600))
    ecr = TestEcr(lifetime, os.environ.get("ECRCREDS_TEST_ISSUED_TOKENS"))
    app = App(DomainDispatcherApplication(create_backend_app), ecr)
    run_simple(
        args.host,
        args.port,
        app,
        threaded=True,
        request_handler=MotoRequestHandler,
    )


if __name__ == "__main__":
    main()
