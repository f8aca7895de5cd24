"""Prints the fixed strings the suite's leak check greps for, one per line.

For every password the test ECR issued (one per line in TOKENS_FILE, or every
private test ECR's file next to it) and every secret given on the command line:
the string itself, `AWS:<string>`, and each in every base64 form it can take
inside a longer base64 text (its encoding at the three byte offsets, trimmed to
the characters that depend on it alone), so a token inside a base64
dockerconfigjson is found too. Plus the marker every test token starts with.
Usage: leak_patterns.py TOKENS_FILE [SECRET...]
"""

import base64
import sys

MARKER = "ECRTESTPW"


def base64_forms(s):
    raw = s.encode()
    for pad in range(3):
        data = b"\0" * pad + raw
        enc = base64.b64encode(data).decode()
        yield enc[[0, 2, 3][pad] : len(data) * 8 // 6]


def main():
    tokens_file, secrets = sys.argv[1], sys.argv[2:]
    with open(tokens_file, encoding="ascii") as f:
        tokens = [line.strip() for line in f if line.strip()]
    patterns = set()
    for s in tokens + secrets + [MARKER]:
        for form in (s, "AWS:" + s):
            patterns.add(form)
            patterns.update(base64_forms(form))
    for p in sorted(patterns):
        print(p)


if __name__ == "__main__":
    main()
