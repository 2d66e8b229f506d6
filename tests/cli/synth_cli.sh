#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Tests of 'cramp synth' and 'cramp score' as a user runs them: help, usage
# errors (exit 2), scenario errors naming the file and line (exit 1, no
# output left), same seed same bytes, the events table, the built-in default
# against datasets/default.scenario, every scenario of the benchmark suite,
# an interrupted run leaving nothing behind, and scoring a truth against
# itself and against an edited copy.
# Usage: tests/cli/synth_cli.sh PATH/TO/cramp PATH/TO/datasets
set -u
TESTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

CRAMP=${1:?usage: synth_cli.sh PATH/TO/cramp PATH/TO/datasets}
DATASETS=${2:?usage: synth_cli.sh PATH/TO/cramp PATH/TO/datasets}
DATASETS=$(cd "$DATASETS" && pwd)
# shellcheck source=cli_lib.sh
. "$TESTS_DIR/cli_lib.sh"
cli_workdir synth-cli
# The folder holds exactly these names (nothing half-written, no temporaries).
expect_only() {
    local dir=$1 want=$2 what=$3 got
    got=$(cd "$dir" && ls -A | sort | tr '\n' ' ')
    if [ "$got" = "$want" ]; then ok; else bad "$what: folder holds '$got', expected '$want'"; fi
}

# --- help and usage -----------------------------------------------------------
run synth --help
expect_rc 0 "synth --help"
grep -q "event cramp" out && grep -q "datasets/README.md" out && ok || bad "synth --help teaches the format"
run help synth
expect_rc 0 "help synth"
run score --help
expect_rc 0 "score --help"
grep -q "IoU" out && ok || bad "score --help states the matching rule"
run synth --minutes 1
expect_rc 2 "synth without -o"
run synth --bogus -o x.edf
expect_rc 2 "synth unknown option"
run synth --channels 0 -o x.edf
expect_rc 2 "synth --channels 0"
run synth --minutes -3 -o x.edf
expect_rc 2 "synth --minutes -3"
run synth a.scenario b.scenario -o x.edf
expect_rc 2 "synth two scenarios"
run synth -o -
expect_rc 2 "synth to stdout"
run score only.tsv
expect_rc 2 "score with one file"
run score a.tsv b.tsv c.tsv
expect_rc 2 "score with an odd number of files"
run score --min-iou 0 a.tsv b.tsv
expect_rc 2 "score --min-iou 0"

# --- scenario errors: exit 1, the file and line named, nothing written ----------
mkdir bad
printf 'fs 1000\nchannels two\n' >bad/bad.scenario
run synth bad/bad.scenario -o bad/x.edf
expect_rc 1 "bad scenario"
expect_err "bad/bad.scenario:2:" "bad scenario names file and line"
expect_err "channels" "bad scenario names the key"
expect_only bad "bad.scenario " "bad scenario leaves no output"
printf 'duration_min 1\nevent cramp 50 30 1\n' >bad/late.scenario
run synth bad/late.scenario -o bad/x.edf
expect_rc 1 "event past the end"
expect_err "does not fit" "event past the end explained"
run synth --fs 333.33 --minutes 0.1 -o bad/x.edf
expect_rc 1 "a rate with no whole EDF record"
expect_only bad "bad.scenario late.scenario " "failed runs leave no output"
run synth /nonexistent/n.scenario -o bad/x.edf
expect_rc 1 "missing scenario"
expect_err "/nonexistent/n.scenario" "missing scenario named"

# --- the default scenario ---------------------------------------------------------
run synth --print-scenario
expect_rc 0 "--print-scenario"
if cmp -s out "$DATASETS/default.scenario"; then ok; else bad "built-in default differs from datasets/default.scenario"; fi
run synth "$DATASETS/default.scenario" --seed 9 --fs 250 --print-scenario
grep -qx "seed 9" out && grep -qx "fs 250" out && ok || bad "options override the scenario"

# --- a short night: files, determinism --------------------------------------------
run synth --minutes 2 --channels 3 --fs 500 --seed 5 -o a.edf
expect_rc 0 "short night"
expect_err "wrote 'a.edf'" "summary"
[ -s a.edf ] && [ -s a.events.tsv ] && ok || bad "a.edf and a.events.tsv written"
head -1 a.events.tsv | grep -qx "$(printf 'onset\tduration\ttrial_type\tchannel\tdetail')" && ok ||
    bad "events header"
if awk -F'\t' 'NR > 1 && ($3 !~ /^(cramp|plm|burst|movement|artefact)$/ || $1 + 0 < 0 || $2 + 0 <= 0) { exit 1 }' a.events.tsv; then
    ok
