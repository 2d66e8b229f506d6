#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# One scenario file per literature variant (issue 12, h12w), from the
# `# variant NAME: KEY=SPEC ...` lines detect-accuracy --variants prints
# (random points as drawn); the per-night randomised variant is left out
# (its ranges are drawn per night). Usage: variant-scenarios.sh BUILD OUTDIR
set -eu
here=$(cd "$(dirname "$0")" && pwd)
lit=$here/../../../../datasets/robustness
build=$1
out=$2
mkdir -p "$out"
timeout 20 "$build/bench/detect-accuracy" --variants "$lit/literature.variants" --quick \
    --seed-range 1001-1002 2>/dev/null | grep '^# variant' > "$out/variants.txt" || true
while read -r _ _ name kvs; do
    name=${name%:}
    [ "$name" = per-night-cramp ] && continue
    f="$out/$(echo "$name" | tr ':=' '__').scenario"
    cp "$lit/literature-base.scenario" "$f"
    echo "cramp_rate_limits 6 35" >> "$f"
    if [ "$kvs" != "(no override)" ]; then
        for kv in $kvs; do echo "${kv%%=*} $(echo "${kv#*=}" | tr ',' ' ')" >> "$f"; done
    fi
    sed -i "s/^name .*/name $name/" "$f"
done < "$out/variants.txt"
