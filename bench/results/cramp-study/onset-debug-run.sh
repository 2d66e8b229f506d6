#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Precursor and onset study (issue 12, h12q): runs a debug build of `cramp`
# (onset-debug.patch applied: H12Q_DBG=1 prints each EMG segment's back-tracked
# onset and crossing (O), the precursor watch's 0.5-s windows (W) and each step
# that lasts cramp_min_s (S) on stderr; H12Q_PW / H12Q_PR override
# precursor_window_s / precursor_ratio) over nights that onset/trace.sh made.
# Usage: onset-debug-run.sh DEBUG_CRAMP CRAMP OUTDIR NAME SEED...
#   writes OUTDIR/NAME-SEED.{labels,dbg,dbgdet.tsv}
set -eu
dbg=$1 cramp=$2 out=$3 name=$4; shift 4
for seed in "$@"; do
  b=$out/$name-$seed
  "$cramp" info "$b.edf" | awk '$1 ~ /^[0-9]+$/ && $2 != "EDF" {print $2}' > "$b.labels"
  H12Q_DBG=1 "$dbg" detect "$b.edf" -o "$b.dbgdet.tsv" 2> "$b.dbg.all"
  grep -E '^(W|S|O)	' "$b.dbg.all" > "$b.dbg" || true
  rm -f "$b.dbg.all"
done
