#!/usr/bin/env bash
# The test node, beside a running control plane and test registry
# (testenv/up.sh calls `up`, testenv/down.sh calls `down`):
#   containerd (CRI, runc from Debian), whose hosts.toml sends every ECR host
#   name to its loopback port of the test registry and nowhere else;
#   kube-scheduler; and a kubelet registered as node 127.0.0.1.
# There is no pod network: Pods use hostNetwork, and the CNI configuration
# holds only the loopback plugin (so the node reports its network ready).
# Pods resolve names through a resolv.conf pointing at 127.0.0.1, where no DNS
# server listens: nothing on the node can look up a real name.
#
# The kubelet and containerd's shims use some fixed paths (/run/containerd/s,
# /var/log/pods, /var/log/containers, the kubepods cgroups) and change three
# sysctls; `down` stops every container, removes those and restores the
# sysctls. Only one test node can run on a machine at a time.
# Usage: testenv/node.sh STATE_DIR up|down
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

STATE="${1:?usage: testenv/node.sh STATE_DIR up|down}"
ACTION="${2:?usage: testenv/node.sh STATE_DIR up|down}"
STATE="$(cd "$STATE" && pwd)"
N="$STATE/node"
LOCK=/run/ecrcreds-testenv-node.lock
SYSCTLS=(vm.overcommit_memory kernel.panic kernel.panic_on_oops)
SANDBOX_IMAGE=localhost/ecrcreds-testenv/pause:1

