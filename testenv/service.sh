#!/usr/bin/env bash
# Stops or starts one process of a running test environment, for fault tests:
#   testenv/service.sh STATE_DIR stop NAME    (SIGKILL, as a crash would)
#   testenv/service.sh STATE_DIR start NAME   (same command line as up.sh used)
# NAME is one of etcd, kube-apiserver, kube-controller-manager, moto.
set -euo pipefail
STATE="${1:?usage: testenv/service.sh STATE_DIR stop|start NAME}"
ACTION="${2:?usage: testenv/service.sh STATE_DIR stop|start NAME}"
NAME="${3:?usage: testenv/service.sh STATE_DIR stop|start NAME}"
[[ -f "$STATE/cmd/$NAME" ]] || { echo "no service $NAME in $STATE" >&2; exit 1; }
case "$ACTION" in
  stop)
    pid=$(awk -v n="$NAME" '$2 == n {print $1}' "$STATE/pids" | tail -1)
    [[ -n "$pid" ]] && kill -9 "$pid" 2>/dev/null || true
    while [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
    ;;
  start)
    # exec, so that $! is the service itself and down.sh can stop it.
    eval "exec $(cat "$STATE/cmd/$NAME")" >>"$STATE/$NAME.log" 2>&1 &
    echo "$! $NAME" >> "$STATE/pids"
    ;;
  *) echo "unknown action $ACTION" >&2; exit 2 ;;
esac
