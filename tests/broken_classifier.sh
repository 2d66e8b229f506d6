#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Shows that negative-control tests can fail: runs a test with the library's
# test hook CRAMP_TEST_BROKEN_CLASSIFIER=all-cramp (every episode labelled a
# cramp) and passes only when the test then fails, with a FAIL line naming
# each of the given controls. A test that skips (77) skips here too; one
# that passes with the broken classifier is reported, as is a control that
# no FAIL line names.
# Usage: tests/broken_classifier.sh CONTROL... -- COMMAND [ARG...]
set -u
controls=()
while [ $# -gt 0 ] && [ "$1" != -- ]; do
    controls+=("$1")
    shift
done
[ $# -gt 1 ] && [ ${#controls[@]} -gt 0 ] || {
    echo "usage: broken_classifier.sh CONTROL... -- COMMAND [ARG...]" >&2
    exit 2
}
shift
out=$(CRAMP_TEST_BROKEN_CLASSIFIER=all-cramp "$@" 2>&1)
rc=$?
printf '%s\n' "$out" | sed 's/^/  | /'
[ $rc -eq 77 ] && { echo "broken_classifier: skipped"; exit 77; }
failed=0
if [ $rc -eq 0 ]; then
    echo "FAIL: $1 passes with a classifier that calls every episode a cramp" >&2
    failed=1
fi
for c in "${controls[@]}"; do
    if printf '%s\n' "$out" | grep "FAIL" | grep -qF -- "$c"; then
        echo "  $c: fails with the broken classifier, as it must"
    else
        echo "FAIL: $c: no failure reported with the broken classifier" >&2
        failed=1
    fi
done
echo "broken_classifier: ${#controls[@]} controls, exit $rc with the hook"
[ $failed -eq 0 ]
