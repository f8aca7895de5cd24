#!/usr/bin/env bash
# The whole test suite, from a fresh clone: builds (or finds cached) the control
# plane and moto, checks formatting and lints, starts the environment on
# loopback, runs every test against it, and stops it again.
# Usage: testenv/test.sh [extra cargo test args]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO_DIR"

"$TESTENV_DIR/build.sh"

log "cargo fmt --check"
cargo fmt --check
log "cargo clippy --all-targets -- -D warnings"
cargo clippy --all-targets --quiet -- -D warnings
# What users get: the controller image and the krew archive the tests build
# carry the release binary.
log "cargo build --release --bin kubectl-ecrcreds"
cargo build --release --locked --quiet --bin kubectl-ecrcreds

STATE="$(mktemp -d "${TMPDIR:-/tmp}/ecrcreds-testenv.XXXXXX")"
cleanup() { "$TESTENV_DIR/down.sh" "$STATE"; rm -rf "$STATE"; }
trap cleanup EXIT
"$TESTENV_DIR/up.sh" "$STATE"
# shellcheck source=/dev/null
source "$STATE/env.sh"

log "cargo test"
cargo test "$@"

# Every log line the suite produced (controller processes, every run of the
# binary) and every Event on the cluster: no token or key may appear in any.
log "checking all logs and Events for tokens and keys"
kubectl get events -A -o yaml > "$ECRCREDS_TEST_LOG_DIR/events.yaml"
pattern_file="$STATE/leak-patterns"
python3 "$TESTENV_DIR/leak_patterns.py" "$ECRCREDS_TEST_ISSUED_TOKENS" testenv-secret-key ref-secret-key-do-not-print bad-secret-key > "$pattern_file"
if grep -rlF -f "$pattern_file" "$ECRCREDS_TEST_LOG_DIR"; then
  die "a token or key appears in the files above"
fi
log "$(ls "$ECRCREDS_TEST_LOG_DIR" | wc -l) log files and $(grep -c '^- ' "$ECRCREDS_TEST_LOG_DIR/events.yaml" || true) Events checked: no token or key"