else
    bad "events rows: trial_type and times"
fi
# EDF size: header 256 * (1 + 4 signals) + 120 records x (3 x 500 x 2 bytes + annotations).
size=$(stat -c %s a.edf)
[ "$size" -gt $((256 * 5 + 120 * 3000)) ] && ok || bad "a.edf is only $size bytes"
head -c 8 a.edf | grep -q "^0 " && ok || bad "a.edf starts like EDF"
head -c 256 a.edf | grep -q "EDF+C" && ok || bad "a.edf is EDF+C"
run synth --minutes 2 --channels 3 --fs 500 --seed 5 --quiet -o b.edf --events b.tsv
expect_rc 0 "short night again"
[ ! -s err ] && ok || bad "--quiet printed"
cmp -s a.edf b.edf && cmp -s a.events.tsv b.tsv && ok || bad "same seed, different bytes"
run synth --minutes 2 --channels 3 --fs 500 --seed 6 -o c.edf
cmp -s a.edf c.edf && bad "seeds 5 and 6 gave the same bytes" || ok
run synth --minutes 1 --channels 2 --fs 512 -o d.bdf
expect_rc 0 "BDF by name"
head -c 8 d.bdf | od -An -tx1 | grep -q "^ ff 42 49 4f" && ok || bad "d.bdf starts like BDF"
[ -s d.events.tsv ] && ok || bad "d.events.tsv"

# --- an interrupted run leaves nothing ---------------------------------------------
mkdir intr
"$CRAMP" synth --minutes 600 --quiet -o intr/long.edf 2>/dev/null &
pid=$!
sleep 1
kill -INT "$pid" 2>/dev/null
wait "$pid"
rc=$?
[ "$rc" -eq 130 ] && ok || bad "interrupted synth: exit $rc, expected 130 (SIGINT)"
expect_only intr "" "interrupted synth leaves no file"

# --- the benchmark suite: every scenario makes a night --------------------------------
n_suite=0
for s in "$DATASETS"/suite/*.scenario; do
    [ -e "$s" ] || continue
    n_suite=$((n_suite + 1))
    name=$(basename "$s" .scenario)
    # Nights with explicit events keep their length; the others are cut short.
    if grep -q '^event' "$s"; then
        run synth "$s" --quiet -o "suite-$name.edf"
    else
        run synth "$s" --minutes 0.5 --quiet -o "suite-$name.edf"
    fi
    expect_rc 0 "suite scenario $name"
done
[ "$n_suite" -ge 8 ] && ok || bad "only $n_suite suite scenarios"

# --- scoring ------------------------------------------------------------------------
printf 'duration_min 90\ncramp_per_hour 4\ncramp_duration_s 5 60\nplm_series_per_hour 3\nplm_count 4 6\n' >s.scenario
run synth s.scenario --seed 2 --quiet -o s.edf
expect_rc 0 "night to score"
run score s.events.tsv s.events.tsv
expect_rc 0 "score truth against itself"
if awk -F'\t' 'NR == 1 { next } $0 == "" { exit } $10 != 1 { bad = 1 } END { exit bad }' out; then
    ok
else
    bad "self-score F1 is not 1 everywhere"
fi
grep -q "^pooled" out && ok || bad "pooled rows"
# Drop every cramp and shift the rest by 0.1 s: cramps all missed, others found.
awk -F'\t' 'BEGIN { OFS = "\t" } NR == 1 { print; next } $3 != "cramp" { $1 = sprintf("%.6f", $1 + 0.1); print }' \
    s.events.tsv >det.tsv
run score s.events.tsv det.tsv s.events.tsv s.events.tsv --json score.json
expect_rc 0 "score two nights, JSON"
if /usr/bin/python3 - score.json <<'EOF' 2>err; then ok; else bad "JSON figures"; fi
import json, sys
d = json.load(open(sys.argv[1]))
n1 = d["nights"][0]["classes"]
assert n1["cramp"]["tp"] == 0 and n1["cramp"]["recall"] == 0, n1["cramp"]
for k, v in n1.items():
    if k != "cramp":
        assert v["fp"] == 0 and v["fn"] == 0, (k, v)
        assert abs(v["onset_error_s"]["median"] - 0.1) < 1e-5, v
assert d["pooled"]["classes"]["plm"]["tp"] == 2 * n1["plm"]["tp"]
assert d["pooled"]["confusion"]["cramp"]["none"] == n1["cramp"]["fn"]
EOF
run score s.events.tsv /nonexistent.tsv
expect_rc 1 "score a missing file"
expect_err "/nonexistent.tsv" "missing file named"

echo "synth_cli: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
