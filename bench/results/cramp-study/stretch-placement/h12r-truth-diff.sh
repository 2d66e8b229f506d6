#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# h12r: truth rows of montage12.variants' variants, old (A) and new (B) simulator builds of
# h12r-truth.c; counts the stretch rows and every other row that differs (development seeds).
# Usage: h12r-truth-diff.sh A B  (run from the repository root)
A=${1:?old truth binary}; B=${2:?new truth binary}
S=datasets/robustness/literature-base.scenario
grep "^variant" bench/results/cramp-study/montage12.variants | while read -r _ name rest; do
    for seed in $(seq 2101 2108); do
        $A $S $seed cramp_rate_limits=6,35 $rest > /tmp/h12r-a.tsv
        $B $S $seed cramp_rate_limits=6,35 $rest > /tmp/h12r-b.tsv
        st() { grep -P "\tstretch\t" "$1"; }
        echo "$name $seed rows $(wc -l < /tmp/h12r-a.tsv)/$(wc -l < /tmp/h12r-b.tsv)" \
             "stretch $(st /tmp/h12r-a.tsv | wc -l)->$(st /tmp/h12r-b.tsv | wc -l)" \
             "other-diff $(diff <(grep -vP "\tstretch\t" /tmp/h12r-a.tsv) <(grep -vP "\tstretch\t" /tmp/h12r-b.tsv) | wc -l)" \
             "new-stretch-rows $(diff <(st /tmp/h12r-a.tsv) <(st /tmp/h12r-b.tsv) | grep -c '^>')"
    done
done
