#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Precursor-split trace (issue 12, h12t): per seed, ../onset/trace.sh's night of the variant (synth,
# first discharges, `cramp detect`), then `cramp detect` again from a build with split-debug.patch
# (H12T_DBG=1: every EMG segment as stage 2 receives it, SEG lines, and each segment's closing
# power, END lines, on stderr: OUTDIR/NAME-SEED.dbg; the event tables are the same).
# Usage: run.sh CRAMP DEBUG_CRAMP FIRST_DISCHARGE SPECS OUTDIR NAME SEED...  (design: development seeds)
set -eu
cramp=$1 dbg=$2 first=$3 specs=$4 out=$5 name=$6; shift 6
here=$(cd "$(dirname "$0")" && pwd)
"$here/../onset/trace.sh" "$cramp" "$first" "$specs" "$out" "$name" "$@"
for seed in "$@"; do
  H12T_DBG=1 "$dbg" detect "$out/$name-$seed.edf" -o "$out/$name-$seed.det.tsv" > /dev/null 2> "$out/$name-$seed.dbg"
done
