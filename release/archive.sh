#!/usr/bin/env bash
# Packs one platform's release archive, the file krew installs:
# kubectl-ecrcreds (.exe on Windows), LICENSE and README.md at its top level,
# as kubectl-ecrcreds-VERSION-PLATFORM.tar.gz (.zip for windows-*) in OUT_DIR.
# The release workflow and the packaging test both make archives with it.
# Usage: release/archive.sh BINARY VERSION PLATFORM OUT_DIR   (prints the archive's path)
set -euo pipefail
BINARY="${1:?usage: release/archive.sh BINARY VERSION PLATFORM OUT_DIR}"
VERSION="${2:?usage: release/archive.sh BINARY VERSION PLATFORM OUT_DIR}"
PLATFORM="${3:?usage: release/archive.sh BINARY VERSION PLATFORM OUT_DIR}"
OUT="${4:?usage: release/archive.sh BINARY VERSION PLATFORM OUT_DIR}"
[[ "$VERSION" == v* ]] || VERSION="v$VERSION"
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
[[ -f "$BINARY" ]] || { echo "release/archive.sh: no binary at $BINARY" >&2; exit 1; }
for f in LICENSE README.md; do
  [[ -f "$REPO/$f" ]] || { echo "release/archive.sh: $REPO/$f is missing" >&2; exit 1; }
done
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
name="kubectl-ecrcreds-$VERSION-$PLATFORM"
if [[ "$PLATFORM" == windows-* ]]; then
  cp "$BINARY" "$tmp/kubectl-ecrcreds.exe"
  cp "$REPO/LICENSE" "$REPO/README.md" "$tmp/"
  (cd "$tmp" && 7z a -bso0 "$OUT/$name.zip" kubectl-ecrcreds.exe LICENSE README.md)
  echo "$OUT/$name.zip"
else
  install -m 0755 "$BINARY" "$tmp/kubectl-ecrcreds"
  cp "$REPO/LICENSE" "$REPO/README.md" "$tmp/"
  # Reproducible with GNU tar (sorted, root-owned, one fixed time); macOS's
  # bsdtar has no such flags.
  flags=()
  tar --version 2>/dev/null | grep -q GNU && flags=(--sort=name --owner=0 --group=0 --numeric-owner --mtime=@0)
  tar ${flags[@]+"${flags[@]}"} -C "$tmp" -czf "$OUT/$name.tar.gz" kubectl-ecrcreds LICENSE README.md
  echo "$OUT/$name.tar.gz"
fi
