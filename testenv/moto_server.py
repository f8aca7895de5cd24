"""moto in server mode, plus a request log so tests can count calls as moto saw them.

Every request that reaches moto is recorded as (service, action, region,
access key id) before moto handles it; `GET /_ecrcreds/calls` returns the
records as JSON. Nothing else about moto changes: it is still moto answering.
Only loopback addresses are accepted for --host.
"""

import argparse
import io
import json
import re
import sys
import threading
import urllib.parse

from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import run_simple

CREDENTIAL = re.compile(r"Credential=([^/]+)/[^/]+/([^/]+)/([^/]+)/")


class CallLog:
    """Records requests on their way into moto."""

    def __init__(self, app):
        self.app = app
        self.lock = threading.Lock()
        self.calls = []

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO") == "/_ecrcreds/calls":
            with self.lock:
                body = json.dumps({"calls": list(self.calls)}).encode()
            start_response(
                "200 OK",
                [("Content-Type", "application/json"), ("Content-Length", str(len(body)))],
            )
            return [body]
        self.record(environ)
        return self.app(environ, start_response)

    def record(self, environ):
        auth = environ.get("HTTP_AUTHORIZATION", "")
        m = CREDENTIAL.search(auth)
        key, region, service = (m.group(1), m.group(2), m.group(3)) if m else ("", "", "")
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        action = target.rsplit(".", 1)[-1] if target else ""
        if not action:
            # Query protocol (STS): the action is in the form body; read it and
            # hand moto an identical stream.
            length = int(environ.get("CONTENT_LENGTH") or 0)
            body = environ["wsgi.input"].read(length) if length else b""
            environ["wsgi.input"] = io.BytesIO(body)
            form = urllib.parse.parse_qs(body.decode("utf-8", "replace"))
            query = urllib.parse.parse_qs(environ.get("QUERY_STRING", ""))
            action = (form.get("Action") or query.get("Action") or [""])[0]
        with self.lock:
            self.calls.append(
                {"service": service, "action": action, "region": region, "accessKeyId": key}
            )


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    if args.host not in ("127.0.0.1", "::1", "localhost"):
        sys.exit("moto_server.py: only loopback hosts are allowed")
    app = CallLog(DomainDispatcherApplication(create_backend_app))
    run_simple(
        args.host,
        args.port,
        app,
        threaded=True,
        request_handler=MotoRequestHandler,
    )


if __name__ == "__main__":
    main()
