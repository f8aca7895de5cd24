#!/usr/bin/env bash
# Stops what testenv/up.sh started in STATE_DIR: SIGTERM, then SIGKILL after 10s.
set -uo pipefail
STATE="${1:?usage: testenv/down.sh STATE_DIR}"
[[ -f "$STATE/pids" ]] || exit 0
pids=$(awk '{print $1}' "$STATE/pids" | tac)
for p in $pids; do kill "$p" 2>/dev/null; done
for _ in $(seq 50); do
  alive=0
  for p in $pids; do kill -0 "$p" 2>/dev/null && alive=1; done
  (( alive )) || break
  sleep 0.2
done
for p in $pids; do kill -9 "$p" 2>/dev/null; done
rm -f "$STATE/pids"
