#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# One scenario file per variant of multichannel.variants (the literature base,
# cramp_rate_limits 6 35, then the variant's overrides, commas as spaces), so
# that detect-accuracy's scenario mode can list every miss (--misses cramp),
# which its --variants mode does not. Usage: multichannel-scenarios.sh OUTDIR
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=$1
mkdir -p "$out"
grep '^variant ' "$here/multichannel.variants" | while read -r _ name kvs; do
    f="$out/$name.scenario"
    cp "$here/../../../datasets/robustness/literature-base.scenario" "$f"
    echo "cramp_rate_limits 6 35" >> "$f"
    for kv in $kvs; do echo "${kv%%=*} $(echo "${kv#*=}" | tr ',' ' ')" >> "$f"; done
    sed -i "s/^name .*/name $name/" "$f"
done
