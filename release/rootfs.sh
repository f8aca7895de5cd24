#!/usr/bin/env bash
# Assembles the controller image's root filesystem in ROOTFS, the same files a
# distroless "cc" image holds, taken from Debian packages:
#   /kubectl-ecrcreds               the release binary (dynamically linked glibc)
#   /lib*, /usr/lib*                libc6 and libgcc-s1 for ARCH (the C runtime,
#                                   whose built-in NSS resolves host names
#                                   through /etc/hosts and DNS), without the
#                                   locale, gconv and program files
#   /etc/ssl/certs/ca-certificates.crt   Debian's CA bundle
#   /etc/passwd, /etc/group         root and nonroot (65532), no shell
#   /etc/nsswitch.conf              hosts: files dns
#   /usr/share/doc/*/copyright      the packages' licenses
# Both ways of building the image use it: release/image.sh here and in the
# release workflow, and the Dockerfile's rootfs stage.
# Usage: release/rootfs.sh BINARY ARCH ROOTFS [DEB_DIR]
#   ARCH is amd64 or arm64; the .deb files are downloaded into DEB_DIR (a
#   cache; default a temporary directory) with apt-get download.
set -euo pipefail
BINARY="${1:?usage: release/rootfs.sh BINARY ARCH ROOTFS [DEB_DIR]}"
ARCH="${2:?usage: release/rootfs.sh BINARY ARCH ROOTFS [DEB_DIR]}"
ROOTFS="${3:?usage: release/rootfs.sh BINARY ARCH ROOTFS [DEB_DIR]}"
DEBS="${4:-}"
case "$ARCH" in
  amd64 | arm64) ;;
  *) echo "release/rootfs.sh: unknown ARCH $ARCH: use amd64 or arm64" >&2; exit 2 ;;
esac
[[ -x "$BINARY" ]] || { echo "release/rootfs.sh: $BINARY is not an executable: build it with cargo build --release first" >&2; exit 1; }
CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt
[[ -s "$CA_BUNDLE" ]] || { echo "release/rootfs.sh: $CA_BUNDLE is missing: apt-get install ca-certificates" >&2; exit 1; }

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
if [[ -z "$DEBS" ]]; then DEBS="$tmp/debs"; fi
mkdir -p "$DEBS"
fetch() { # package: downloads it into DEBS (unless there) and unpacks it into $tmp/pkgs
  local pkg="$1" ver deb
  # The version apt would install; a cached .deb is kept while it stays that.
  ver="$(apt-cache policy "$pkg:$ARCH" | awk '/Candidate:/ {print $2}')"
  [[ -n "$ver" && "$ver" != "(none)" ]] || { echo "release/rootfs.sh: apt knows no $pkg for $ARCH (apt-get update, and dpkg --add-architecture $ARCH for a foreign one)" >&2; exit 1; }
  deb="$DEBS/${pkg}_${ver//:/%3a}_$ARCH.deb"
  if [[ ! -s "$deb" ]]; then
    (cd "$DEBS" && apt-get download -q "$pkg:$ARCH=$ver" >/dev/null 2>&1)
  fi
  [[ -s "$deb" ]] || { echo "release/rootfs.sh: apt-get download $pkg:$ARCH=$ver left no $deb" >&2; exit 1; }
  dpkg-deb -x "$deb" "$tmp/pkgs"
}
fetch libc6
fetch libgcc-s1
# libgcc-s1's documentation, its license included, is its GCC base package's.
base="$(readlink "$tmp/pkgs/usr/share/doc/libgcc-s1" || true)"
[[ -n "$base" ]] && fetch "$base"

rm -rf "$ROOTFS"
mkdir -p "$ROOTFS"
# The shared libraries, loader and their links; no programs, locales,
# character-set converters, lintian overrides or ld.so.conf (nothing runs
# ldconfig in the image).
(cd "$tmp/pkgs" && find . \( -path './usr/share' -o -path './etc' -o -path './sbin' -o -path './usr/bin' -o -path './usr/sbin' -o -name gconv -o -path './usr/libexec' \) -prune -o \( -type f -o -type l \) -print) |
  while read -r f; do
    mkdir -p "$ROOTFS/$(dirname "$f")"
    cp -a "$tmp/pkgs/$f" "$ROOTFS/$f"
  done
for doc in libc6 ${base:+"$base"}; do
  install -D -m 0644 "$tmp/pkgs/usr/share/doc/$doc/copyright" "$ROOTFS/usr/share/doc/$doc/copyright"
done
install -D -m 0644 "$CA_BUNDLE" "$ROOTFS/etc/ssl/certs/ca-certificates.crt"
mkdir -p "$ROOTFS/etc"
printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' > "$ROOTFS/etc/passwd"
printf 'root:x:0:\nnonroot:x:65532:\n' > "$ROOTFS/etc/group"
printf 'passwd: files\ngroup: files\nhosts: files dns\n' > "$ROOTFS/etc/nsswitch.conf"
chmod 0644 "$ROOTFS/etc/passwd" "$ROOTFS/etc/group" "$ROOTFS/etc/nsswitch.conf"
install -m 0755 "$BINARY" "$ROOTFS/kubectl-ecrcreds"
