#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# detect-accuracy's provenance header, seed splits and robustness mode
# (bench/README.md): a small variants file, run twice (same bytes), the
# tables it must hold, and the errors it must give.
#   robustness.sh DETECT_ACCURACY_EXE TESTS_DIR DATASETS_DIR
set -eu
exe=$1 tests=$(cd "$2" && pwd) datasets=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
has() { grep -q -- "$2" "$1" || fail "$1 lacks '$2'"; }

v=$tests/robustness_quick.variants
"$exe" --variants "$v" --resamples 200 --commit test-commit > "$tmp/a.tsv" 2> "$tmp/a.err" ||
    { cat "$tmp/a.err"; fail "robustness run"; }
"$exe" --variants "$v" --resamples 200 --commit test-commit > "$tmp/b.tsv" 2>"$tmp/err" ||
    fail "second run"
cmp -s "$tmp/a.tsv" "$tmp/b.tsv" || fail "two runs differ"
has "$tmp/a.tsv" '^# commit: test-commit$'
has "$tmp/a.tsv" '^# split: development$'
has "$tmp/a.tsv" '^# seeds: 1001-1002 for every variant$'
has "$tmp/a.tsv" '^# bootstrap: 200 resamples over nights, seed 20261206'
grep -Eq '^# rules_id: [0-9a-f]{16} ' "$tmp/a.tsv" || fail "no rules_id"
# base, 2 + 2 sweep points, 1 random, 2 explicit
[ "$(grep -c '^# variant ' "$tmp/a.tsv")" = 8 ] || fail "expected 8 variants"
has "$tmp/a.tsv" '^# variant sweep:cramp_units=5: '
has "$tmp/a.tsv" '^# variant sweep:noise_uv=4: '
has "$tmp/a.tsv" '^# variant per-night: cramp_units=log:5..100 mvc_rms_uv=150..400$'
for det in ours plain; do
    n=$(awk -F'\t' -v d=$det '$1 != "summary" && $2 == d && $3 == "cramp" && $5 > 0' "$tmp/a.tsv" | wc -l)
    [ "$n" = 7 ] || fail "$det: $n cramp rows with truth events, expected 7"
    for st in mean worst; do
        awk -F'\t' -v d=$det -v s=$st '$1 == "summary" && $2 == d && $3 == "plm" && $5 == s' \
            "$tmp/a.tsv" | grep -q . || fail "no $st plm summary for $det"
    done
done
# every figure has its interval columns and every row a flag
awk -F'\t' '!/^#/ && NF && $1 != "summary" && $1 != "variant" {
    if (NF != 19 || ($19 != "ok" && $19 != "n<10" && $19 != "no-truth")) exit 1 }' \
    "$tmp/a.tsv" || fail "row without 19 columns and a flag"
# the interval holds the point figure
awk -F'\t' '!/^#/ && NF && $1 != "summary" && $1 != "variant" && $15 != "NA" {
    if ($16 > $15 + 1e-9 || $17 < $15 - 1e-9) exit 1 }' "$tmp/a.tsv" ||
    fail "an F1 outside its interval"
has "$tmp/a.tsv" '^# ahead: cramp F1 ours > plain on '
# false detections on variants without a true event of the class: the rows
# flagged no-truth, summed, are the '# no truth:' lines (none where they sum to 0)
want=$(awk -F'\t' '!/^#/ && NF && $1 != "summary" && $19 == "no-truth" && $7 > 0 {
    n[$2" "$3] += $7; v[$2" "$3]++ } END { for (k in n) print k, v[k], n[k] }' "$tmp/a.tsv" | sort)
got=$(sed -n 's/^# no truth: \([a-z]*\) \([a-z]*\) false on \([0-9]*\) variant(s) .*: \([0-9]*\) (not in the summary)$/\1 \2 \3 \4/p' \
    "$tmp/a.tsv" | sort)
[ "$want" = "$got" ] || fail "no-truth lines '$got', rows give '$want'"
# no-cramps: the plain detector calls the 40 movements an hour of >= 5 s cramps
echo "$got" | grep -q '^plain cramp 1 [1-9]' || fail "no-cramps gave plain no false cramp: '$got'"
# by montage: the twin night has 2 channels, so every variant is in the
# 1-2 channel group, whose mean and worst are then the overall ones
for st in mean worst; do
    all=$(awk -F'\t' -v s=$st '$1 == "summary" && $2 == "ours" && $3 == "cramp" && $5 == s {
        print $4, $12, $13, $14, $15 }' "$tmp/a.tsv")
    few=$(awk -F'\t' -v s=$st@1-2ch '$1 == "summary" && $2 == "ours" && $3 == "cramp" && $5 == s {
        print $4, $12, $13, $14, $15 }' "$tmp/a.tsv")
    [ -n "$all" ] && [ "$all" = "$few" ] || fail "cramp $st@1-2ch '$few' is not the overall '$all'"
done
grep -q '@3+ch' "$tmp/a.tsv" && fail "a 3+ channel group without such a night"

# named splits and explicit ranges; evaluation seeds against a private ledger
# (never the source tree's bench/evaluation-ledger.tsv)
L=$tmp/ledger.tsv
"$exe" --variants "$v" --quick --resamples 10 --split evaluation --nights 1 --ledger "$L" \
    > "$tmp/e.tsv" 2>"$tmp/err"
