#!/usr/bin/env bash
# Churn benchmark: does the controller forget what is deleted? On a fresh
# control plane and test ECR (no node needed), one controller (release build,
# MALLOC_ARENA_MAX=1 as the chart sets) and CYCLES create/delete cycles of an
# ECRPullSecret (Retain) whose credentials Secret is edited every cycle
# (examples/churn.rs). Prints RSS and the controller's per-kind entry counts
# (ecrcreds_memory_entries) at 0, every STEP cycles and at the end.
# Usage: bench/churn.sh [CYCLES] [STEP]     (defaults: 1000 500)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
CYCLES="${1:-1000}" STEP="${2:-500}"

bench_build --example churn
bench_up --no-node
kubectl create namespace churn >/dev/null
kubectl -n churn create secret generic churn-creds \
  --from-literal=AWS_ACCESS_KEY_ID=AKIACHURNBENCH --from-literal=AWS_SECRET_ACCESS_KEY=testenv-secret-key >/dev/null
PORT="$(free_port)"
MALLOC_ARENA_MAX=1 "$BIN" controller --leader-elect=false --metrics-addr "127.0.0.1:$PORT" \
  >"$STATE/controller.log" 2>&1 &
CTL=$!
until curl -sf "127.0.0.1:$PORT/healthz" >/dev/null; do sleep 0.1; done
"$REPO_DIR/target/release/examples/churn" "$CTL" "127.0.0.1:$PORT" churn churn-creds "$CYCLES" "$STEP"
