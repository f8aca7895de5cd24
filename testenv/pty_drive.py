"""Drives a command through a pseudo-terminal, as a person at a keyboard would.

Usage: pty_drive.py SCRIPT_JSON -- COMMAND [ARGS...]
SCRIPT_JSON is a list of steps:
  [expect_regex, text_to_send]   "\\r" is Enter, "\\x1b[B" the down arrow;
  [expect_regex, {"pick": [labels]}]  a multi-select: reads the list as drawn,
                                 moves to each label, toggles it, then Enter;
  [expect_regex, {"choose": label}]   a single choice, likewise.
Prints the transcript, then exits with the command's exit code (99 if a prompt
never came, 98 if a label to pick was not offered).
"""

import json
import re
import sys

import pexpect


ITEM = re.compile(r"^\s*>?\s*\[[ x]\] (\S+)\s*$")


def pick_keys(child, transcript, labels):
    """Reads the list as first drawn and returns the keys that select `labels`."""
    child.expect(pexpect.TIMEOUT, timeout=1.5)
    drawn = child.before
    transcript.append(drawn)
    items = []
    for line in re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "\n", drawn).splitlines():
        m = ITEM.match(line)
        if m and m.group(1) not in items:
            items.append(m.group(1))
    keys, at = "", 0
    for label in sorted(labels, key=lambda l: items.index(l) if l in items else -1):
        if label not in items:
            sys.stdout.write("".join(transcript))
            sys.stdout.write(f"\n[pty_drive] {label!r} was not offered\n")
            child.terminate(force=True)
            sys.exit(98)
        i = items.index(label)
        keys += "\x1b[B" * (i - at) + " "
        at = i
    return keys + "\r"


CHOICE = re.compile(r"^(?:> |  )(\S.*?)\s*$")


def choose_keys(child, transcript, label):
    """Reads a single-choice list as drawn and returns the keys that choose `label`."""
    child.expect(pexpect.TIMEOUT, timeout=1.5)
    drawn = child.before
    transcript.append(drawn)
    items = [
        m.group(1)
        for line in re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "\n", drawn).splitlines()
        if (m := CHOICE.match(line))
    ]
    if label not in items:
        sys.stdout.write("".join(transcript))
        sys.stdout.write(f"\n[pty_drive] {label!r} was not offered\n")
        child.terminate(force=True)
        sys.exit(98)
    return "\x1b[B" * items.index(label) + "\r"


def main():
    script = json.loads(sys.argv[1])
    assert sys.argv[2] == "--"
    child = pexpect.spawn(
        sys.argv[3], sys.argv[4:], encoding="utf-8", timeout=20, dimensions=(4000, 200)
    )
    transcript = []
    try:
        for expect, send in script:
            child.expect(expect)
            transcript.append(child.before + child.after)
            if isinstance(send, dict) and "pick" in send:
                send = pick_keys(child, transcript, send["pick"])
            elif isinstance(send, dict):
                send = choose_keys(child, transcript, send["choose"])
            child.send(send)
        child.expect(pexpect.EOF)
        transcript.append(child.before)
    except pexpect.TIMEOUT:
        transcript.append(child.before or "")
        sys.stdout.write("".join(transcript))
        sys.stdout.write("\n[pty_drive] timed out waiting for a prompt\n")
        child.terminate(force=True)
        sys.exit(99)
    child.close()
    sys.stdout.write("".join(transcript))
    sys.exit(child.exitstatus if child.exitstatus is not None else 1)


if __name__ == "__main__":
    main()