has "$tmp/e.tsv" '^# split: evaluation$'
has "$tmp/e.tsv" '^# seeds: 20000-20000 for every variant$'
has "$tmp/e.tsv" '^# held_out: yes (evaluation seeds 20000-20000, '
has "$tmp/a.tsv" '^# held_out: no (development seeds'
id=$(sed -n 's/^# rules_id: \([0-9a-f]*\) .*/\1/p' "$tmp/e.tsv")
[ "$(grep -c "^20000	20000	$id	" "$L")" = 1 ] || fail "the first use is not in the ledger"
# the same rules again: still held out, not recorded twice
sc=$datasets/suite/single-calf-1k.scenario
"$exe" --minutes 2 --seed-range 20000-20000 --resamples 10 --ledger "$L" "$sc" \
    > "$tmp/e2.tsv" 2>"$tmp/err" || fail "the same rules id was refused its own seeds"
has "$tmp/e2.tsv" '^# held_out: yes '
[ "$(grep -c "^20000	" "$L")" = 1 ] || fail "a row recorded twice"
# other rules (the opt-in voluntary rule changes the rules id): refused on
# spent seeds, a re-measure with --rerun-spent, and --split evaluation moves on
rc=0; "$exe" --voluntary-rule --minutes 2 --seed-range 20000-20001 --resamples 10 \
    --ledger "$L" "$sc" > "$tmp/o" 2>"$tmp/err" || rc=$?
[ $rc = 2 ] || fail "spent evaluation seeds gave $rc, expected 2"
grep -q "were spent by rules $id" "$tmp/err" || fail "the refusal does not name the rules id"
[ ! -s "$tmp/o" ] || fail "a refused run wrote a table"
"$exe" --voluntary-rule --rerun-spent --minutes 2 --seed-range 20000-20000 --resamples 10 \
    --ledger "$L" "$sc" > "$tmp/r.tsv" 2>"$tmp/err" || fail "--rerun-spent"
has "$tmp/r.tsv" "^# held_out: no (re-measure: evaluation seeds 20000-20000 were spent by rules $id"
"$exe" --voluntary-rule --minutes 2 --split evaluation --resamples 10 --ledger "$L" "$sc" \
    > "$tmp/n.tsv" 2>"$tmp/err" || fail "--split evaluation with another rules id"
has "$tmp/n.tsv" '^# seeds: 20001-20001 for every scenario$'
[ "$(wc -l < "$L")" = 2 ] || fail "expected two ledger rows"
# a malformed ledger is refused with file:line and the field
printf '20000\tx\t%s\tc\td\n' "$id" > "$tmp/bad-ledger.tsv"
rc=0; "$exe" --minutes 2 --seed-range 20000-20000 --ledger "$tmp/bad-ledger.tsv" "$sc" \
    > "$tmp/o" 2>"$tmp/err" || rc=$?
[ $rc = 2 ] || fail "a malformed ledger gave $rc"
grep -q "bad-ledger.tsv:1: last_seed: expected a seed" "$tmp/err" || fail "no file:line:field"
"$exe" --minutes 2 --seed-range 10000-10001 --resamples 10 --commit x \
    "$datasets/suite/single-calf-1k.scenario" > "$tmp/s.tsv" 2>"$tmp/err"
has "$tmp/s.tsv" '^# split: validation$'
has "$tmp/s.tsv" '^# seeds: 10000-10001 for every scenario$'
has "$tmp/s.tsv" $'^scenario\tfs_hz\tsnr\tdetector\tclass\tnights\tn_truth\ttp\tfp\tfn\tprecision\tp_lo\tp_hi\trecall\tr_lo\tr_hi\tf1\tf1_lo\tf1_hi\tonset_median_s\tflag$'
"$exe" --minutes 2 --seed-range 9999-10000 --resamples 10 \
    "$datasets/suite/single-calf-1k.scenario" > "$tmp/m.tsv" 2>"$tmp/err"
has "$tmp/m.tsv" '^# split: mixed$'

# errors: usage 2, a bad variants file 2, an unknown override key 1 or 2
rc=0; "$exe" --split evaluation --seed-range 1-2 x > "$tmp/o" 2>&1 || rc=$?
[ $rc = 2 ] || fail "--split with --seed-range gave $rc"
rc=0; "$exe" --split nosuch x > "$tmp/o" 2>&1 || rc=$?
[ $rc = 2 ] || fail "unknown split gave $rc"
printf 'base %s\nwobble 3\n' "$tests/plain_twin.scenario" > "$tmp/bad.variants"
rc=0; "$exe" --variants "$tmp/bad.variants" > "$tmp/o" 2>&1 || rc=$?
[ $rc = 2 ] || fail "bad variants file gave $rc"
grep -q "bad.variants:2:" "$tmp/o" || fail "no line number for the bad line"
printf 'base %s\nminutes 1\nnights 1\nvariant v no_such_key=3\n' "$tests/plain_twin.scenario" \
    > "$tmp/key.variants"
rc=0; "$exe" --variants "$tmp/key.variants" --resamples 1 > "$tmp/o" 2>&1 || rc=$?
[ $rc != 0 ] || fail "an unknown scenario key was accepted"
grep -q "no_such_key" "$tmp/o" || fail "the unknown key is not named"
# --set KEY=VALUE: a scenario key over the base, named in the header; a bad
# key or value is refused
"$exe" --minutes 2 --seed-range 1001-1001 --resamples 10 --set plm_truth=aasm \
    "$datasets/suite/single-calf-1k.scenario" > "$tmp/set.tsv" 2>"$tmp/err" || fail "--set"
has "$tmp/set.tsv" '^# set (--set): plm_truth aasm$'
rc=0; "$exe" --variants "$tmp/key.variants" --resamples 1 --set plm_truth=some > "$tmp/o" 2>&1 ||
    rc=$?
[ $rc = 2 ] && grep -q "all or aasm" "$tmp/o" || fail "--set plm_truth=some gave $rc"
rc=0; "$exe" --set plm_truth "$sc" > "$tmp/o" 2>&1 || rc=$?
[ $rc = 2 ] || fail "--set without = gave $rc"
echo OK
