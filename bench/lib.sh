#!/usr/bin/env bash
# What the benchmarks share: building the release binary and the test
# environment's tools, a control plane of their own (torn down on exit, with
# any controller they started), labelled namespaces, and the ECRPullSecret and
# arithmetic several of them use. Sourced, never run.
# shellcheck source=../testenv/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../testenv/lib.sh"
cd "$REPO_DIR"

BIN="$REPO_DIR/target/release/kubectl-ecrcreds"
STATE="" CTL=""
USE1=111122223333.dkr.ecr.us-east-1.amazonaws.com
EUW1=444455556666.dkr.ecr.eu-west-1.amazonaws.com

now_ms() { date +%s%3N; }
mib() { awk -v k="$2:" '$1 == k {printf "%.1f", $2/1024}' "/proc/$1/status"; } # PID FIELD (VmRSS, VmHWM)

bench_build() { # [CARGO_ARGS...]: the test environment's tools, the plugin and any examples named
  "$TESTENV_DIR/build.sh"
  cargo build --release --quiet --bin kubectl-ecrcreds "$@"
}

bench_up() { # [--no-node]: a fresh control plane (and test ECR, registry, node) in STATE, CRD installed
  STATE="$(mktemp -d "${TMPDIR:-/tmp}/ecrcreds-bench.XXXXXX")"
  "$TESTENV_DIR/up.sh" "$STATE" "$@" 2>/dev/null
  # shellcheck source=/dev/null
  source "$STATE/env.sh"
  "$BIN" install >/dev/null 2>&1
}

CONCURRENCY=32
SECRET_ACCESS="${SECRET_ACCESS:-named}"
start_controller() { # KUBECONFIG [FLAGS...]: the release controller on resources labelled bench=controller, as CTL
  local kubeconfig="$1"; shift
  # MALLOC_ARENA_MAX as chart/templates/deployment.yaml sets it; debug for the
  # "pass phases" lines.
  KUBECONFIG="$kubeconfig" MALLOC_ARENA_MAX=1 RUST_LOG=kubectl_ecrcreds=debug "$BIN" controller --leader-elect=false \
    --metrics-addr 127.0.0.1:0 --concurrency "$CONCURRENCY" --secret-access "$SECRET_ACCESS" -l bench=controller "$@" \
    >>"$STATE/controller.log" 2>&1 &
  CTL=$!
}

stop_controller() {
  [[ -n "$CTL" ]] || return 0
  kill "$CTL" 2>/dev/null; wait "$CTL" 2>/dev/null || true; CTL=""
}

bench_down() {
  stop_controller
  [[ -n "$STATE" && -d "$STATE" ]] && { "$TESTENV_DIR/down.sh" "$STATE" >/dev/null 2>&1; rm -rf "$STATE"; }
  STATE=""
}
trap bench_down EXIT # also when a step fails: nothing left running

namespaces() { # PREFIX N: namespaces PREFIX1..PREFIXN labelled bench=yes, once each has its default ServiceAccount
  local i
  for i in $(seq 1 "$2"); do
    printf 'apiVersion: v1\nkind: Namespace\nmetadata: {name: %s%d, labels: {bench: "yes"}}\n---\n' "$1" "$i"
  done > "$STATE/ns.yaml"
  kubectl apply -f "$STATE/ns.yaml" >/dev/null
  until [[ "$(kubectl get sa -A --field-selector metadata.name=default --no-headers 2>/dev/null | grep -c "^$1")" -ge "$2" ]]; do sleep 0.5; done
}

secrets_only() { # NAME SECRET_NAME TARGETS: a resource writing only its Secrets, in TARGETS (a spec line)
  cat <<YAML | kubectl apply -f - >/dev/null
apiVersion: alchemy.com/v1alpha1
kind: ECRPullSecret
metadata: {name: $1}
spec:
  secretName: $2
  $3
  registries: [$USE1, $EUW1]
  serviceAccounts: []
YAML
}

warm_test_ecr() { # moto's first token call in a region is slow (~0.35 s) for its own reasons, not ECR's
  secrets_only bench-warm ecr-warm 'namespaces: [default]'
  "$BIN" refresh bench-warm -o name >/dev/null
}

over_mean() { # T X Y: T over the mean of X and Y
  awk -v t="$1" -v x="$2" -v y="$3" 'BEGIN {printf "%.2f", 2 * t / (x + y)}'
}

median() { # NUMBERS...: the middle one (the lower middle of an even count)
  printf '%s\n' "$@" | sort -g | sed -n "$(( ($# + 1) / 2 ))p"
}
