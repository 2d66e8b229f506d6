# SPDX-License-Identifier: GPL-3.0-or-later
# Shared by the command-line test scripts (sourced, not run): counters and the
# helpers that run cramp and check its exit code and messages. The sourcing
# script sets CRAMP (the command) and works in its own scratch folder, where
# `run` leaves the output in ./out and ./err and the exit code in $rc.
passed=0
failed=0
ok() { passed=$((passed + 1)); }
bad() {
    failed=$((failed + 1))
    echo "FAIL: $*" >&2
    [ -s err ] && sed 's/^/  stderr: /' err | head -5 >&2
}
run() {
    "$CRAMP" "$@" >out 2>err
    rc=$?
}
expect_rc() { if [ "$rc" -eq "$1" ]; then ok; else bad "$2: exit $rc, expected $1"; fi; }
expect_err() { if grep -qF -- "$1" err; then ok; else bad "$2: stderr lacks '$1'"; fi; }
