#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The plain baseline in C (bench/plain_detector.c, through bench/plain-detect)
# and its SciPy twin (bench/plain_detector.py) on the same simulated samples
# must find the same events: same class, onsets within 0.05 s, one to one.
# Two nights: 1 kHz (band 20-450 Hz) and 250 Hz (band clamped to 20-112.5 Hz).
# Skipped (77) without NumPy/SciPy.
#   plain_twin.sh PLAIN_DETECT_EXE BENCH_DIR SCENARIO
set -eu
exe=$1 bench=$2 scen=$3
py=/usr/bin/python3
[ -x "$py" ] || py=python3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if ! "$py" -c 'import numpy, scipy.signal' > "$tmp/import.log" 2>&1; then
    echo "SKIP: NumPy/SciPy not importable"; cat "$tmp/import.log"; exit 77
fi
for run in "1000 2 4242" "250 2 77"; do
    set -- $run
    fs=$1 ch=$2 seed=$3
    "$exe" "$scen" --fs "$fs" --seed "$seed" --raw "$tmp/n.f32" -o "$tmp/c.tsv" 2>"$tmp/info"
    "$py" "$bench/plain_detector.py" --raw "$tmp/n.f32" --fs "$fs" --channels "$ch" -o "$tmp/p.tsv"
    # the night must give something to agree on
    for cls in cramp plm burst; do
        n=$(cut -f3 "$tmp/c.tsv" | grep -cx "$cls" || true)
        if [ "$n" -lt 1 ]; then
            echo "FAIL: fs $fs: the C detector found no $cls"; cat "$tmp/c.tsv"; exit 1
        fi
    done
    if ! "$py" "$bench/plain_detector.py" --compare "$tmp/c.tsv" "$tmp/p.tsv" --tol 0.05; then
        echo "FAIL: fs $fs: C and SciPy differ"; exit 1
    fi
    # the comparison itself must catch a moved onset
    awk -F'\t' 'BEGIN{OFS="\t"} NR==2{$1=$1+1} {print}' "$tmp/c.tsv" > "$tmp/moved.tsv"
    if "$py" "$bench/plain_detector.py" --compare "$tmp/moved.tsv" "$tmp/p.tsv" --tol 0.05 \
        > "$tmp/cmp.out"; then
        echo "FAIL: the comparison accepted an onset moved by 1 s"; exit 1
    fi
done
echo "OK"
