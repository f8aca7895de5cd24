#!/usr/bin/env bash
# The main job on the embedded default: a local API server, node, test ECR and
# registry, the CRD installed, the controller running, a sample ECRPullSecret
# over four namespaces kept fresh and repaired, an app Pod pulling its image
# from the "ECR" registry through the Secret the controller wrote, the
# plugin's one-shot refresh, and the controller's metrics. Everything stays on
# loopback.
# Usage: testenv/demo.sh [--keep]   (--keep leaves the environment running)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO_DIR"

KEEP=0
[[ "${1:-}" == "--keep" ]] && KEEP=1

"$TESTENV_DIR/build.sh"
log "building kubectl-ecrcreds"
cargo build --quiet
export PATH="$REPO_DIR/target/debug:$PATH"

STATE="${ECRCREDS_DEMO_STATE:-$(mktemp -d "${TMPDIR:-/tmp}/ecrcreds-demo.XXXXXX")}"
if (( KEEP )); then
  trap 'log "environment left running; source $STATE/env.sh to use it, testenv/down.sh $STATE to stop it"' EXIT
else
  trap '"$TESTENV_DIR/down.sh" "$STATE"; rm -rf "$STATE"' EXIT
fi
"$TESTENV_DIR/up.sh" "$STATE"
# shellcheck source=/dev/null
source "$STATE/env.sh"

step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; "$@"; }

step kubectl ecrcreds install
for ns in team-a team-b team-c; do kubectl create namespace "$ns" >/dev/null; done
kubectl label namespace team-c ecr-pull=true >/dev/null
# kube-controller-manager gives each new namespace its default ServiceAccount.
until kubectl -n team-c get serviceaccount default >/dev/null 2>&1; do sleep 0.2; done
kubectl -n team-a patch serviceaccount default -p '{"imagePullSecrets":[{"name":"someone-elses"}]}' >/dev/null

METRICS_PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
log "starting the controller (logs: $STATE/controller.log)"
kubectl-ecrcreds controller --leader-elect=false --metrics-addr "127.0.0.1:$METRICS_PORT" >"$STATE/controller.log" 2>&1 &
CONTROLLER=$!
echo "$CONTROLLER controller" >> "$STATE/pids"

cat > "$STATE/sample.yaml" <<'YAML'
apiVersion: alchemy.com/v1alpha1
kind: ECRPullSecret
metadata:
  name: sample
spec:
  secretName: ecr-pull
  namespaces: [team-a, team-b]
  namespaceSelector:
    matchLabels: {ecr-pull: "true"}
  registries:
    - 111122223333.dkr.ecr.us-east-1.amazonaws.com
    - 444455556666.dkr.ecr.eu-west-1.amazonaws.com
YAML
step kubectl apply -f "$STATE/sample.yaml"
step kubectl wait --for=condition=Ready ecrpullsecret/sample --timeout=30s
step kubectl get ecrps
step kubectl ecrcreds list
step kubectl get secrets -A -l app.kubernetes.io/managed-by=kubectl-ecrcreds
step kubectl -n team-a get serviceaccount default -o jsonpath='{.imagePullSecrets}{"\n"}'

log "a namespace created later with the label gets the Secret within seconds"
step kubectl create namespace team-d
step kubectl label namespace team-d ecr-pull=true
until kubectl -n team-d get secret ecr-pull >/dev/null 2>&1; do sleep 0.1; done
step kubectl -n team-d get secret ecr-pull

log "a deleted Secret is put back"
step kubectl -n team-a delete secret ecr-pull
sleep 1
step kubectl -n team-a get secret ecr-pull

log "an app Pod in team-b pulls its image from \"ECR\" through the Secret (its ServiceAccount carries it)"
cat > "$STATE/app.yaml" <<'YAML'
apiVersion: v1
kind: Pod
metadata: {name: app, namespace: team-b}
spec:
  hostNetwork: true           # the test node has no pod network
  terminationGracePeriodSeconds: 0
  containers:
    - name: app
      image: 111122223333.dkr.ecr.us-east-1.amazonaws.com/app:1
YAML
step kubectl apply -f "$STATE/app.yaml"
step kubectl -n team-b wait --for=condition=Ready pod/app --timeout=60s
step kubectl -n team-b get pod app -o jsonpath='{.spec.imagePullSecrets}{"  "}{.status.containerStatuses[0].imageID}{"\n"}'

log "the plugin runs the same reconcile once, from here"
step kubectl ecrcreds refresh sample
step kubectl ecrcreds describe sample
printf '\n\033[1m$ curl -s 127.0.0.1:%s/metrics | grep ^ecrcreds_\033[0m\n' "$METRICS_PORT"
curl -s "127.0.0.1:$METRICS_PORT/metrics" | grep '^ecrcreds_' | grep -v bucket
kill -TERM "$CONTROLLER"; wait "$CONTROLLER" 2>/dev/null || true
