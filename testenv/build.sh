#!/usr/bin/env bash
# Builds what the tests need, once, into the cache ($ECRCREDS_CACHE):
#  - etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kubelet and
#    kubectl, from their Go modules at the versions pinned in
#    testenv/controlplane/go.mod (one `go build`, so they share packages);
#  - a Python venv with moto in server mode, pinned by testenv/requirements.txt;
#  - helm and krew's validate-krew-manifest, from their Go modules.
# A second run finds both and returns in well under a second.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

build_controlplane() {
  local bin; bin="$(controlplane_bin)"
  if [[ -x "$bin/kube-apiserver" && -x "$bin/etcd" && -x "$bin/kube-controller-manager" && -x "$bin/kubectl" \
        && -x "$bin/kube-scheduler" && -x "$bin/kubelet" ]]; then
    log "control plane cached in $bin"
    return
  fi
  command -v go >/dev/null || die "Go is needed to build the test control plane; install Go 1.26 or later"
  log "building etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kubelet and kubectl (first run only; several minutes on 2 cores)"
  local tmp="$bin.tmp.$$"
  mkdir -p "$tmp"
  # Stamp the version as Kubernetes' own release builds do, so clients (Helm's
  # kubeVersion check, kubectl version) see v1.37.2 rather than v0.0.0-master.
  local v="k8s.io/component-base/version"
  local stamp="-X $v.gitVersion=$K8S_VERSION -X $v.gitMajor=1 -X $v.gitMinor=37 -X $v.gitTreeState=clean"
  (cd "$TESTENV_DIR/controlplane" && go build -trimpath -ldflags "-s -w $stamp" -o "$tmp/" \
      ./cmd/etcd \
      k8s.io/kubernetes/cmd/kube-apiserver \
      k8s.io/kubernetes/cmd/kube-controller-manager \
      k8s.io/kubernetes/cmd/kube-scheduler \
      k8s.io/kubernetes/cmd/kubelet \
      k8s.io/kubernetes/cmd/kubectl)
  rm -rf "$bin"
  mv "$tmp" "$bin"
  log "control plane built in $bin"
}

build_venv() {
  local venv; venv="$(moto_venv)"
  if [[ -x "$venv/bin/python" && -f "$venv/.complete" ]]; then
    log "moto venv cached in $venv"
    return
  fi
  log "installing moto into $venv"
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$TESTENV_DIR/requirements.txt"
  touch "$venv/.complete"
}

# kubectl's bash completion script needs the bash-completion package, which the
# completion test loads into a real bash.
install_bash_completion() {
  [[ -f /usr/share/bash-completion/bash_completion ]] && return
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    log "installing Debian's bash-completion (for the completion test)"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bash-completion >/dev/null
  else
    die "the completion test needs bash-completion (/usr/share/bash-completion/bash_completion); install it"
  fi
}

build_tools() {
  local bin; bin="$(tools_bin)"
  if [[ -x "$bin/helm" && -x "$bin/validate-krew-manifest" ]]; then
    log "helm and validate-krew-manifest cached in $bin"
    return
  fi
  log "building helm and validate-krew-manifest from their Go modules (first run only)"
  local tmp="$bin.tmp.$$"
  mkdir -p "$tmp"
  GOBIN="$tmp" GOFLAGS=-trimpath go install -ldflags "-s -w" "$HELM_MODULE"
  GOBIN="$tmp" GOFLAGS=-trimpath go install -ldflags "-s -w" "$KREW_VALIDATOR_MODULE"
  rm -rf "$bin"
  mv "$tmp" "$bin"
}

build_controlplane
build_venv
build_tools
install_bash_completion