down() {
  [[ -d "$N" ]] || return 0
  local bin; bin="$(node_bin)"
  # The kubelet first, so it restarts nothing; then every Pod's containers.
  stop_pid kubelet
  stop_pid kube-scheduler
  if [[ -S "$N/containerd/containerd.sock" ]]; then
    local ctr=("$bin/ctr" --address "$N/containerd/containerd.sock" -n k8s.io)
    for t in $("${ctr[@]}" tasks ls -q 2>/dev/null); do "${ctr[@]}" tasks kill -s SIGKILL "$t" >/dev/null 2>&1 || true; done
    sleep 0.5
    for t in $("${ctr[@]}" tasks ls -q 2>/dev/null); do "${ctr[@]}" tasks delete -f "$t" >/dev/null 2>&1 || true; done
  fi
  stop_pid containerd
  # Shims outlive containerd by design; ours are found by their socket path.
  pkill -9 -f "containerd-shim-runc-v2 .*-address $N/containerd/containerd.sock" 2>/dev/null || true
  # Mounts under the node's directories (rootfs, shm, volumes), deepest first.
  awk -v n="$N" '$2 ~ "^"n {print $2}' /proc/mounts | sort -r | while read -r m; do umount -l "$m" 2>/dev/null || true; done
  # The kubelet's cgroups, leaves first.
  for sub in /sys/fs/cgroup/*/kubepods /sys/fs/cgroup/kubepods; do
    [[ -d "$sub" ]] && find "$sub" -depth -type d -exec rmdir {} \; 2>/dev/null
  done
  rm -rf /var/log/pods /var/log/containers /run/containerd/s /run/containerd/runc/k8s.io 2>/dev/null || true
  rmdir /run/containerd/runc /run/containerd 2>/dev/null || true
  if [[ -f "$N/sysctls" ]]; then
    while read -r k v; do sysctl -qw "$k=$v" 2>/dev/null || true; done < "$N/sysctls"
  fi
  rm -f "$LOCK"
  rm -rf "$N"
}

stop_pid() {
  local pid
  pid=$(awk -v n="$1" '$2 == n {print $1}' "$STATE/pids" 2>/dev/null | tail -1)
  [[ -n "$pid" ]] || return 0
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 50); do [[ "$(ps -o stat= -p "$pid" 2>/dev/null)" =~ ^[^Z] ]] || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
  sed -i "/^$pid $1\$/d" "$STATE/pids"
}

up() {
  local bin cp; bin="$(node_bin)"; cp="$(controlplane_bin)"
  [[ -x "$bin/containerd" && -x "$cp/kubelet" && -x /usr/sbin/runc ]] || die "run testenv/build.sh first"
  [[ $(id -u) -eq 0 ]] || die "the test node needs root (kubelet and containerd manage cgroups and mounts)"
  if [[ -e "$LOCK" ]] && kill -0 "$(cat "$LOCK")" 2>/dev/null; then
    die "a test node is already running on this machine (kubelet PID $(cat "$LOCK")); stop its environment with testenv/down.sh first"
  fi
  # shellcheck source=/dev/null
  source "$STATE/registry.env"
  mkdir -p "$N"/{containerd,certs.d,cni/net.d,kubelet}
  for k in "${SYSCTLS[@]}"; do echo "$k $(sysctl -n "$k")"; done > "$N/sysctls"

  # Each ECR host goes to its loopback port, with `server` set to that same
  # endpoint so containerd never falls back to the real upstream.
  for hp in $REGISTRY_HOSTPORTS; do
    local host="${hp%=*}" port="${hp#*=}"
    mkdir -p "$N/certs.d/$host"
    cat > "$N/certs.d/$host/hosts.toml" <<TOML
server = "https://127.0.0.1:$port"

[host."https://127.0.0.1:$port"]
  capabilities = ["pull", "resolve"]
  ca = "$STATE/pki/ca.crt"
TOML
  done
  cat > "$N/cni/net.d/10-loopback.conflist" <<'JSON'
{"cniVersion": "1.0.0", "name": "loopback-only", "plugins": [{"type": "loopback"}]}
JSON
  echo "nameserver 127.0.0.1" > "$N/resolv.conf"

  cat > "$N/containerd/config.toml" <<TOML
version = 3
root = "$N/containerd/root"
state = "$N/containerd/state"
imports = []
# NRI and the tracing/opt plugins reach for fixed paths and are not needed.
disabled_plugins = ["io.containerd.nri.v1.nri", "io.containerd.internal.v1.opt", "io.containerd.tracing.processor.v1.otlp", "io.containerd.internal.v1.tracing"]

[grpc]
  address = "$N/containerd/containerd.sock"

[ttrpc]
  address = "$N/containerd/containerd.sock.ttrpc"

[plugins."io.containerd.cri.v1.images"]
  snapshotter = "overlayfs"
  [plugins."io.containerd.cri.v1.images".pinned_images]
    sandbox = "$SANDBOX_IMAGE"
  [plugins."io.containerd.cri.v1.images".registry]
    config_path = "$N/certs.d"

[plugins."io.containerd.cri.v1.runtime"]
  # Lowering a process's OOM score needs CAP_SYS_RESOURCE, which this
  # container lacks.
  restrict_oom_score_adj = true
  enable_cdi = false
  [plugins."io.containerd.cri.v1.runtime".containerd]
    default_runtime_name = "runc"
    [plugins."io.containerd.cri.v1.runtime".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.cri.v1.runtime".containerd.runtimes.runc.options]
        BinaryName = "/usr/sbin/runc"
        SystemdCgroup = false
  [plugins."io.containerd.cri.v1.runtime".cni]
    bin_dirs = ["/usr/lib/cni"]
    conf_dir = "$N/cni/net.d"

[plugins."io.containerd.grpc.v1.cri"]
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
TOML
  start containerd "$bin/containerd" --config "$N/containerd/config.toml"
  local ctr=("$bin/ctr" --address "$N/containerd/containerd.sock" -n k8s.io)
  wait_for containerd 30 "${ctr[@]}" version
  # No image registry is reachable: the pause image comes from the tarball
  # testenv/registry.sh made.
  local imported
  imported=$("${ctr[@]}" images import "$STATE/registry/pause.tar" 2>&1 | awk '/^unpacking/ {print $2}' | head -1)
  [[ -n "$imported" ]] || imported=$("${ctr[@]}" images ls -q | grep pause | head -1)
  "${ctr[@]}" images tag --force "$imported" "$SANDBOX_IMAGE" >/dev/null

  local kpki="$N/kubelet/pki"; mkdir -p "$kpki"
  local kport hport; kport=$(free_port); hport=$(free_port)
  cat > "$N/kubelet/config.yaml" <<YAML
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: 127.0.0.1
port: $kport
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: $hport
# Loopback only; the API server's log and exec requests come unauthenticated.
authentication: {anonymous: {enabled: true}, webhook: {enabled: false}}
authorization: {mode: AlwaysAllow}
containerRuntimeEndpoint: unix://$N/containerd/containerd.sock
cgroupDriver: cgroupfs
failCgroupV1: false
failSwapOn: false
oomScoreAdj: 0
makeIPTablesUtilChains: false
protectKernelDefaults: false
resolvConf: $N/resolv.conf
serializeImagePulls: false
# Room for bench/doctor.sh's 200 failing Pods (the default is 110).
maxPods: 250
registerNode: true
nodeStatusUpdateFrequency: 4s
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
evictionHard: {memory.available: "50Mi", nodefs.available: "1%", nodefs.inodesFree: "1%", imagefs.available: "1%"}
evictionPressureTransitionPeriod: 5s
tlsCertFile: $kpki/kubelet.crt
tlsPrivateKeyFile: $kpki/kubelet.key
YAML
  openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" -keyout "$kpki/kubelet.key" -out "$kpki/kubelet.csr" 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' > "$kpki/kubelet.ext"
  openssl x509 -req -in "$kpki/kubelet.csr" -CA "$STATE/pki/ca.crt" -CAkey "$STATE/pki/ca.key" -CAcreateserial \
    -days 30 -extfile "$kpki/kubelet.ext" -out "$kpki/kubelet.crt" 2>/dev/null

  start kube-scheduler "$cp/kube-scheduler" --kubeconfig "$STATE/kubeconfig" \
    --leader-elect=false --bind-address 127.0.0.1 --secure-port 0 --v 1
  start kubelet "$cp/kubelet" --config "$N/kubelet/config.yaml" --kubeconfig "$STATE/kubeconfig" \
    --root-dir "$N/kubelet/root" --hostname-override 127.0.0.1 --v 1
  awk '$2 == "kubelet" {print $1}' "$STATE/pids" | tail -1 > "$LOCK"
  local started_ms; started_ms=$(date +%s%3N)
  local kubectl=("$cp/kubectl" --kubeconfig "$STATE/kubeconfig")
  wait_for "node 127.0.0.1" 60 "${kubectl[@]}" wait --for=condition=Ready node/127.0.0.1 --timeout=1s
  # Until the node-lifecycle controller notices the node is Ready, the
  # kubelet's not-ready taint keeps Pods away; it is gone within seconds.
  wait_for "untainted node" 60 bash -c "[[ -z \"\$(${kubectl[*]} get node 127.0.0.1 -o jsonpath='{.spec.taints}')\" ]]"
  log "node 127.0.0.1 ready $(( $(date +%s%3N) - started_ms )) ms after the kubelet started (kubelet logs: $STATE/kubelet.log)"
}

case "$ACTION" in
  up) up ;;
  down) down ;;
  *) die "unknown action $ACTION: use up or down" ;;
esac
