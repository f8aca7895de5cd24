#!/usr/bin/env python3
"""Counts one user's requests in a kube-apiserver audit log (Metadata level)
received within a window, by kind: writes, lists, watches, gets.

Usage: audit_count.py AUDIT_LOG USER FROM_MS TO_MS
(FROM_MS and TO_MS in milliseconds since the epoch). Prints
"writes lists watches gets", one number each, on one line.
"""
import datetime
import json
import sys

WRITES = {"create", "update", "patch", "delete", "deletecollection"}


def main():
    path, user, lo, hi = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    seen = {}
    with open(path) as log:
        for line in log:
            try:
                event = json.loads(line)
            except ValueError:
                continue
            if event.get("user", {}).get("username") != user:
                continue
            received = datetime.datetime.fromisoformat(
                event["requestReceivedTimestamp"].replace("Z", "+00:00")
            )
            ms = received.timestamp() * 1000
            if lo <= ms < hi:
                # A watch is logged when it starts and when it ends: once.
                seen[event["auditID"]] = event["verb"]
    verbs = list(seen.values())
    print(
        sum(v in WRITES for v in verbs),
        verbs.count("list"),
        verbs.count("watch"),
        verbs.count("get"),
    )


if __name__ == "__main__":
    main()
