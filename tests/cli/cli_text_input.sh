#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The rate and unit of a delimited text file that states neither (issue 15):
# filter, envelope, fatigue and detect take --input-fs HZ and --input-unit
# UNIT (filter's --fs is its synthetic signal's rate, hence the names); a
# file without a rate is refused with the --input-fs hint; the options are
# refused for a file that states its own (EDF). cramp info takes them too.
# Usage: tests/cli/cli_text_input.sh PATH/TO/cramp
set -u
TESTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CRAMP=${1:?usage: cli_text_input.sh PATH/TO/cramp}
# shellcheck source=cli_lib.sh
. "$TESTS_DIR/cli_lib.sh"
cli_workdir text-input

# 30 s at 1000 Hz, two columns in mV (noise of about 10 uV, a 5-s burst of
# about 200 uV on the first from 10 s), no header: neither rate nor unit.
awk 'BEGIN { srand(7); for (i = 0; i < 30000; i++) {
        a = (i >= 10000 && i < 15000) ? 0.4 : 0.02
        printf "%.5f,%.5f\n", (rand() - 0.5) * a, (rand() - 0.5) * 0.02 } }' >emg.csv

for cmd in "filter -o f.wav" "envelope -o e.tsv" "fatigue -o fa.tsv" "detect -o d.tsv"; do
    set -- $cmd
    run "$1" emg.csv "${@:2}"
    expect_rc 1 "$1 without a rate"
    expect_err "--input-fs HZ" "$1: the hint names --input-fs"
    run "$1" --input-fs 1000 --input-unit mV emg.csv "${@:2}"
    expect_rc 0 "$1 --input-fs 1000 --input-unit mV"
    expect_err "at 1000 Hz" "$1: the rate used"
done
expect_err "2 channels at 1000 Hz" "detect ran"
run filter --input-fs 1000 --input-unit mV emg.csv -o f.wav
expect_err "values in uV" "filter: mV read in uV"
run envelope --input-fs 1000 --input-unit mV --rate 10 emg.csv -o e.tsv
# the burst (uniform in +-0.2 mV: RMS 0.2/sqrt(3) mV = 115 uV) shows in uV
awk -F'\t' 'NR > 1 && $1 > 11 && $1 < 14 && $2 > 100 && $2 < 130 {n++} END {exit !(n > 20)}' e.tsv &&
    ok || bad "envelope of the burst not in uV: $(sed -n 120,122p e.tsv)"
run envelope --input-fs 1000 emg.csv -o e2.tsv
expect_rc 0 "no unit: values as written"

# a rate that does not fill 1-s EDF records: 2-s records
run filter --quiet --input-fs 999.5 --input-unit mV --lowpass 100 emg.csv -o odd.edf
expect_rc 0 "filter at 999.5 Hz to .edf"
run info --json odd.edf
grep -q '"fs_hz": 999.5' out && grep -q '"record_duration_s": 2' out && ok ||
    bad "odd.edf: $(grep -o '"record_duration_s": [0-9.]*' out)"

run info --input-fs 1000 --input-unit mV emg.csv
expect_rc 0 "info --input-fs"
grep -q "1000" out && ok || bad "info: rate not shown"

# refused where the file states its own
printf 'duration_min 1\nfs 500\nchannels 1\nseed 1\n' >n.scenario
run synth n.scenario --quiet -o n.edf
run filter --input-fs 1000 n.edf -o x.wav
expect_rc 1 "--input-fs on an EDF"
expect_err "apply to delimited text input" "the refusal"
[ -e x.wav ] && bad "x.wav written" || ok
run filter --synthetic 1 --input-fs 1000 -o y.wav
expect_rc 2 "--input-fs with --synthetic"
run detect --input-fs 0 emg.csv
expect_rc 2 "--input-fs 0"

echo "cli_text_input: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
