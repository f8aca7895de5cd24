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

controlplane_bin() {
  echo "$ECRCREDS_CACHE/controlplane/$(hash_of "$TESTENV_DIR/controlplane/go.mod" "$TESTENV_DIR/controlplane/go.sum" "$TESTENV_DIR/controlplane/cmd/etcd/main.go")/bin"
}

moto_venv() {
  echo "$ECRCREDS_CACHE/venv/moto-$(hash_of "$TESTENV_DIR/requirements.txt")"
}

log() { printf '[testenv] %s\n' "$*" >&2; }
die() { printf '[testenv] error: %s\n' "$*" >&2; exit 1; }
