#!/usr/bin/env bash
# `doctor -A` and `verify --all` at scale, on the test node: N namespaces
# (default 1000), of which all but F/2 are targeted by one ECRPullSecret and
# refreshed; then F failing Pods (default 200): F/2 in the namespaces left out
# (NotTargeted) and F/2 in targeted ones whose Secret was deleted
# (SecretMissing). Prints doctor's wall time (RUNS runs, release binary), what
# it found, and how many /v2/ requests one `verify --all` sent.
# Usage: [RUNS=5] bench/doctor.sh [N] [F]   (needs the node, so nothing else
# may run a test environment with one)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
N="${1:-1000}"
F="${2:-200}"
RUNS="${RUNS:-5}"
HALF=$(( F / 2 ))

bench_build
bench_up

# Namespaces 1..HALF are left out (no label); the rest are targeted.
for i in $(seq 1 "$N"); do
  if (( i <= HALF )); then labels='{}'; else labels='{bench: "yes"}'; fi
  printf 'apiVersion: v1\nkind: Namespace\nmetadata: {name: doc-%d, labels: %s}\n---\n' "$i" "$labels"
done > "$STATE/ns.yaml"
kubectl apply -f "$STATE/ns.yaml" >/dev/null
until [[ "$(kubectl get sa -A --field-selector metadata.name=default --no-headers 2>/dev/null | grep -c '^doc-')" -ge "$N" ]]; do sleep 0.5; done
until [[ "$(kubectl get cm -A --field-selector metadata.name=kube-root-ca.crt --no-headers 2>/dev/null | grep -c '^doc-')" -ge "$N" ]]; do sleep 0.5; done
cat <<YAML | kubectl apply -f - >/dev/null
apiVersion: alchemy.com/v1alpha1
kind: ECRPullSecret
metadata: {name: bench-doctor}
spec: {secretName: ecr-pull, namespaceSelector: {matchLabels: {bench: "yes"}}, registries: [$USE1]}
YAML
"$BIN" refresh bench-doctor -o name >/dev/null
# Namespaces HALF+1..F lose their Secret.
for i in $(seq $(( HALF + 1 )) "$F"); do echo "doc-$i"; done \
  | xargs -P 4 -I{} kubectl -n {} delete secret ecr-pull --wait=false >/dev/null
for i in $(seq 1 "$F"); do
  printf 'apiVersion: v1\nkind: Pod\nmetadata: {name: app, namespace: doc-%d}\nspec: {hostNetwork: true, terminationGracePeriodSeconds: 0, containers: [{name: app, image: "%s/app:1", imagePullPolicy: Always}]}\n---\n' "$i" "$USE1"
done > "$STATE/pods.yaml"
kubectl apply -f "$STATE/pods.yaml" >/dev/null
failing() {
  kubectl get pods -A -o jsonpath='{range .items[*]}{.status.containerStatuses[0].state.waiting.reason}{"\n"}{end}' \
    | grep -cE '^(ErrImagePull|ImagePullBackOff)$' || true
}
deadline=$(( $(date +%s) + 600 ))
until [[ "$(failing)" -ge "$F" ]]; do
  (( $(date +%s) < deadline )) || { echo "only $(failing) of $F Pods failed their pull within 600 s" >&2; exit 1; }
  sleep 2
done

times=()
for r in $(seq 1 "$RUNS"); do
  s=$(now_ms)
  set +e
  "$BIN" doctor -A -o json > "$STATE/doctor.json"
  code=$?
  set -e
  times+=( $(( $(now_ms) - s )) )
  [[ $code -eq 3 ]] || { echo "doctor exited $code, not 3" >&2; exit 1; }
done
sorted="$(printf '%s\n' "${times[@]}" | sort -n | tr '\n' ' ')"
median="$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p")"
causes="$(python3 -c 'import json,sys,collections; f=json.load(open(sys.argv[1])); print(len(f), dict(collections.Counter(x["cause"] for x in f)))' "$STATE/doctor.json")"

connect=()
for hp in $ECRCREDS_TEST_REGISTRY_HOSTPORTS; do connect+=(--connect-to "${hp%%=*}=127.0.0.1:${hp##*=}"); done
probes() { curl -sf "http://$ECRCREDS_TEST_REGISTRY_ADMIN/requests" | python3 -c 'import json,sys; print(sum(1 for r in json.load(sys.stdin)["requests"] if r["method"]=="GET" and r["path"]=="/v2/"))'; }
before="$(probes)"
s=$(now_ms)
SSL_CERT_FILE="$ECRCREDS_TEST_CA" "$BIN" verify --all "${connect[@]}" -o json > "$STATE/verify.json"
verify_ms=$(( $(now_ms) - s ))
sent=$(( $(probes) - before ))
rows="$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(len(r), [(x["result"], len(x["namespaces"])) for x in r])' "$STATE/verify.json")"

echo "doctor -A over $N namespaces, $F failing Pods: median ${median} ms of $RUNS runs (${sorted% }); findings: $causes"
echo "verify --all: $sent /v2/ requests for $rows (rows: result, namespaces holding that copy), ${verify_ms} ms"
