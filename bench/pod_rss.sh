#!/usr/bin/env bash
# The controller as users run it: the image release/image.sh builds, installed
# by the Helm chart on the test node (one replica), with N labelled target
# namespaces. Prints Pod start to Ready, the fan-out's time, and the idle
# memory of the controller's container from its memory cgroup (total_rss:
# anonymous memory) beside the process's VmRSS (adds the mapped binary), once
# right after the fan-out and again after IDLE_S seconds.
# Usage: [IDLE_S=60] bench/pod_rss.sh [N]   (default 1000; needs the node, so
# nothing else may run a test environment with one)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
N="${1:-1000}"
IDLE_S="${IDLE_S:-60}"

bench_build
bench_up

s=$(now_ms)
CRANE="$ECRCREDS_TEST_CRANE" CRANE_FLAGS=--insecure "$REPO_DIR/release/image.sh" "$BIN" amd64 \
  "$ECRCREDS_TEST_REGISTRY_BACKEND/kubectl-ecrcreds:bench" "$(deb_cache)" >/dev/null
image_ms=$(( $(now_ms) - s ))
kubectl create namespace ecr-system >/dev/null
# The image's pull Secret, written by the plugin as a user without a
# controller would.
cat <<YAML | kubectl apply -f - >/dev/null
apiVersion: alchemy.com/v1alpha1
kind: ECRPullSecret
metadata: {name: bench-boot}
spec: {secretName: ecr-pull, namespaces: [ecr-system], registries: [$USE1], serviceAccounts: []}
YAML
"$BIN" refresh bench-boot -o name >/dev/null
kubectl -n ecr-system create secret generic aws-creds \
  --from-literal=AWS_ACCESS_KEY_ID=AKIABENCHPODRSS00000 --from-literal=AWS_SECRET_ACCESS_KEY=testenv-secret-key >/dev/null
namespaces bench- "$N"

moto_port="${AWS_ENDPOINT_URL##*:}"
cat > "$STATE/values.json" <<JSON
{"image": {"repository": "$USE1/kubectl-ecrcreds", "tag": "bench"},
 "imagePullSecrets": [{"name": "ecr-pull"}],
 "replicaCount": 1,
 "hostNetwork": true,
 "hostAliases": [{"ip": "127.0.0.1", "hostnames": ["test-ecr.ecrcreds.invalid"]}],
 "metrics": {"bindAddress": "127.0.0.1", "port": $(free_port)},
 "aws": {"region": "us-east-1", "credentials": {"secretName": "aws-creds"}},
 "controller": {"extraEnv": [
   {"name": "AWS_ENDPOINT_URL", "value": "http://test-ecr.ecrcreds.invalid:$moto_port"},
   {"name": "AWS_EC2_METADATA_DISABLED", "value": "true"},
   {"name": "KUBERNETES_SERVICE_HOST", "value": "127.0.0.1"},
   {"name": "KUBERNETES_SERVICE_PORT", "value": "$ECRCREDS_TEST_API_PORT"}]}}
JSON
helm install bench chart -n ecr-system -f "$STATE/values.json" >/dev/null
kubectl -n ecr-system wait --for=condition=Ready pod --all --timeout=120s >/dev/null
pod="$(kubectl -n ecr-system get pod -o name | head -1)"
created="$(kubectl -n ecr-system get "$pod" -o jsonpath='{.metadata.creationTimestamp}')"
ready="$(kubectl -n ecr-system get "$pod" -o jsonpath='{.status.conditions[?(@.type=="Ready")].lastTransitionTime}')"
start_ready_s=$(( $(date -d "$ready" +%s) - $(date -d "$created" +%s) ))
uid="$(kubectl -n ecr-system get "$pod" -o jsonpath='{.metadata.uid}')"

s=$(now_ms)
cat <<YAML | kubectl apply -f - >/dev/null
apiVersion: alchemy.com/v1alpha1
kind: ECRPullSecret
metadata: {name: bench-pod}
spec:
  secretName: ecr-pull
  namespaceSelector: {matchLabels: {bench: "yes"}}
  registries: [$USE1, $EUW1]
YAML
until [[ "$(kubectl get ecrps bench-pod -o jsonpath='{.status.namespaces.ready}')" == "$N" ]]; do sleep 0.2; done
fanout_ms=$(( $(now_ms) - s ))

memory() { # total_rss and VmRSS of the controller process of the Pod, in MiB
  local pid path
  for pid in $(pgrep -f '^/kubectl-ecrcreds controller'); do
    path="$(awk -F: '$2 ~ /(^|,)memory(,|$)/ {print $3}' "/proc/$pid/cgroup")"
    [[ "$path" == *"${uid//-/_}"* || "$path" == *"$uid"* ]] || continue
    awk '$1 == "total_rss" {printf "%.1f", $2 / 1048576}' "/sys/fs/cgroup/memory$path/memory.stat"
    printf ' / '
    awk '$1 == "VmRSS:" {printf "%.1f", $2 / 1024}' "/proc/$pid/status"
    return
  done
  echo "no controller process in Pod $uid" >&2; exit 1
}
sleep 2
after=$(memory)
sleep "$IDLE_S"
idle=$(memory)
echo
echo "| N | image build + push | Pod start to Ready | fan-out to N/N ready | memory after fan-out (cgroup total_rss / VmRSS) | after ${IDLE_S}s idle |"
echo "|---|---|---|---|---|---|"
echo "| $N | $image_ms ms | ${start_ready_s} s | $fanout_ms ms | $after MiB | $idle MiB |"
