#!/usr/bin/env bash
# Builds the controller image for one architecture and pushes it to REF, with
# crane (no Docker engine needed): one layer, the root filesystem
# release/rootfs.sh assembles, on an empty OCI base; then the config: user
# 65532:65532, entrypoint /kubectl-ecrcreds, cmd controller, port 8080.
# The Dockerfile builds the same layout from the same script.
# Usage: release/image.sh BINARY ARCH REF [DEB_DIR]
#   CRANE: the crane binary (default: crane on PATH); CRANE_FLAGS: extra
#   flags for it (e.g. --insecure for a plain-HTTP registry on loopback).
#   Prints the pushed image's digest.
set -euo pipefail
BINARY="${1:?usage: release/image.sh BINARY ARCH REF [DEB_DIR]}"
ARCH="${2:?usage: release/image.sh BINARY ARCH REF [DEB_DIR]}"
REF="${3:?usage: release/image.sh BINARY ARCH REF [DEB_DIR]}"
CRANE="${CRANE:-crane}"
read -r -a flags <<<"${CRANE_FLAGS:-}"
command -v "$CRANE" >/dev/null || { echo "release/image.sh: no crane: go install github.com/google/go-containerregistry/cmd/crane@latest, or set CRANE" >&2; exit 1; }

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
"$(dirname "${BASH_SOURCE[0]}")/rootfs.sh" "$BINARY" "$ARCH" "$tmp/rootfs" "${4:-}"
# Reproducible: sorted, owned by root, one fixed time.
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$tmp/rootfs" -cf "$tmp/layer.tar" .
"$CRANE" "${flags[@]}" append --oci-empty-base -f "$tmp/layer.tar" -t "$REF" >/dev/null
"$CRANE" "${flags[@]}" mutate "$REF" --set-platform "linux/$ARCH" --user 65532:65532 \
  --entrypoint /kubectl-ecrcreds --cmd controller --exposed-ports 8080/tcp --workdir / -t "$REF" >/dev/null
"$CRANE" "${flags[@]}" digest "$REF"
