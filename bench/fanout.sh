#!/usr/bin/env bash
# Fan-out benchmark on the local API server + moto (everything on loopback).
# For each N, on a fresh control plane with N labelled namespaces:
#   A. controller, product defaults (Secret + default ServiceAccount entry):
#      creation → status N/N ready, token calls, API writes (kube-apiserver's own
#      request counters), writes in a second cycle where nothing changed, peak
#      and idle RSS, CPU seconds;
#   B. controller writing only the N Secrets (serviceAccounts: []), and
#   L. the leanest client (examples/lean_apply.rs: server-side apply of the same
#      N Secrets, same concurrency, nothing else): B/L is our ratio to the limit;
#      Lt. the same client writing the small unlabelled Secret it wrote before
#      2026-12-01 (LEAN_PAYLOAD=tiny), for comparison with earlier figures;
#   L2. the leanest client writing the Secret and the default ServiceAccount's
#      entry (one guarded JSON patch), once before A and once after it (then
#      appending, as A did): A/L2 is A's ratio to their mean. L likewise runs
#      before and after B. Bracketing each timed run this way keeps a drift of
#      the shared machine's speed out of the ratio;
#   R. a one-shot `kubectl ecrcreds refresh` writing only the N Secrets;
#   I. idle: every request the controller sends over IDLE_S seconds with
#      nothing changing (the API server's audit log, user counted-admin), as
#      run by default (no resync) and again with --resync RESYNC; idle RSS;
#   P. repair: a deleted Secret and an edited one, until they are back; RSS
#      5 s and 100 s after (the API server closes idle connections at 90 s).
# Times A and B are taken by examples/ready_probe.rs: it creates the resource
# and watches it until its status says N/N ready, in one process. A's first
# pass is also split into its phases (observe: every read and the token fetch;
# execute: the writes; finish: status and Event), from the controller's debug
# log. The test ECR is asked for a token once before anything is timed: moto's
# first call in a region is slow (~0.35 s) for its own reasons, not ECR's.
# Writes are counted twice: the API server's write requests, and the objects it
# actually changed in etcd (an apply that changes nothing never reaches etcd).
# The idle windows run a restarted controller as counted-admin, whose every
# request the API server's audit log records; everything timed runs as the
# plain admin (audit logging of every request doubled the leanest client's
# time at 5000 namespaces).
# Usage: [SECRET_ACCESS=named|read] [IDLE_S=120] [RESYNC=30s] bench/fanout.sh [N...]
#        (defaults: named, the chart's default; 100 1000 5000)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
SIZES=("$@")
[[ $# -eq 0 ]] && SIZES=(100 1000 5000)
IDLE_S="${IDLE_S:-120}"
RESYNC="${RESYNC:-30s}"

bench_build --example lean_apply --example ready_probe
LEAN="$REPO_DIR/target/release/examples/lean_apply"
PROBE="$REPO_DIR/target/release/examples/ready_probe"

api_writes() { # write requests on secrets and serviceaccounts so far, as kube-apiserver counted them
  kubectl get --raw /metrics | awk '/^apiserver_request_total\{/ && /resource="(secrets|serviceaccounts)"/ && /verb="(PATCH|POST|PUT|DELETE|APPLY)"/ {s+=$NF} END {print s+0}'
}
etcd_writes() { # objects kube-apiserver created, updated or deleted in etcd
  kubectl get --raw /metrics | awk '/^etcd_request_duration_seconds_count\{/ && /resource="(secrets|serviceaccounts)"/ && /operation="(create|update|delete)"/ {s+=$NF} END {print s+0}'
}
cpu_s() { awk '{printf "%.2f", ($14+$15)/100}' "/proc/$1/stat"; }
idle_requests() { # writes lists watches gets the controller sent in [from_ms, to_ms), per hour
  python3 "$REPO_DIR/bench/audit_count.py" "$STATE/audit.log" counted-admin "$1" "$2" |
    awk -v w="$(( $2 - $1 ))" '{f = 3600000 / w; printf "%d / %d / %d / %d", $1 * f, $2 * f, $3 * f, $4 * f}'
}
secret_data() { kubectl -n bench-1 get secret ecr-a --ignore-not-found -o jsonpath='{.data}'; }
repair_ms() { # runs "$@", then waits until Secret bench-1/ecr-a holds its data again
  local want s; want=$(secret_data); s=$(now_ms); "$@" >/dev/null
  until [[ "$(secret_data)" == "$want" ]]; do sleep 0.05; done
  echo $(( $(now_ms) - s ))
}
phases() { # RESOURCE: observe / execute / finish ms of its first pass, from the debug log
  sed 's/\x1b\[[0-9;]*m//g' "$STATE/controller.log" | awk -v r="resource=$1" '/pass phases/ && index($0, r " ") {
    for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
    printf "%s / %s / %s ms", v["observe_ms"], v["execute_ms"], v["finish_ms"]; exit }'
}
token_calls() { curl -s "$AWS_ENDPOINT_URL/_ecrcreds/calls" | python3 -c 'import json,sys; print(sum(1 for c in json.load(sys.stdin)["calls"] if c["action"]=="GetAuthorizationToken"))'; }

RESULTS="$(mktemp)"
for N in "${SIZES[@]}"; do
  bench_up --no-node
  namespaces bench- "$N"
  warm_test_ecr

  # L2 first, while the ServiceAccounts have no imagePullSecrets yet, as A finds them.
  l2_ms=$("$LEAN" bench- "$N" "$CONCURRENCY" ecr-lean2 default)

  start_controller "$KUBECONFIG"
  sleep 2
  rss_start=$(mib "$CTL" VmRSS); cpu0=$(cpu_s "$CTL")

  # A: product defaults.
  w0=$(api_writes); e0=$(etcd_writes); t0=$(token_calls)
  a_ms=$("$PROBE" bench-a ecr-a '["default"]' "$N")
  sleep 2
  a_phases=$(phases bench-a)
  wa=$(api_writes); ea=$(etcd_writes); t1=$(token_calls); a_cpu=$(awk -v a="$(cpu_s "$CTL")" -v b="$cpu0" 'BEGIN {printf "%.2f", a - b}')
  a_peak=$(mib "$CTL" VmHWM)
  # L2 again, now appending to the lists A wrote to (the controller sees these
  # ServiceAccount events too, as it saw its own during A).
  l2b_ms=$(LEAN_SA=append "$LEAN" bench- "$N" "$CONCURRENCY" ecr-lean2b default)
  w1=$(api_writes); e1=$(etcd_writes) # the forced cycle's writes are counted from here
  asked="$(date +%s%N)"
  kubectl annotate ecrps bench-a alchemy.com/refresh-requested-at="$asked" --overwrite >/dev/null
  sleep 4
  w2=$(api_writes); e2=$(etcd_writes); t2=$(token_calls)
  sleep 5
  idle=$(mib "$CTL" VmRSS)
  # B must not overlap that forced cycle: at 5000 namespaces it outlasts the
  # 9 s above (its status echoes the request when the pass is done).
  until [[ "$(kubectl get ecrps bench-a -o jsonpath='{.status.lastRefreshRequest}')" == "$asked" ]]; do sleep 0.5; done

  # L, B, L again: the leanest client around B, the same N Secrets under other names.
  la_ms=$("$LEAN" bench- "$N" "$CONCURRENCY" ecr-lean)
  # B: only the Secrets, for the ratio to the leanest client.
  b_ms=$("$PROBE" bench-b ecr-b '[]' "$N")
  peak=$(mib "$CTL" VmHWM)
  lb_ms=$("$LEAN" bench- "$N" "$CONCURRENCY" ecr-leanb)
  lt_ms=$(LEAN_PAYLOAD=tiny "$LEAN" bench- "$N" "$CONCURRENCY" ecr-tiny)

  # R: one-shot refresh, only the Secrets.
  secrets_only bench-r ecr-r 'namespaceSelector: {matchLabels: {bench: "yes"}}'
  s=$(now_ms); "$BIN" refresh bench-r -o name --concurrency "$CONCURRENCY" >/dev/null 2>&1; r_ms=$(( $(now_ms) - s ))

  # P: repair, a deleted Secret and then an edited one. The controller has
  # seen bench-r by now (its Secrets are current: nothing to write).
  sleep 5
  p_del=$(repair_ms kubectl -n bench-1 delete secret ecr-a)
  p_edit=$(repair_ms kubectl -n bench-1 patch secret ecr-a -p '{"data":{".dockerconfigjson":"e30="}}')
  sleep 5
  after_rss=$(mib "$CTL" VmRSS)
  # Idle after work: the API server closes the pass's idle connections after 90 s.
  sleep 95
  late_rss=$(mib "$CTL" VmRSS)
  stop_controller

  # I: idle, as run by default: a restarted controller (as counted-admin), its
  # first pass (nothing to write), then the window.
  start_controller "$STATE/kubeconfig-counted"
  sleep 20
  i0=$(now_ms); sleep "$IDLE_S"; i1=$(now_ms)
  idle_default=$(idle_requests "$i0" "$i1")
  idle_rss=$(mib "$CTL" VmRSS)
  stop_controller

  # I again with a resync.
  start_controller "$STATE/kubeconfig-counted" --resync "$RESYNC"
  sleep 20
  i0=$(now_ms); sleep "$IDLE_S"; i1=$(now_ms)
  idle_resync=$(idle_requests "$i0" "$i1")
  stop_controller

  ratio=$(over_mean "$b_ms" "$la_ms" "$lb_ms")
  ratio_t=$(awk -v b="$b_ms" -v l="$lt_ms" 'BEGIN {printf "%.2f", b / l}')
  ratio2=$(over_mean "$a_ms" "$l2_ms" "$l2b_ms")
  printf '| %s | %s ms | %s | %s / %s ms | %s ms | %s / %s ms | %s | %s ms | %s | %s | %s ms | %s (+%s) | %s / %s | %s / %s | %s | %s | %s / %s ms | %s / %s / %s / %s / %s / %s MiB | %s s |\n' \
    "$N" "$a_ms" "$a_phases" "$l2_ms" "$l2b_ms" "$b_ms" "$la_ms" "$lb_ms" "$ratio" "$lt_ms" "$ratio_t" "$ratio2" "$r_ms" "$((t1 - t0))" "$((t2 - t1))" "$((ea - e0))" "$((wa - w0))" "$((e2 - e1))" "$((w2 - w1))" \
    "$idle_default" "$idle_resync" "$p_del" "$p_edit" "$rss_start" "$a_peak" "$idle" "$after_rss" "$late_rss" "$idle_rss" "$a_cpu" | tee -a "$RESULTS"
  bench_down
done
echo
echo "secret access: $SECRET_ACCESS; idle window ${IDLE_S}s; resync $RESYNC"
echo "| N | A: ready (Secret + SA) | A's first pass: observe / execute / finish | L2: leanest, Secret + SA, before / after A | B: ready (Secrets only) | L: leanest client, before / after B | B/L | Lt: leanest, tiny Secret | B/Lt | A/L2 | R: one-shot refresh | token calls (2nd cycle) | writes, 1st cycle (etcd / API) | writes, forced refresh (etcd / API) | idle, default: writes / lists / watches / gets per hour | idle, resync $RESYNC: per hour | repair: deleted / edited | RSS start / peak in A / 5 s after A / after P / 100 s after P / restarted, idle | CPU in A |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
cat "$RESULTS"
