#!/usr/bin/env bash
# Stops what testenv/up.sh started in STATE_DIR: the node first (its
# containers, mounts, cgroups and sysctls), then every process: SIGTERM, and
# SIGKILL after 3s (the environment is thrown away, so a slow graceful
# shutdown of the API servers is not worth waiting for).
set -uo pipefail
STATE="${1:?usage: testenv/down.sh STATE_DIR}"
[[ -d "$STATE/node" ]] && "$(dirname "${BASH_SOURCE[0]}")/node.sh" "$STATE" down
[[ -f "$STATE/pids" ]] || exit 0
pids=$(awk '{print $1}' "$STATE/pids" | tac)
for p in $pids; do kill "$p" 2>/dev/null; done
# A process that exited but is not reaped yet (a zombie) counts as stopped.
running() { [[ "$(ps -o stat= -p "$1" 2>/dev/null)" =~ ^[^Z] ]]; }
for _ in $(seq 15); do
  alive=0
  for p in $pids; do running "$p" && alive=1; done
  (( alive )) || break
  sleep 0.2
done
for p in $pids; do kill -9 "$p" 2>/dev/null; done
rm -f "$STATE/pids"
