# Shared settings for the testenv scripts. Sourced, not run.
# shellcheck shell=bash

TESTENV_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "$TESTENV_DIR/.." && pwd)"

# Everything built or installed for tests lives here, outside target/, so a
# second run (or `cargo clean`) does not rebuild the control plane.
ECRCREDS_CACHE="${ECRCREDS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kubectl-ecrcreds}"

# Nothing a test starts may reach beyond this machine: the AWS SDK must not
# probe the instance-metadata address, and Go tools fetch modules through the
# module proxy only.
export AWS_EC2_METADATA_DISABLED=true

hash_of() { cat "$@" | sha256sum | cut -c1-16; }

# The Kubernetes release the test control plane is built from (keep in step
# with testenv/controlplane/go.mod).
K8S_VERSION=v1.37.2
controlplane_bin() {
  echo "$ECRCREDS_CACHE/controlplane/$( { echo "$K8S_VERSION stamped"; cat "$TESTENV_DIR/controlplane/go.mod" "$TESTENV_DIR/controlplane/go.sum" "$TESTENV_DIR/controlplane/cmd/etcd/main.go"; } | sha256sum | cut -c1-16)/bin"
}

# Packaging checkers, built from their Go modules (go install needs no module of ours).
HELM_MODULE=helm.sh/helm/v3/cmd/helm@v3.22.0
KREW_VALIDATOR_MODULE=sigs.k8s.io/krew/cmd/validate-krew-manifest@v0.4.3
tools_bin() {
  echo "$ECRCREDS_CACHE/tools/$(echo "$HELM_MODULE $KREW_VALIDATOR_MODULE" | sha256sum | cut -c1-16)/bin"
}

moto_venv() {
  echo "$ECRCREDS_CACHE/venv/moto-$(hash_of "$TESTENV_DIR/requirements.txt")"
}

log() { printf '[testenv] %s\n' "$*" >&2; }
die() { printf '[testenv] error: %s\n' "$*" >&2; exit 1; }
