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
# krew itself, from the same module as its validator: the packaging test
# installs the release archive with it.
KREW_MODULE=sigs.k8s.io/krew/cmd/krew@v0.4.3
krew_bin() {
  echo "$ECRCREDS_CACHE/krew/$(echo "$KREW_MODULE" | sha256sum | cut -c1-16)/bin"
}
# The chart's monitoring parts are checked with the real thing: the
# Prometheus Operator's CRDs (from its module) for the ServiceMonitor and
# PrometheusRule, and Prometheus' rule parser (testenv/monitoring/rulecheck).
PROMETHEUS_OPERATOR_MODULE=github.com/prometheus-operator/prometheus-operator@v0.85.0
monitoring_dir() {
  echo "$ECRCREDS_CACHE/monitoring/$( { echo "$PROMETHEUS_OPERATOR_MODULE"; cat "$TESTENV_DIR/monitoring/go.mod" "$TESTENV_DIR/monitoring/go.sum" "$TESTENV_DIR/monitoring/rulecheck/main.go"; } | sha256sum | cut -c1-16)"
}
# The Debian packages the controller image is assembled from (release/rootfs.sh).
deb_cache() {
  echo "$ECRCREDS_CACHE/debs"
}

# The node's runtime and the image tool, from their Go modules; runc, the CNI
# loopback plugin, distribution and busybox come from Debian.
CONTAINERD_MODULE=github.com/containerd/containerd/v2
CONTAINERD_VERSION=v2.2.9
CRANE_MODULE=github.com/google/go-containerregistry/cmd/crane@v0.22.1
DEBIAN_PACKAGES=(runc containernetworking-plugins docker-registry busybox-static bash-completion)
node_bin() {
  echo "$ECRCREDS_CACHE/node/$(echo "$CONTAINERD_MODULE@$CONTAINERD_VERSION $CRANE_MODULE" | sha256sum | cut -c1-16)/bin"
}
# The layers of the test images (the pause binary, busybox): made from the
# Kubernetes module's pause.c and Debian's busybox-static.
IMAGES_RECIPE=1
images_dir() {
  echo "$ECRCREDS_CACHE/images/$( { echo "$IMAGES_RECIPE $K8S_VERSION"; sha256sum /usr/bin/busybox 2>/dev/null; } | sha256sum | cut -c1-16)"
}

# The ECR registry hosts the test registry answers for, one listener each
# (containerd reaches each at its own loopback port; the port tells the
# registry's auth step which region a token must be from).
ECR_TEST_HOSTS=(
  111122223333.dkr.ecr.us-east-1.amazonaws.com
  444455556666.dkr.ecr.eu-west-1.amazonaws.com
  public.ecr.aws
)

moto_venv() {
  echo "$ECRCREDS_CACHE/venv/moto-$(hash_of "$TESTENV_DIR/requirements.txt")"
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# start NAME COMMAND...: runs a service of the environment in $STATE in the
# background, logging to $STATE/NAME.log and recording its PID for down.sh.
start() {
  local name="$1"; shift
  # Kept so testenv/service.sh can stop and start it again (fault tests).
  mkdir -p "$STATE/cmd"
  printf '%q ' "$@" > "$STATE/cmd/$name"
  "$@" >>"$STATE/$name.log" 2>&1 &
  echo "$! $name" >> "$STATE/pids"
}

# wait_for WHAT SECONDS COMMAND...: polls until COMMAND succeeds; on timeout
# shows the logs, stops the environment and exits.
wait_for() {
  local what="$1" secs="$2"; shift 2
  local deadline=$((SECONDS + secs))
  until "$@" >/dev/null 2>&1; do
    if (( SECONDS > deadline )); then
      log "$what did not come up within ${secs}s; last log lines:"
      tail -n 20 "$STATE"/*.log >&2 || true
      "$TESTENV_DIR/down.sh" "$STATE" || true
      exit 1
    fi
    sleep 0.2
  done
}

log() { printf '[testenv] %s\n' "$*" >&2; }
die() { printf '[testenv] error: %s\n' "$*" >&2; exit 1; }
