#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Slow-onset study (issue 12, h12k): for each development seed, a night of
# the variant (literature base + its overrides, 60 min), its cramps' first
# discharges (first_discharge) and `cramp detect`'s labels.
# Usage: trace.sh CRAMP FIRST_DISCHARGE SPECS OUTDIR NAME SEED... [TAG]
#   SPECS: lines NAME:key=v[,v] key=v ... (onset-study's format)
#   writes OUTDIR/NAME-SEED.{scenario,edf,first.tsv,det$TAG.tsv}
set -eu
cramp=$1 first=$2 specs=$3 out=$4 name=$5; shift 5
here=$(cd "$(dirname "$0")" && pwd)
spec=$(grep "^$name:" "$specs")
mkdir -p "$out"
for seed in "$@"; do
  b=$out/$name-$seed
  { cat "$here/../../../../datasets/robustness/literature-base.scenario"; echo "duration_min 60"
    for kv in ${spec#*:}; do echo "${kv%%=*} ${kv#*=}" | tr , ' '; done; echo "seed $seed"; } > "$b.scenario"
  [ -f "$b.edf" ] || "$cramp" synth "$b.scenario" -o "$b.edf" > "$b.synth.log" 2>&1
  "$first" "$b.scenario" > "$b.first.tsv"
  "$cramp" detect "$b.edf" -o "$b.det${TAG:-}.tsv" > "$b.detect.log" 2>&1
done
