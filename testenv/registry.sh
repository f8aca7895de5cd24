#!/usr/bin/env bash
# Starts the test registry beside a running control plane and test ECR
# (testenv/up.sh calls it): Debian's docker-registry (distribution 2.8) on
# plain HTTP on loopback, and in front of it testenv/registry_front.py, which
# serves TLS from the test CA under each ECR host name (one loopback port per
# host) and accepts only live tokens from the test ECR. Then it pushes the test
# images, made with crane from the cached layers:
#   <each ECR host>/app:1       busybox, `sleep 3600` by default
#   <each ECR host>/team/restricted:1  the same image, for a repository the
#                               front can be told to deny (POST /deny)
#   the pause image, kept as a tarball for the node's containerd.
# Writes STATE_DIR/registry.env with the ports.
# Usage: testenv/registry.sh STATE_DIR
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

STATE="${1:?usage: testenv/registry.sh STATE_DIR}"
STATE="$(cd "$STATE" && pwd)"
PKI="$STATE/pki"
CRANE="$(node_bin)/crane"
IMAGES="$(images_dir)"
VENV="$(moto_venv)"
[[ -x "$CRANE" && -f "$IMAGES/app.tar" && -x /usr/bin/docker-registry ]] || die "run testenv/build.sh first"
# shellcheck source=/dev/null
source "$STATE/moto.env"
R="$STATE/registry"
rm -rf "$R"; mkdir -p "$R/data"

# The serving certificate: 127.0.0.1 (containerd connects there through
# hosts.toml) and the ECR host names (clients that map a name to loopback).
san="IP:127.0.0.1"
for h in "${ECR_TEST_HOSTS[@]}"; do san="$san,DNS:$h"; done
openssl req -newkey rsa:2048 -nodes -subj "/CN=test-ecr-registry" \
  -keyout "$PKI/registry.key" -out "$PKI/registry.csr" 2>/dev/null
printf 'subjectAltName=%s\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n' "$san" > "$PKI/registry.ext"
openssl x509 -req -in "$PKI/registry.csr" -CA "$PKI/ca.crt" -CAkey "$PKI/ca.key" -CAcreateserial \
  -days 30 -extfile "$PKI/registry.ext" -out "$PKI/registry.crt" 2>/dev/null

BACKEND_PORT=$(free_port)
cat > "$R/config.yml" <<YAML
version: 0.1
log: {level: warn, accesslog: {disabled: true}}
storage:
  filesystem: {rootdirectory: $R/data}
  delete: {enabled: true}
  maintenance: {uploadpurging: {enabled: false}}
http:
  addr: 127.0.0.1:$BACKEND_PORT
  secret: $(openssl rand -hex 16)
YAML
start registry /usr/bin/docker-registry serve "$R/config.yml"
wait_for registry 30 curl -sf "http://127.0.0.1:$BACKEND_PORT/v2/"

ADMIN_PORT=$(free_port)
listen=() hostports=()
for h in "${ECR_TEST_HOSTS[@]}"; do
  p=$(free_port)
  listen+=(--listen "$p=$h")
  hostports+=("$h=$p")
done
start registry-front "$VENV/bin/python" "$TESTENV_DIR/registry_front.py" "${listen[@]}" \
  --admin-port "$ADMIN_PORT" --backend "127.0.0.1:$BACKEND_PORT" --ecr "$MOTO_URL" \
  --cert "$PKI/registry.crt" --key "$PKI/registry.key"
wait_for registry-front 30 curl -sf "http://127.0.0.1:$ADMIN_PORT/requests"

# Images: an empty OCI base plus one layer, then the config crane sets.
push() { # name layer entrypoint cmd
  local ref="127.0.0.1:$BACKEND_PORT/$1"
  "$CRANE" append --oci-empty-base -f "$2" -t "$ref-layer" >/dev/null 2>>"$STATE/registry.log"
  "$CRANE" mutate "$ref-layer" --set-platform linux/amd64 --entrypoint "$3" ${4:+--cmd "$4"} -t "$ref" >/dev/null 2>>"$STATE/registry.log"
}
push app:1 "$IMAGES/app.tar" /bin/busybox sleep,3600
"$CRANE" copy "127.0.0.1:$BACKEND_PORT/app:1" "127.0.0.1:$BACKEND_PORT/team/restricted:1" 2>>"$STATE/registry.log"
push ecrcreds-testenv/pause:1 "$IMAGES/pause.tar" /pause ""
"$CRANE" pull "127.0.0.1:$BACKEND_PORT/ecrcreds-testenv/pause:1" "$R/pause.tar" 2>>"$STATE/registry.log"

cat > "$STATE/registry.env" <<ENV
REGISTRY_BACKEND=127.0.0.1:$BACKEND_PORT
REGISTRY_ADMIN=127.0.0.1:$ADMIN_PORT
REGISTRY_HOSTPORTS="${hostports[*]}"
ENV
log "registry: distribution on 127.0.0.1:$BACKEND_PORT, ECR hosts at ${hostports[*]}"
