#!/usr/bin/env bash
# The main job on the embedded default: a local API server and moto, the CRD
# installed, a sample ECRPullSecret over three namespaces, refreshed by the
# plugin, and the result shown. Everything stays on loopback.
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
# kube-controller-manager gives each new namespace its default ServiceAccount.
until kubectl -n team-c get serviceaccount default >/dev/null 2>&1; do sleep 0.2; done
kubectl -n team-a patch serviceaccount default -p '{"imagePullSecrets":[{"name":"someone-elses"}]}' >/dev/null

cat > "$STATE/sample.yaml" <<'YAML'
apiVersion: alchemy.com/v1alpha1
kind: ECRPullSecret
metadata:
  name: sample
spec:
  secretName: ecr-pull
  namespaces: [team-a, team-b, team-c]
  registries:
    - 111122223333.dkr.ecr.us-east-1.amazonaws.com
    - 444455556666.dkr.ecr.eu-west-1.amazonaws.com
YAML
step kubectl apply -f "$STATE/sample.yaml"
step kubectl ecrcreds refresh sample
step kubectl get ecrps
step kubectl -n team-a get secret ecr-pull -o jsonpath='{.type}{"  "}{.metadata.labels}{"\n"}'
step kubectl -n team-a get serviceaccount default -o jsonpath='{.imagePullSecrets}{"\n"}'
step kubectl ecrcreds refresh sample -o wide
