#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# datasets/real/MANIFEST.tsv against ../shared/data: every listed file is
# there with its size and SHA-256, and every recording the shared folder's
# SHA256SUMS lists (emg/, wav/, edf/) is in the manifest. Skipped (77) when
# the shared folder is absent (a fresh clone).
# Usage: tests/datasets_manifest.sh PATH/TO/datasets PATH/TO/shared/data
set -u
DATASETS=${1:?usage: datasets_manifest.sh DATASETS SHARED_DATA}
SHARED=${2:?usage: datasets_manifest.sh DATASETS SHARED_DATA}
MANIFEST="$DATASETS/real/MANIFEST.tsv"
if [ ! -d "$SHARED" ] || [ ! -f "$SHARED/SHA256SUMS" ]; then
    echo "datasets_manifest: $SHARED absent: skipped"
    exit 77
fi
failed=0
n=0
head -1 "$MANIFEST" | grep -q "^file	sha256	bytes	kind" || { echo "FAIL: manifest header" >&2; failed=1; }
while IFS=$'\t' read -r file sha bytes _; do
    n=$((n + 1))
    path="$SHARED/$file"
    if [ ! -f "$path" ]; then
        echo "FAIL: $file listed but absent" >&2
        failed=1
        continue
    fi
    size=$(stat -c %s "$path")
    [ "$size" = "$bytes" ] || { echo "FAIL: $file is $size bytes, manifest says $bytes" >&2; failed=1; }
    got=$(sha256sum "$path" | cut -d' ' -f1)
    [ "$got" = "$sha" ] || { echo "FAIL: $file sha256 $got, manifest says $sha" >&2; failed=1; }
done < <(tail -n +2 "$MANIFEST")
while read -r _ p; do
    p=${p#./}
    case "$p" in emg/* | wav/* | edf/*) ;; *) continue ;; esac
    cut -f1 "$MANIFEST" | grep -qxF "$p" || { echo "FAIL: $p (SHA256SUMS) not in the manifest" >&2; failed=1; }
done <"$SHARED/SHA256SUMS"
echo "datasets_manifest: $n files checked"
exit $failed
