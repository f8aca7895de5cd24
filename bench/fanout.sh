#!/usr/bin/env bash
# Fan-out benchmark on the local API server + moto (everything on loopback).
# For each N: creates N namespaces, then measures
#   - controller: time from creating an ECRPullSecret (selector over the N
#     namespaces) until its status reports N ready, plus token calls and API
#     write requests (from kube-apiserver's own request counters);
#   - a second cycle with nothing changed (refresh requested): writes must be 0;
#   - controller RSS at idle afterwards;
#   - a one-shot `kubectl ecrcreds refresh` of a second resource over the same
#     namespaces.
# Usage: bench/fanout.sh [N...]      (default: 100 1000)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../testenv/lib.sh"
cd "$REPO_DIR"
SIZES=("${@:-100 1000}")
[[ $# -eq 0 ]] && SIZES=(100 1000)

"$TESTENV_DIR/build.sh"
cargo build --release --quiet
BIN="$REPO_DIR/target/release/kubectl-ecrcreds"

now_ms() { date +%s%3N; }
api_writes() { # PATCH/POST/PUT/DELETE requests on secrets and serviceaccounts so far
  kubectl get --raw /metrics | awk '/^apiserver_request_total\{/ && /resource="(secrets|serviceaccounts)"/ && /verb="(PATCH|POST|PUT|DELETE|APPLY)"/ {s+=$NF} END {print s+0}'
}
token_calls() { curl -s "$AWS_ENDPOINT_URL/_ecrcreds/calls" | python3 -c 'import json,sys; print(sum(1 for c in json.load(sys.stdin)["calls"] if c["action"]=="GetAuthorizationToken"))'; }
ready_count() { kubectl get ecrps "$1" -o jsonpath='{.status.namespaces.ready}' 2>/dev/null || true; }
rss_kib() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
cpu_s() { awk '{printf "%.2f", ($14+$15)/100}' "/proc/$1/stat"; }

printf '%-6s %-22s %-14s %-13s %-18s %-16s %-14s\n' N controller_to_ready token_calls writes_cycle1 writes_unchanged idle_rss_MiB refresh_oneshot
for N in "${SIZES[@]}"; do
  STATE="$(mktemp -d "${TMPDIR:-/tmp}/ecrcreds-bench.XXXXXX")"
  "$TESTENV_DIR/up.sh" "$STATE" 2>/dev/null
  # shellcheck source=/dev/null
  source "$STATE/env.sh"
  "$BIN" install >/dev/null 2>&1
  for i in $(seq 1 "$N"); do printf 'apiVersion: v1\nkind: Namespace\nmetadata: {name: bench-%d, labels: {bench: "yes"}}\n---\n' "$i"; done > "$STATE/ns.yaml"
  kubectl apply -f "$STATE/ns.yaml" >/dev/null
  until [[ "$(kubectl get sa -A --field-selector metadata.name=default --no-headers 2>/dev/null | grep -c '^bench-')" -ge "$N" ]]; do sleep 0.5; done

  "$BIN" controller --leader-elect=false --metrics-addr 127.0.0.1:0 -l bench=controller >"$STATE/controller.log" 2>&1 &
  CTL=$!
  sleep 2
  w0=$(api_writes); t0=$(token_calls)
  start=$(now_ms)
  cat <<YAML | kubectl apply -f - >/dev/null
apiVersion: alchemy.com/v1alpha1
kind: ECRPullSecret
metadata: {name: bench, labels: {bench: controller}}
spec:
  secretName: ecr-bench
  namespaceSelector: {matchLabels: {bench: "yes"}}
  registries: [111122223333.dkr.ecr.us-east-1.amazonaws.com, 444455556666.dkr.ecr.eu-west-1.amazonaws.com]
YAML
  until [[ "$(ready_count bench)" == "$N" ]]; do sleep 0.05; done
  elapsed=$(( $(now_ms) - start ))
  sleep 2
  w1=$(api_writes); t1=$(token_calls)
  peak_cpu=$(cpu_s "$CTL")

  # A cycle with nothing changed: refresh requested, same token from moto.
  kubectl annotate ecrps bench alchemy.com/refresh-requested-at="$(date +%s)" --overwrite >/dev/null
  sleep 3
  w2=$(api_writes); t2=$(token_calls)
  sleep 5
  rss=$(rss_kib "$CTL")

  # One-shot refresh of a second resource over the same namespaces.
  cat <<YAML | kubectl apply -f - >/dev/null
apiVersion: alchemy.com/v1alpha1
kind: ECRPullSecret
metadata: {name: bench-oneshot}
spec:
  secretName: ecr-oneshot
  namespaceSelector: {matchLabels: {bench: "yes"}}
  registries: [111122223333.dkr.ecr.us-east-1.amazonaws.com]
  serviceAccounts: []
YAML
  s=$(now_ms); "$BIN" refresh bench-oneshot -o json >/dev/null; oneshot=$(( $(now_ms) - s ))

  printf '%-6s %-22s %-14s %-13s %-18s %-16s %-14s\n' "$N" "${elapsed} ms" "$((t1 - t0)) (+$((t2 - t1)))" "$((w1 - w0))" "$((w2 - w1))" "$(( rss / 1024 ))" "${oneshot} ms"
  echo "  controller CPU seconds through the fan-out: $peak_cpu; after the idle cycle: $(cpu_s "$CTL")" >&2
  kill "$CTL"; wait "$CTL" 2>/dev/null || true
  "$TESTENV_DIR/down.sh" "$STATE"; rm -rf "$STATE"
done
