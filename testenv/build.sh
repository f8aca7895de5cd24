#!/usr/bin/env bash
# Builds what the tests need, once, into the cache ($ECRCREDS_CACHE):
#  - etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kubelet and
#    kubectl, from their Go modules at the versions pinned in
#    testenv/controlplane/go.mod (one `go build`, so they share packages);
#  - a Python venv with moto in server mode, pinned by testenv/requirements.txt;
#  - helm, krew and krew's validate-krew-manifest, from their Go modules;
#  - rulecheck (Prometheus' rule parser) and the Prometheus Operator's CRDs;
#  - the test node's containerd, containerd-shim-runc-v2 and ctr, and crane
#    (images), from their Go modules;
#  - the layers of the test images: a static pause binary compiled from the
#    Kubernetes module's pause.c, and Debian's static busybox;
#  - as root, Debian's runc, CNI plugins, docker-registry (distribution),
#    busybox-static and bash-completion when they are missing.
# A second run finds everything and returns in well under a second.
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

# Debian packages: the node's runc and CNI loopback plugin, the registry
# (distribution), busybox for the test image, and bash-completion, which the
# completion test loads into a real bash.
install_debian_packages() {
  local missing=()
  [[ -x /usr/sbin/runc ]] || missing+=(runc)
  [[ -x /usr/lib/cni/loopback ]] || missing+=(containernetworking-plugins)
  [[ -x /usr/bin/docker-registry ]] || missing+=(docker-registry)
  file_is_static /usr/bin/busybox || missing+=(busybox-static)
  [[ -f /usr/share/bash-completion/bash_completion ]] || missing+=(bash-completion)
  (( ${#missing[@]} )) || return 0
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    log "installing Debian's ${missing[*]}"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    die "the tests need Debian's ${missing[*]}; install them (as root: apt-get install ${missing[*]})"
  fi
}
file_is_static() { [[ -x "$1" ]] && ! ldd "$1" >/dev/null 2>&1; }

build_node() {
  local bin; bin="$(node_bin)"
  if [[ -x "$bin/containerd" && -x "$bin/containerd-shim-runc-v2" && -x "$bin/ctr" && -x "$bin/crane" ]]; then
    log "containerd and crane cached in $bin"
    return
  fi
  log "building containerd $CONTAINERD_VERSION and crane from their Go modules (first run only)"
  local tmp="$bin.tmp.$$" m="$CONTAINERD_MODULE/cmd"
  mkdir -p "$tmp"
  GOBIN="$tmp" GOFLAGS=-trimpath go install -ldflags "-s -w" \
    "$m/containerd@$CONTAINERD_VERSION" "$m/containerd-shim-runc-v2@$CONTAINERD_VERSION" "$m/ctr@$CONTAINERD_VERSION"
  GOBIN="$tmp" GOFLAGS=-trimpath go install -ldflags "-s -w" "$CRANE_MODULE"
  rm -rf "$bin"
  mv "$tmp" "$bin"
}

# Layer tarballs of the test images; testenv/registry.sh turns them into
# images with crane at start-up.
build_images() {
  local dir; dir="$(images_dir)"
  [[ -f "$dir/app.tar" && -f "$dir/pause.tar" ]] && { log "test image layers cached in $dir"; return; }
  local tmp="$dir.tmp.$$" pause_c
  pause_c="$(cd "$TESTENV_DIR/controlplane" && go list -m -f '{{.Dir}}' k8s.io/kubernetes)/build/pause/linux/pause.c"
  [[ -f "$pause_c" ]] || die "pause.c not found at $pause_c"
  mkdir -p "$tmp/pause" "$tmp/app/bin"
  gcc -Os -static -o "$tmp/pause/pause" "$pause_c"
  strip "$tmp/pause/pause"
  cp /usr/bin/busybox "$tmp/app/bin/busybox"
  ln -s busybox "$tmp/app/bin/sh"
  tar --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$tmp/pause" -cf "$tmp/pause.tar" pause
  tar --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$tmp/app" -cf "$tmp/app.tar" bin
  rm -rf "$tmp/pause" "$tmp/app" "$dir"
  mv "$tmp" "$dir"
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

build_monitoring() {
  local dir; dir="$(monitoring_dir)"
  if [[ -x "$dir/bin/rulecheck" && -f "$dir/crds/monitoring.coreos.com_prometheusrules.yaml" ]]; then
    log "rulecheck and the Prometheus Operator CRDs cached in $dir"
    return
  fi
  log "building rulecheck and fetching the Prometheus Operator CRDs from their Go modules (first run only)"
  local tmp="$dir.tmp.$$" src
  mkdir -p "$tmp/bin" "$tmp/crds"
  (cd "$TESTENV_DIR/monitoring" && GOFLAGS=-trimpath go build -ldflags "-s -w" -o "$tmp/bin/rulecheck" ./rulecheck)
  src="$(cd "$TESTENV_DIR/monitoring" && go mod download -json "$PROMETHEUS_OPERATOR_MODULE" | python3 -c 'import json,sys; print(json.load(sys.stdin)["Dir"])')"
  cp "$src"/example/prometheus-operator-crd/monitoring.coreos.com_{prometheusrules,servicemonitors}.yaml "$tmp/crds/"
  rm -rf "$dir"
  mv "$tmp" "$dir"
}

build_krew() {
  local bin; bin="$(krew_bin)"
  [[ -x "$bin/krew" ]] && { log "krew cached in $bin"; return; }
  log "building krew from its Go module (first run only)"
  local tmp="$bin.tmp.$$"
  mkdir -p "$tmp"
  GOBIN="$tmp" GOFLAGS=-trimpath go install -ldflags "-s -w" "$KREW_MODULE"
  rm -rf "$bin"
  mv "$tmp" "$bin"
}

install_debian_packages
build_controlplane
build_venv
build_tools
build_monitoring
build_krew
build_node
build_images
