#!/usr/bin/env bash
# Starts the test environment on loopback and writes STATE_DIR/env.sh:
#   etcd, kube-apiserver (RBAC on, token auth for an admin user),
#   kube-controller-manager (service accounts, namespace deletion, garbage
#   collection, Deployments and ReplicaSets, Jobs, kube-root-ca.crt, node
#   lifecycle),
#   the test ECR (moto for ECR and STS, with rotating, expiring tokens and a
#   request log), the test registry under the ECR host names
#   (testenv/registry.sh) and the test node (testenv/node.sh).
# Usage: testenv/up.sh STATE_DIR [--no-node]   (stop it with testenv/down.sh STATE_DIR)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

STATE="${1:?usage: testenv/up.sh STATE_DIR [--no-node]}"
NODE=1
[[ "${2:-}" == "--no-node" ]] && NODE=0
mkdir -p "$STATE"
STATE="$(cd "$STATE" && pwd)"
# Every start is a fresh, empty cluster.
"$TESTENV_DIR/down.sh" "$STATE"
rm -rf "$STATE/etcd" "$STATE/apiserver-certs" "$STATE/apiserver-bare-certs" "$STATE/apiserver-second-certs" "$STATE/pki" "$STATE/cmd" "$STATE/test-logs" "$STATE"/*.log
mkdir -p "$STATE/test-logs"
BIN="$(controlplane_bin)"
VENV="$(moto_venv)"
[[ -x "$BIN/kube-apiserver" && -x "$VENV/bin/python" ]] || die "run testenv/build.sh first"
: > "$STATE/pids"

ETCD_PORT=$(free_port); ETCD_PEER_PORT=$(free_port); API_PORT=$(free_port); MOTO_PORT=$(free_port)

# Certificates: a CA, the API server's serving cert for 127.0.0.1, and the
# service-account signing key pair.
PKI="$STATE/pki"; mkdir -p "$PKI"
openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=ecrcreds-test-ca" \
  -keyout "$PKI/ca.key" -out "$PKI/ca.crt" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=kube-apiserver" \
  -keyout "$PKI/apiserver.key" -out "$PKI/apiserver.csr" 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n' > "$PKI/apiserver.ext"
openssl x509 -req -in "$PKI/apiserver.csr" -CA "$PKI/ca.crt" -CAkey "$PKI/ca.key" -CAcreateserial \
  -days 30 -extfile "$PKI/apiserver.ext" -out "$PKI/apiserver.crt" 2>/dev/null
openssl genrsa -out "$PKI/sa.key" 2048 2>/dev/null
openssl rsa -in "$PKI/sa.key" -pubout -out "$PKI/sa.pub" 2>/dev/null

# Static tokens: an admin in system:masters. Tests make less privileged users
# through impersonation or ServiceAccount tokens.
ADMIN_TOKEN="$(openssl rand -hex 24)"
echo "$ADMIN_TOKEN,admin,admin-uid,\"system:masters\"" > "$PKI/tokens.csv"
# A second admin whose writes the API server's audit log records (group
# ecrcreds:audited): what the leader-election test counts an old leader's
# writes by.
AUDITED_TOKEN="$(openssl rand -hex 24)"
echo "$AUDITED_TOKEN,audited-admin,audited-uid,\"system:masters,ecrcreds:audited\"" >> "$PKI/tokens.csv"
# A third whose every request is recorded, reads and watches too (group
# ecrcreds:counted): what the benchmarks count a controller's idle cost by.
COUNTED_TOKEN="$(openssl rand -hex 24)"
echo "$COUNTED_TOKEN,counted-admin,counted-uid,\"system:masters,ecrcreds:counted\"" >> "$PKI/tokens.csv"
cat > "$PKI/audit-policy.yaml" <<'YAML'
apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: ["RequestReceived"]
rules:
  - level: Metadata
    userGroups: ["ecrcreds:audited"]
    verbs: ["create", "update", "patch", "delete", "deletecollection"]
  - level: Metadata
    userGroups: ["ecrcreds:counted"]
  - level: None
YAML

start etcd "$BIN/etcd" \
  --data-dir "$STATE/etcd" \
  --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
  --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
  --initial-cluster "default=http://127.0.0.1:$ETCD_PEER_PORT" \
  --unsafe-no-fsync --quota-backend-bytes 4294967296 --log-level warn
wait_for etcd 30 curl -sf "http://127.0.0.1:$ETCD_PORT/health"

start kube-apiserver "$BIN/kube-apiserver" \
  --etcd-servers "http://127.0.0.1:$ETCD_PORT" \
  --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$API_PORT" \
  --tls-cert-file "$PKI/apiserver.crt" --tls-private-key-file "$PKI/apiserver.key" \
  --client-ca-file "$PKI/ca.crt" \
  --token-auth-file "$PKI/tokens.csv" \
  --authorization-mode RBAC \
  --audit-policy-file "$PKI/audit-policy.yaml" --audit-log-path "$STATE/audit.log" \
  --service-account-issuer https://kubernetes.default.svc \
  --service-account-key-file "$PKI/sa.pub" --service-account-signing-key-file "$PKI/sa.key" \
  --service-cluster-ip-range 10.96.0.0/16 \
  --cert-dir "$STATE/apiserver-certs" \
  --endpoint-reconciler-type none \
  --v 1

write_kubeconfig() { # path
  cat > "$1" <<KC
apiVersion: v1
kind: Config
clusters:
- name: testenv
  cluster:
    server: https://127.0.0.1:$API_PORT
    certificate-authority: $PKI/ca.crt
users:
- name: admin
  user:
    token: $ADMIN_TOKEN
contexts:
- name: testenv
  context: {cluster: testenv, user: admin}
current-context: testenv
KC
}
write_kubeconfig "$STATE/kubeconfig"
sed "s/token: $ADMIN_TOKEN/token: $AUDITED_TOKEN/" "$STATE/kubeconfig" > "$STATE/kubeconfig-audited"
sed "s/token: $ADMIN_TOKEN/token: $COUNTED_TOKEN/" "$STATE/kubeconfig" > "$STATE/kubeconfig-counted"
KCTL=("$BIN/kubectl" --kubeconfig "$STATE/kubeconfig")
wait_for kube-apiserver 90 "${KCTL[@]}" get --raw /readyz

# Client QPS well above the default 20: after the fault tests delete their
# 1500 namespaces, the root-CA publisher and ServiceAccount controller queue
# an item per Terminating namespace, and at 20 QPS a new namespace waited over
# a minute for its kube-root-ca.crt (a Pod cannot start without it).
start kube-controller-manager "$BIN/kube-controller-manager" \
  --kubeconfig "$STATE/kubeconfig" \
  --controllers serviceaccount-controller,namespace-controller,garbage-collector-controller,deployment-controller,replicaset-controller,job-controller,root-ca-certificate-publisher-controller,node-lifecycle-controller \
  --root-ca-file "$PKI/ca.crt" \
  --bind-address 127.0.0.1 --secure-port 0 \
  --leader-elect=false \
  --kube-api-qps 200 --kube-api-burst 400 \
  --v 1
wait_for "default ServiceAccount" 60 "${KCTL[@]}" -n default get serviceaccount default

# More API servers on the same etcd under other prefixes, each a cluster of
# its own (no controller manager: no default ServiceAccounts there):
#   bare    the CRD is never installed, for the "CRD missing" paths;
#   second  another cluster beside the main one, for commands that work on
#           several kubeconfig contexts at once.
extra_apiserver() { # name service-cidr -> writes STATE/kubeconfig-<name>
  local name="$1" port
  port=$(free_port)
  start "kube-apiserver-$name" "$BIN/kube-apiserver" \
    --etcd-servers "http://127.0.0.1:$ETCD_PORT" --etcd-prefix "/$name-registry" \
    --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$port" \
    --tls-cert-file "$PKI/apiserver.crt" --tls-private-key-file "$PKI/apiserver.key" \
    --token-auth-file "$PKI/tokens.csv" --authorization-mode RBAC \
    --service-account-issuer https://kubernetes.default.svc \
    --service-account-key-file "$PKI/sa.pub" --service-account-signing-key-file "$PKI/sa.key" \
    --service-cluster-ip-range "$2" --cert-dir "$STATE/apiserver-$name-certs" \
    --endpoint-reconciler-type none --v 0
  sed -E -e "s/127.0.0.1:$API_PORT/127.0.0.1:$port/" \
    -e "s/^(- name|current-context): testenv$/\1: testenv-$name/" \
    -e "s/cluster: testenv,/cluster: testenv-$name,/" \
    "$STATE/kubeconfig" > "$STATE/kubeconfig-$name"
}
extra_apiserver bare 10.97.0.0/16
extra_apiserver second 10.98.0.0/16

# Every password the test ECR issues is listed here (outside test-logs) for the
# final leak check.
: > "$STATE/issued-tokens"
ECRCREDS_TEST_ISSUED_TOKENS="$STATE/issued-tokens" \
  start moto "$VENV/bin/python" "$TESTENV_DIR/moto_server.py" --host 127.0.0.1 --port "$MOTO_PORT"
wait_for moto 30 curl -sf "http://127.0.0.1:$MOTO_PORT/_ecrcreds/calls"
echo "MOTO_URL=http://127.0.0.1:$MOTO_PORT" > "$STATE/moto.env"
"$TESTENV_DIR/registry.sh" "$STATE"
# shellcheck source=/dev/null
source "$STATE/registry.env"

cat > "$STATE/env.sh" <<ENV
# Source this to talk to the test environment in $STATE.
export KUBECONFIG="$STATE/kubeconfig"
export PATH="$BIN:$(tools_bin):\$PATH"
export AWS_ENDPOINT_URL="http://127.0.0.1:$MOTO_PORT"
export AWS_EC2_METADATA_DISABLED=true
export AWS_ACCESS_KEY_ID=AKIATESTENVDEFAULT00
export AWS_SECRET_ACCESS_KEY=testenv-secret-key
export AWS_REGION=us-east-1
unset AWS_PROFILE AWS_SESSION_TOKEN
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
export ECRCREDS_TESTENV="$STATE"
export ECRCREDS_TEST_MOTO_PYTHON="$VENV/bin/python"
export ECRCREDS_TEST_MOTO_SCRIPT="$TESTENV_DIR/moto_server.py"
export ECRCREDS_TEST_PTY_DRIVER="$TESTENV_DIR/pty_drive.py"
export ECRCREDS_TEST_FAULT_PROXY="$TESTENV_DIR/fault_proxy.py"
export ECRCREDS_TEST_TCP_PROXY="$TESTENV_DIR/tcp_proxy.py"
export ECRCREDS_TEST_AUDITED_KUBECONFIG="$STATE/kubeconfig-audited"
export ECRCREDS_TEST_AUDIT_LOG="$STATE/audit.log"
export ECRCREDS_TEST_SERVICE_SCRIPT="$TESTENV_DIR/service.sh"
export ECRCREDS_TEST_LOG_DIR="$STATE/test-logs"
export ECRCREDS_TEST_ETCD_URL="http://127.0.0.1:$ETCD_PORT"
export ECRCREDS_TEST_BARE_KUBECONFIG="$STATE/kubeconfig-bare"
export ECRCREDS_TEST_SECOND_KUBECONFIG="$STATE/kubeconfig-second"
export ECRCREDS_TEST_COMPLETIONS_DIR="$REPO_DIR/completions"
export ECRCREDS_TEST_ISSUED_TOKENS="$STATE/issued-tokens"
export ECRCREDS_TEST_CA="$PKI/ca.crt"
export ECRCREDS_TEST_REGISTRY_ADMIN="$REGISTRY_ADMIN"
export ECRCREDS_TEST_REGISTRY_HOSTPORTS="$REGISTRY_HOSTPORTS"
export ECRCREDS_TEST_REGISTRY_BACKEND="$REGISTRY_BACKEND"
export ECRCREDS_TEST_CRANE="$(node_bin)/crane"
export ECRCREDS_TEST_KREW="$(krew_bin)/krew"
export ECRCREDS_TEST_DEB_CACHE="$(deb_cache)"
export ECRCREDS_TEST_RULECHECK="$(monitoring_dir)/bin/rulecheck"
export ECRCREDS_TEST_MONITORING_CRDS="$(monitoring_dir)/crds"
export ECRCREDS_TEST_API_PORT="$API_PORT"
export ECRCREDS_TEST_NODE="$NODE"
ENV
wait_for "bare kube-apiserver" 90 "$BIN/kubectl" --kubeconfig "$STATE/kubeconfig-bare" get --raw /readyz
wait_for "second kube-apiserver" 90 "$BIN/kubectl" --kubeconfig "$STATE/kubeconfig-second" get --raw /readyz
(( NODE )) && "$TESTENV_DIR/node.sh" "$STATE" up
log "up: API server https://127.0.0.1:$API_PORT, test ECR http://127.0.0.1:$MOTO_PORT$( ((NODE)) && echo ", node 127.0.0.1"); source $STATE/env.sh"
