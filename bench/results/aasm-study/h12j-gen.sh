#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# h12j: simulate the trace nights (development seeds 1001-1003) and run cramp detect
# on them. Usage: h12j-gen.sh OUTDIR BUILDDIR
out=$1; bin=$2; mkdir -p $out
B=$(cd "$(dirname "$0")/../../.." && pwd)/datasets/robustness/literature-base.scenario
while read name kv; do
  for s in 1001 1002 1003; do
    f=$out/$name-$s
    [ -f $f.det.tsv ] && continue
    { cat $B; for p in $kv; do echo "${p%%=*} ${p#*=}" | tr ',' ' '; done; echo "duration_min 60"; echo "seed $s"; } > $f.scenario
    if [ ! -f $f.events.tsv ]; then $bin/tools/cramp synth $f.scenario -o $f.edf >/dev/null 2>&1; fi
    $bin/tools/cramp detect $f.edf -o $f.det.tsv >/dev/null 2>&1
  done
done <<'V'
hft6 hft_per_hour=6
hft6-1ch hft_per_hour=6 channels=1
hft6-2ch hft_per_hour=6 channels=2
hft6-256hz hft_per_hour=6 fs=256
alma6 alma_per_hour=6
alma6-2ch alma_per_hour=6 channels=2
alma6-256hz alma_per_hour=6 fs=256
fragmentary fragmentary_per_hour=2
fragmentary-1ch fragmentary_per_hour=2 channels=1
fragmentary-fast fragmentary_per_hour=2 fragmentary_per_min=30,60
fragmentary-256hz fragmentary_per_hour=2 fs=256
fragmentary-ecg60 fragmentary_per_hour=2 ecg_uv=60
base mains_hz=50
V
