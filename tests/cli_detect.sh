#!/usr/bin/env bash
# cramp detect as a user runs it: a simulated 30-minute night with explicit
# events (a cramp, a PLM series, a burst, a movement), detected to TSV, JSON
# and EDF+ annotations, scored against its ground truth with cramp score;
# bad inputs give clear errors, exit codes 1/2 and no output file.
# Usage: tests/cli_detect.sh PATH/TO/cramp
set -u
TESTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CRAMP=${1:?usage: cli_detect.sh PATH/TO/cramp}
PY=/usr/bin/python3
CRAMP=$(cd "$(dirname "$CRAMP")" && pwd)/$(basename "$CRAMP")
WORK=$(mktemp -d "${TMPDIR:-/tmp}/cramp-detect.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cd "$WORK" || exit 1

# shellcheck source=cli_lib.sh
. "$TESTS_DIR/cli_lib.sh"

cat >night.scenario <<'SC'
duration_min 30
fs 1000
channels 4
seed 31
noise_uv 2
mains_hz 60
mains_uv 6
ecg_uv 10
cramp_per_hour 0
plm_series_per_hour 0
burst_per_hour 0
movement_per_hour 0
motion_per_hour 0
pop_per_hour 0
clip_per_hour 0
lost_per_hour 0
event cramp 300 90 1
event plm 600 2 2 excitation=25
event plm 625 1.5 2 excitation=25
event plm 650 2 2 excitation=25
event plm 672 1 2 excitation=25
event burst 900 1.5 3 excitation=20
event movement 1200 20 3,4 excitation=30 amplitude=0
SC
run synth night.scenario --quiet -o night.edf
expect_rc 0 "synth"

run detect --help
expect_rc 0 "--help"
grep -q "AASM" out && grep -q "cramp score" out && ok || bad "--help does not teach the rules"

run detect night.edf -o det.tsv
expect_rc 0 "detect"
expect_err "cramps: 1 (2.00 per hour)" "summary"
expect_err "60 Hz (auto)" "mains auto"
expect_err "PLM: 4 in 1 series, PLM index 8.0 per hour" "PLM summary"
head -1 det.tsv | grep -q "^onset	duration	trial_type	channel	" && ok || bad "TSV header"
[ "$(awk -F'\t' 'NR>1 && $3=="cramp"' det.tsv | wc -l)" = 1 ] && ok || bad "one cramp row"
awk -F'\t' 'NR>1 && $3=="cramp" { d = $1 - 300; if (d < 0) d = -d; exit !(d <= 0.25 && $4 == "L-GAS") }' det.tsv \
    && ok || bad "cramp onset within 0.25 s on L-GAS"

run score night.events.tsv det.tsv
expect_rc 0 "score"
awk -F'\t' 'NF > 10 && $1=="pooled" && ($2=="cramp" || $2=="plm" || $2=="burst" || $2=="movement") && $10 != 1 { bad = 1 } END { exit bad }' out \
    && ok || bad "F1 1 for cramp, plm, burst, movement: $(grep pooled out | head -5)"

run detect night.edf --json -o det.json --mains 60 --quiet
expect_rc 0 "--json"
[ ! -s err ] && ok || bad "--quiet printed"
$PY - <<'PYEOF' && ok || bad "JSON"
import json
d = json.load(open("det.json"))
s = d["summary"]
assert s["cramps"] == 1 and s["plm"] == 4 and d["mains_hz"] == 60, s
assert d["band_hz"] == [20, 450], d["band_hz"]
assert [e["trial_type"] for e in d["events"]].count("cramp") == 1
PYEOF

run detect night.edf -o det2.tsv --edf-annotations ann.edf --quiet
expect_rc 0 "--edf-annotations"
run info ann.edf
grep -q "cramp" out && ok || bad "annotations in the EDF copy: $(head -3 out)"
cmp -s det.tsv det2.tsv && ok || bad "same events with and without --edf-annotations"

run detect night.edf --channels L-GAS,L-TA -o sel.tsv --quiet
expect_rc 0 "--channels"
awk -F'\t' 'NR>1 && $4 ~ /R-/' sel.tsv | grep -q . && bad "--channels: right-leg channel in output" || ok

# band clamped at a low rate, reported
run synth night.scenario --fs 250 --quiet -o low.edf
run detect low.edf -o low.tsv
expect_rc 0 "250 Hz"
expect_err "band 20-112.5 Hz (clamped" "clamped band reported"

# bad inputs
run detect
expect_rc 2 "no file"
run detect night.edf --mains 55 -o x.tsv
expect_rc 2 "--mains 55"
expect_err "--mains wants 50, 60, auto or none" "--mains message"
[ ! -e x.tsv ] && ok || bad "output left after a usage error"
run detect missing.edf -o x.tsv
expect_rc 1 "missing file"
expect_err "missing.edf" "names the file"
[ ! -e x.tsv ] && ok || bad "output left after a failure"
run detect night.edf --channels NOPE -o x.tsv
expect_rc 1 "unknown channel"
expect_err "no channel 'NOPE'" "channel message"
run detect night.edf low.edf -o x.tsv
expect_rc 2 "-o with two files"
printf 'not an edf' >junk.edf
run detect junk.edf -o x.tsv
expect_rc 1 "junk file"
[ ! -e x.tsv ] && ok || bad "output left for junk input"

echo "cli_detect: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
