#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Every README example that runs cramp runs (issue 15, item 5). The examples
# are README.md's fenced shell blocks (```sh, ```bash, ```shell) whose code
# (comments left out) names cramp; each block is run as one script, with
# `bash -e`, in a scratch folder of its own holding the inputs the examples
# name (made by cramp synth and cramp filter: example_inputs in cli_lib.sh,
# and below), with this build's cramp first on PATH. A block fails the test
# when any of its commands fails.
#
# Blocks that need what a test cannot have are skipped, each named by a
# marker (a text only that block holds) in SKIP below with the reason; the
# test fails when a marker matches no block (the example was changed or
# removed: update the list) or more than one. Blocks that need a program
# that may be absent are in NEEDS: without it they are skipped and the test
# ends with 77 (skipped) after running the others.
# Usage: cli_readme_examples.sh CRAMP README.md
set -u
CRAMP=${1:?usage: cli_readme_examples.sh CRAMP README.md}
README=$(cd "$(dirname "${2:?usage: cli_readme_examples.sh CRAMP README.md}")" && pwd)/$(basename "$2")
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=cli_lib.sh
. "$here/cli_lib.sh"
cli_workdir readme-examples
mkdir bin && ln -s "$CRAMP" bin/cramp && export PATH="$WORK/bin:$PATH"

# marker <TAB> why the block is not run
SKIP=$(printf '%s\t%s\n' \
    'sbatch' 'needs a Slurm cluster (tests/cli/slurm_batch.sh runs this recipe on one it starts)' \
    'cramp-edf-bench' 'runs libFuzzer for 10 minutes and a benchmark of a 24-h recording (scripts/test runs each fuzzer for 60 s)')
# marker <TAB> the program the block needs
NEEDS=$(printf '%s\t%s\n' \
    'parallel cramp batch' 'parallel')

# ---- the inputs the README names -------------------------------------------
mkdir inputs && cd inputs || exit 1
example_inputs || { echo "FAIL: cannot make the inputs"; exit 1; }
# leg.wav long enough for `--interval 30-90`, and its filtered copy
cramp filter --quiet --synthetic 120 --channels 2 -o leg.wav || exit 1
cramp filter --quiet --notch 50 leg.wav -o leg-filtered.wav || exit 1
# a 200-Hz polysomnography leg channel as WAV
cramp filter --quiet --synthetic 60 --fs 200 --channels 1 --clamp -o psg-leg.wav 2>clamp.err || exit 1
# emg.csv: a CSV that states neither rate nor unit, 2 min at 200 Hz in mV
awk 'BEGIN { srand(7); print "EMG"; for (i = 0; i < 24000; i++) {
    a = (i > 8000 && i < 11000) ? 0.3 : 0.005; printf "%.5f\n", a * (2 * rand() - 1) } }' >emg.csv
# BioSPPy/OpenSignals text: the header states the rate and the columns
{ printf '# OpenSignals Text File Format\n'
  printf '# {"00:07:80:3B:46:61": {"sensor": ["EMG"], "device name": "x", '
  printf '"column": ["nSeq", "DI", "A1"], "sampling rate": 1000, '
  printf '"resolution": [4, 1, 16], "label": ["A1"]}}\n# EndOfHeader\n'
  awk 'BEGIN { for (i = 0; i < 2000; i++) printf "%d\t0\t%d\n", i % 16, 32768 + int(200 * sin(i / 5)) }'
} >biosppy_emg.txt
# a PhysioNet WFDB record, format 16, 4 kHz
mkdir physionet_emgdb
printf 'emg_healthy 1 4000 8000\nemg_healthy.dat 16 200(0)/mV 16 0 0 0 0 EMG\n' \
    >physionet_emgdb/emg_healthy.hea
head -c 16000 /dev/zero >physionet_emgdb/emg_healthy.dat
# a study of nights, a BIDS root and a list file for cramp batch
for i in 1 2; do
    mkdir -p study/sub-0$i
    cramp synth --quiet night.scenario --minutes 2 --seed $i -o study/sub-0$i/night.edf || exit 1
done
mkdir -p bids_root/sub-03/ses-1/emg
cramp synth --quiet night.scenario --minutes 2 --seed 3 \
    -o bids_root/sub-03/ses-1/emg/sub-03_ses-1_task-sleep_emg.edf || exit 1
echo night.edf >more.txt
cd .. || exit 1

# ---- the examples ----------------------------------------------------------
# README.md's fenced shell blocks, one file each: blocks/N.sh, with the line
# of the block's opening fence in blocks/N.line.
mkdir blocks
awk -v dir=blocks '
    !on && /^```(sh|bash|shell)[ \t]*$/ { on = 1; n++; f = dir "/" n ".sh"; printf "" >f
                                          print NR >(dir "/" n ".line"); next }
    on && /^```/ { on = 0; close(f); next }
    on { print >f }' "$README"
# code without comments: a line from its first " #" or leading "#" on
code_of() { sed -E 's/(^|[[:space:]])#.*$//' "$1"; }

n_run=0 n_skip=0 missing=()
declare -A marker_hits
for f in $(ls blocks/*.sh 2>/dev/null | sort -t/ -k2 -n); do
    b=$(basename "$f" .sh)
    line=$(cat "blocks/$b.line")
    code_of "$f" | grep -q 'cramp' || continue
    why=""
    while IFS=$'\t' read -r m reason; do
        [ -n "$m" ] || continue
        if grep -qF -- "$m" "$f"; then
            marker_hits[$m]=$((${marker_hits[$m]:-0} + 1))
            why=$reason
        fi
    done <<<"$SKIP"
    if [ -n "$why" ]; then
        echo "README.md:$line: skipped: $why"
        n_skip=$((n_skip + 1))
        continue
    fi
    need=""
    while IFS=$'\t' read -r m prog; do
        [ -n "$m" ] || continue
        if grep -qF -- "$m" "$f"; then
            marker_hits[$m]=$((${marker_hits[$m]:-0} + 1))
            command -v "$prog" >"$WORK/where" 2>&1 || need=$prog
        fi
    done <<<"$NEEDS"
    if [ -n "$need" ]; then
        echo "README.md:$line: skipped: needs $need, which is not installed"
        missing+=("$need")
        continue
    fi
    mkdir "run-$b" && cp -a inputs/. "run-$b/" || exit 1
    if (cd "run-$b" && bash -e "../$f" >../"out-$b.txt" 2>&1); then
        ok
        n_run=$((n_run + 1))
        rm -rf "run-$b"
    else
        bad "README.md:$line: an example failed:"
        sed 's/^/    /' "$f" >&2
        tail -8 "out-$b.txt" | sed 's/^/  output: /' >&2
    fi
done
# every marker names exactly one example
while IFS=$'\t' read -r m _; do
    [ -n "$m" ] || continue
    case ${marker_hits[$m]:-0} in
        1) ok ;;
        0) bad "the marker '$m' matches no README example that runs cramp: update the lists" ;;
        *) bad "the marker '$m' matches ${marker_hits[$m]} README examples: make it name one" ;;
    esac
done <<<"$SKIP"$'\n'"$NEEDS"
[ "$n_run" -gt 0 ] || bad "no README example was run (README.md moved or reformatted?)"

echo "cli_readme_examples: $n_run examples run, $n_skip skipped by the list," \
    "${#missing[@]} for want of a program; $passed passed, $failed failed"
[ "$failed" -eq 0 ] || exit 1
[ "${#missing[@]}" -eq 0 ] || exit 77
