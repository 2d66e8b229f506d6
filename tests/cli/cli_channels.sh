#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Channels chosen as a sleep lab would (issue 15, item 6): without
# --channels, cramp detect takes the EDF channels whose label or transducer
# says leg EMG (AASM LAT/RAT, Leg L, EMG Tib, L-GAS, gastrocnemius/tibialis,
# EMG with an AgAgCl electrode), names those taken and left, and refuses a
# file where none qualifies with the labels and the --channels hint;
# --all-channels runs every channel (cramp 0.1's default, which ran on EEG
# and EOG). A cramp synth night's own labels qualify; a WAV (no labels) runs
# on every channel.
# Usage: tests/cli/cli_channels.sh PATH/TO/cramp
set -u
TESTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CRAMP=${1:?usage: cli_channels.sh PATH/TO/cramp}
# shellcheck source=cli_lib.sh
. "$TESTS_DIR/cli_lib.sh"
cli_workdir channels

cat >night.scenario <<'SC'
duration_min 3
fs 500
channels 4
seed 5
noise_uv 2
cramp_per_hour 0
plm_series_per_hour 0
burst_per_hour 0
movement_per_hour 0
event cramp 60 30 1
SC
run synth night.scenario --quiet -o night.edf
expect_rc 0 "synth"

# Copy night.edf with the four labels (16 characters each) and transducers
# (80) given: signal i's label is at 256 + i * 16, its transducer at
# 256 + ns * 16 + i * 80, ns = 5 with the annotation signal.
relabel() { # OUT L1 L2 L3 L4 [T1 T2 T3 T4]
    local out=$1
    shift
    cp night.edf "$out"
    printf '%-16s%-16s%-16s%-16s' "$1" "$2" "$3" "$4" |
        dd of="$out" bs=1 seek=256 conv=notrunc status=none
    if [ $# -ge 8 ]; then
        printf '%-80s%-80s%-80s%-80s' "$5" "$6" "$7" "$8" |
            dd of="$out" bs=1 seek=$((256 + 5 * 16)) conv=notrunc status=none
    fi
}

# The synth night's own labels: all four taken.
run detect night.edf -o d.tsv
expect_rc 0 "synth labels"
expect_err "leg EMG by label: 'L-GAS', 'L-TA', 'R-GAS', 'R-TA'" "synth labels taken"
expect_err "4 channels" "the four channels run"

# A PSG: EEG, chin and EOG left, the legs taken.
relabel psg.edf "EEG C3-M2" "LAT" "EMG Chin" "RAT"
run detect psg.edf -o p.tsv
expect_rc 0 "PSG labels"
expect_err "leg EMG by label: 'LAT', 'RAT'; left: 'EEG C3-M2', 'EMG Chin'" "PSG: taken and left"
expect_err "2 channels" "PSG: two channels run"
cut -f5 p.tsv | tail -n +2 | grep -vq -e '^LAT$' -e '^RAT$' -e '^LAT,RAT$' &&
    bad "PSG: episodes on other channels: $(cut -f5 p.tsv | sort -u | tr '\n' ' ')" || ok
run detect --quiet --all-channels psg.edf -o pa.tsv
expect_rc 0 "--all-channels"
grep -q "EEG C3-M2" pa.tsv && ok || bad "--all-channels did not run the EEG channel"

# More conventions, one file each: every label taken, the others left.
check_set() { # NAME EXPECTED-TAKEN L1 L2 L3 L4 [T1..T4]
    local name=$1 want=$2
    shift 2
    relabel "$name.edf" "$@"
    run detect "$name.edf" -o "$name.tsv"
    expect_rc 0 "$name"
    expect_err "leg EMG by label: $want" "$name: taken"
}
check_set legs "'Leg L', 'Leg R'" "Leg L" "Leg R" "ECG" "Resp Thor"
check_set tib "'EMG Tib L', 'EMG Tib R'" "EMG Tib L" "EMG Tib R" "EOG LOC" "SpO2"
check_set gas "'L-GAS', 'R-GAS', 'gastrocnemius'" "L-GAS" "R-GAS" "gastrocnemius" "EEG O2-M1"
check_set latin "'tibialis ant L', 'LAT1'" "tibialis ant L" "Pos" "LAT1" "Snore"
check_set trans "'EMG1', 'EMG2', 'X3'" "EMG1" "EMG2" "X3" "C4-M1" \
    "AgAgCl electrode" "AgAgCl electrode" "AgAgCl electrode tibialis" "AgAgCl electrode"

# None qualifies: refused with the labels and the hint, no output.
relabel eeg.edf "EEG C3-M2" "EEG C4-M1" "EOG E1-M2" "EMG Chin"
run detect eeg.edf -o e.tsv
expect_rc 1 "no leg EMG"
expect_err "'EEG C3-M2', 'EEG C4-M1', 'EOG E1-M2', 'EMG Chin'" "the labels listed"
expect_err "--channels" "the --channels hint"
[ -e e.tsv ] && bad "e.tsv written" || ok
run detect --channels "EMG Chin" eeg.edf -o e.tsv
expect_rc 0 "--channels still chooses any channel"

# A WAV has no labels: every channel.
run filter --quiet --clamp night.edf -o night.wav
expect_rc 0 "a WAV of the night (float, in uV)"
run detect --full-scale-uv 1 night.wav -o w.tsv
expect_rc 0 "WAV"
expect_err "4 channels" "WAV: every channel"
grep -q "leg EMG by label" err && bad "WAV: a label choice" || ok

# cramp batch chooses channels as cramp detect does (one function for both).
mkdir -p study && cp psg.edf study/psg.edf
run batch --quiet -j 1 study -o bout
expect_rc 0 "batch on the PSG"
[ "$(cut -f7 bout/nights.tsv | tail -n 1)" = "LAT,RAT" ] && ok ||
    bad "batch PSG channels: $(cut -f7 bout/nights.tsv | tail -n 1)"
run batch --quiet -j 1 --all-channels study -o bout-all
expect_rc 0 "batch --all-channels"
[ "$(cut -f7 bout-all/nights.tsv | tail -n 1)" = "EEG C3-M2,LAT,EMG Chin,RAT" ] && ok ||
    bad "batch --all-channels: $(cut -f7 bout-all/nights.tsv | tail -n 1)"

echo "cli_channels: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
