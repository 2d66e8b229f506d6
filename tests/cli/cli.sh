#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Tests of the cramp command as a user runs it: help and exit codes, errors
# that name the file or the rate, atomic outputs, and a synthetic signal run
# through filter and read back by envelope.
# Usage: tests/cli/cli.sh PATH/TO/cramp [SHARED_DATA_DIR]
# With SHARED_DATA_DIR (../shared/data) present, real recordings are run too.
set -u

TESTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CRAMP=${1:?usage: cli.sh PATH/TO/cramp [SHARED_DATA_DIR]}
DATA=${2:-}
# shellcheck source=cli_lib.sh
. "$TESTS_DIR/cli_lib.sh"
cli_workdir cli

# ---- help, version, usage errors -------------------------------------------
run --help
expect_rc 0 "cramp --help"
if grep -q '^  filter ' out && grep -q '^  envelope ' out && grep -q '^  info ' out; then ok; else bad "--help lists filter, envelope and info"; fi
# Every subcommand --help lists must exist: no stubs (each answers --help
# with exit 0 and prints a usage line).
for sub in $(sed -n 's/^  \([a-z][a-z]*\)  .*/\1/p' out); do
    if "$CRAMP" "$sub" --help >sub.out 2>sub.err && grep -qi "usage" sub.out; then ok
    else bad "--help lists '$sub', but 'cramp $sub --help' fails"; fi
done
[ -s err ] && bad "--help wrote to stderr" || ok

run --version
expect_rc 0 "cramp --version"
if grep -Eq '^cramp [0-9]+\.[0-9]+\.[0-9]+$' out; then ok; else bad "--version prints 'cramp X.Y.Z'"; fi

run
expect_rc 2 "cramp without a command"

for sub in filter envelope; do
    run "$sub" --help
    expect_rc 0 "cramp $sub --help"
    if head -1 out | grep -q "^Usage: cramp $sub "; then ok; else bad "cramp $sub --help starts with its usage"; fi
    [ -s err ] && bad "cramp $sub --help wrote to stderr" || ok
    cp out help1
    run help "$sub"
    expect_rc 0 "cramp help $sub"
    if cmp -s out help1; then ok; else bad "cramp help $sub differs from cramp $sub --help"; fi

    run "$sub" --no-such-option x.wav -o y
    expect_rc 2 "cramp $sub with an unknown option"
    expect_err "unknown option '--no-such-option'" "cramp $sub unknown option"
    expect_err "Try 'cramp $sub --help'." "cramp $sub usage hint"
    [ -s out ] && bad "usage error wrote to stdout" || ok
done

run nosuchcommand x.wav
expect_rc 2 "a command that does not exist"
expect_err "no command 'nosuchcommand'" "unknown command message"
run help nosuch
expect_rc 2 "cramp help of an unknown command"
run filter --order
expect_rc 2 "option without its value"
expect_err "'--order' needs a value" "missing value message"
run filter --band 450-20 --synthetic 1 -o x.wav
expect_rc 2 "--band with LO > HI"
run filter --order 11 --synthetic 1 -o x.wav
expect_rc 2 "--order out of range"
run filter --simd sse9 --synthetic 1 -o x.wav
expect_rc 2 "unknown --simd"
run filter --synthetic 1
expect_rc 2 "filter without -o"
run filter in.wav --synthetic 1 -o x.wav
expect_rc 2 "input file and --synthetic together"
run filter --band 20-400 --lowpass 300 --synthetic 1 -o x.wav
expect_rc 2 "--band with --lowpass"
run envelope --kind peak x.wav -o y.tsv
expect_rc 2 "unknown --kind"
run envelope --kind tkeo --window 0.1 x.wav -o y.tsv
expect_rc 2 "--window with --kind tkeo"
expect_no_file x.wav "usage errors write nothing"

# ---- missing and unreadable inputs ------------------------------------------
run filter no-such-file.wav -o out.wav
expect_rc 1 "missing input"
expect_err "no-such-file.wav" "missing input is named"
expect_no_file out.wav "missing input"
run envelope no-such-file.wav -o out.tsv
expect_rc 1 "envelope of a missing input"
expect_err "no-such-file.wav" "envelope names the missing input"
expect_no_file out.tsv "envelope of a missing input"

echo "this is not a recording" >notaudio.wav
run filter notaudio.wav -o out.wav
expect_rc 1 "input that is not audio"
expect_err "notaudio.wav" "non-audio input is named"
expect_no_file out.wav "input that is not audio"

: >empty.wav
run filter empty.wav -o out.wav
expect_rc 1 "empty input"
expect_err "empty.wav" "empty input is named"
expect_err "empty" "empty input is called empty"
expect_no_file out.wav "empty input"

# ---- synthetic signal, filter, read back -------------------------------------
run filter --synthetic 3 --fs 1000 --channels 3 -o syn.wav
expect_rc 0 "filter --synthetic"
expect_err "3000 frames x 3 channels at 1000 Hz" "synthetic summary"
if [ -s syn.wav ]; then ok; else bad "synthetic output exists"; fi
if compgen -G ".syn.wav.*" >/dev/null; then bad "temporary left after success"; else ok; fi

# Read it back through libsndfile: envelope at 50 Hz keeps 1 frame in 20.
run envelope syn.wav --rate 50 -o env.tsv
expect_rc 0 "envelope of the synthetic output"
expect_err "150 rows at 50 Hz (1 frame in 20)" "envelope summary"
# Columns are named by label and unit: a WAV has no unit, so FS (full-scale fractions).
if [ "$(head -1 env.tsv)" = "$(printf 'time_s\tch1 [FS]\tch2 [FS]\tch3 [FS]')" ]; then ok; else bad "TSV header: $(head -1 env.tsv)"; fi
if [ "$(tail -n +2 env.tsv | wc -l)" -eq 150 ]; then ok; else bad "TSV has 150 rows"; fi
# Every row: 4 fields, finite numbers, RMS > 0; rows 1/50 s apart; the first
# row centred on its window: (20 - 1) / 1000 - (250 - 1) / 2000 s.
if awk -F'\t' 'NR > 1 {
        if (NF != 4) exit 1
        for (i = 2; i <= 4; i++) if (!($i > 0 && $i < 10)) exit 1
        if (NR == 2 && ($1 + 0.1055 > 1e-6 || $1 + 0.1055 < -1e-6)) exit 1
        if (NR > 2 && (($1 - prev) - 0.02 > 1e-6 || ($1 - prev) - 0.02 < -1e-6)) exit 1
        prev = $1 }' env.tsv; then ok; else bad "TSV rows: fields, values or times wrong"; fi

run envelope syn.wav --kind tkeo --rate 100 -o -
expect_rc 0 "envelope to stdout"
if [ "$(head -1 out | cut -f1)" = "time_s" ] && [ "$(wc -l <out)" -eq 301 ]; then ok; else bad "envelope -o - writes the table to stdout"; fi
expect_no_file ./- "-o - writes no file named '-'"

run envelope syn.wav --rate 400 -o r.tsv
expect_rc 1 "unreachable --rate (1000 Hz / 400 Hz)"
expect_err "1000 Hz" "unreachable rate names the input rate"
expect_no_file r.tsv "unreachable rate"
run envelope syn.wav --rate 2000 -o r.tsv
expect_rc 1 "--rate above the sampling rate"

# Same seed, same file; another seed, another signal.
run filter --quiet --synthetic 3 --fs 1000 --channels 3 -o syn2.wav
expect_rc 0 "second synthetic run"
[ -s err ] && bad "--quiet printed on stderr" || ok
if cmp -s syn.wav syn2.wav; then ok; else bad "synthetic output is not reproducible"; fi
run filter --quiet --synthetic 3 --fs 1000 --channels 3 --seed 2 -o syn3.wav
if cmp -s syn.wav syn3.wav; then bad "--seed does not change the signal"; else ok; fi

# What the filter does to the synthetic signal's DC offset and 50 Hz hum.
hum() { sed -n 's/.*hum amplitude \([^ ]*\) -> \([^ ]*\).*/\1 \2/p' err; }
dc() { sed -n 's/.*DC offset \([^ ]*\) -> \([^,]*\),.*/\1 \2/p' err; }
run filter --synthetic 20 --fs 2000 -o plain.wav
expect_rc 0 "band-pass only"
if awk -v s="$(dc)" 'BEGIN { split(s, a, " "); d = a[2] < 0 ? -a[2] : a[2]; exit !(a[1] > 0.1 && d < a[1] / 1000) }'; then ok; else bad "band-pass removes the DC offset: $(dc)"; fi
if awk -v s="$(hum)" 'BEGIN { split(s, a, " "); exit !(a[2] > a[1] / 2) }'; then ok; else bad "20-450 Hz band keeps 50 Hz hum: $(hum)"; fi
run filter --synthetic 20 --fs 2000 --notch 50 -o notched.wav
expect_rc 0 "band-pass + notch"
if awk -v s="$(hum)" 'BEGIN { split(s, a, " "); exit !(a[2] < a[1] / 10) }'; then ok; else bad "--notch 50 removes the hum: $(hum)"; fi
run filter --synthetic 20 --fs 2000 --notch 50 --harmonics --zero-phase -o zp.wav
expect_rc 0 "zero-phase comb"
expect_err "zero-phase" "summary says zero-phase"
if awk -v s="$(hum)" 'BEGIN { split(s, a, " "); exit !(a[2] < a[1] / 10) }'; then ok; else bad "zero-phase comb removes the hum: $(hum)"; fi
if cmp -s notched.wav zp.wav; then bad "zero-phase output equals causal output"; else ok; fi
run filter --synthetic 2 --simd scalar -o scalar.wav
expect_rc 0 "--simd scalar"
expect_err "scalar" "summary names the SIMD path"

# ---- a band the rate cannot hold ---------------------------------------------
run filter --synthetic 2 --fs 200 -o lowrate.wav
expect_rc 1 "20-450 Hz at 200 Hz without --clamp"
expect_err "sampling rate of 200 Hz" "the error names the rate"
expect_err "Nyquist (100 Hz)" "the error names the Nyquist frequency"
expect_no_file lowrate.wav "impossible band"
run filter --synthetic 2 --fs 200 --clamp -o lowrate.wav
expect_rc 0 "20-450 Hz at 200 Hz with --clamp"
expect_err "band used: 20-90 Hz" "--clamp prints the band used"
expect_err "band 20-90 Hz" "the summary gives the clamped band"
run envelope lowrate.wav --rate 20 -o lowrate.tsv
expect_rc 0 "envelope of the clamped output"
if [ "$(tail -n +2 lowrate.tsv | wc -l)" -eq 40 ]; then ok; else bad "clamped output has 2 s of frames"; fi
run filter --synthetic 2 --fs 100 --notch 50 -o n.wav
expect_rc 1 "notch at Nyquist"
expect_err "Nyquist" "notch error names Nyquist"

# ---- failures leave no output ------------------------------------------------
# A float WAV with a NaN at frame 15000 (after three 4096-frame blocks have
# been written): the run fails part-way, names the file and the frame, and
# leaves neither a half output nor a temporary file; an existing output file
# is left as it was.
run filter --quiet --synthetic 10 --fs 2000 --channels 1 -o one.wav
size=$(stat -c %s one.wav)
header=$((size - 20000 * 4))
cp one.wav nan.wav
printf '\000\000\300\177' | dd of=nan.wav bs=1 seek=$((header + 15000 * 4)) conv=notrunc status=none
echo "keep me" >existing.wav
run filter nan.wav -o existing.wav
expect_rc 1 "NaN in the input"
expect_err "nan.wav: holds a NaN sample at frame 15000, channel 1" "NaN is located"
if [ "$(cat existing.wav)" = "keep me" ]; then ok; else bad "failed run replaced the existing output"; fi
if compgen -G ".existing.wav.*" >/dev/null; then bad "temporary left after NaN failure"; else ok; fi
run filter --zero-phase nan.wav -o nanzp.wav
expect_rc 1 "NaN in the input, zero-phase"
expect_no_file nanzp.wav "NaN in the input, zero-phase"
run envelope nan.wav -o nan.tsv
expect_rc 1 "envelope of a NaN input"
expect_err "NaN" "envelope reports the NaN"
expect_no_file nan.tsv "envelope of a NaN input"

# A WAV header with no frames (its data chunk size set to 0).
setdatasize() { # setdatasize FILE BYTES: the data chunk size field ends the header
    printf "$(printf '\\%03o\\%03o\\%03o\\%03o' $(($2 & 255)) $(($2 >> 8 & 255)) $(($2 >> 16 & 255)) $(($2 >> 24 & 255)))" |
        dd of="$1" bs=1 seek=$((header - 4)) conv=notrunc status=none
}
head -c "$header" one.wav >noframes.wav
setdatasize noframes.wav 0
run filter noframes.wav -o out.wav
expect_rc 1 "WAV without frames"
expect_err "'noframes.wav' holds no frames" "no frames message"
expect_no_file out.wav "WAV without frames"
run envelope noframes.wav -o out.tsv
expect_rc 1 "envelope of a WAV without frames"
expect_no_file out.tsv "envelope of a WAV without frames"

# A truncated WAV (its data chunk promises 20000 frames, 10 are there).
head -c $((header + 10 * 4)) one.wav >trunc.wav
run filter trunc.wav -o out.wav
expect_rc 1 "truncated WAV"
expect_err "trunc.wav: truncated: the data chunk declares 80000 bytes but 40 follow" "truncation is named"
expect_no_file out.wav "truncated WAV"

# Too short for zero-phase filtering's edge padding.
head -c $((header + 10 * 4)) one.wav >short.wav
setdatasize short.wav 40
run filter --zero-phase short.wav -o out.wav
expect_rc 1 "zero-phase of 10 frames"
expect_err "too short" "short input message"
expect_no_file out.wav "zero-phase of 10 frames"
run filter short.wav -o short-out.wav
expect_rc 0 "causal filtering of 10 frames"

# An output folder that does not exist.
run filter --synthetic 1 -o no-such-dir/out.wav
expect_rc 1 "output in a missing folder"
expect_err "no-such-dir/out.wav" "the output path is named"

# Interrupted run: the temporary file goes with it.
"$CRAMP" filter --quiet --synthetic 100000 -o killed.wav 2>/dev/null &
pid=$!
for _ in $(seq 50); do compgen -G ".killed.wav.*" >/dev/null && break; sleep 0.1; done
kill -TERM "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
expect_no_file killed.wav "run stopped by SIGTERM"

# ---- real recordings (skipped without ../shared/data) -----------------------
WAV=${DATA:+$DATA/wav}
if [ -n "$WAV" ] && [ -f "$WAV/kmiddleton_pulse_1.wav" ] && [ -f "$WAV/kmiddleton_amp_on_baseline.wav" ]; then
    # Biceps contractions against the same set-up at rest (16-bit, 44.1 kHz):
    # the 50 ms RMS of the band-passed contractions must stand far above rest.
    run filter --notch 50 "$WAV/kmiddleton_pulse_1.wav" -o pulse.wav
    expect_rc 0 "filter a real recording"
    expect_err "94208 frames x 1 channel at 44100 Hz" "real recording summary"
    run filter --notch 50 "$WAV/kmiddleton_amp_on_baseline.wav" -o rest.wav
    expect_rc 0 "filter a real baseline"
    run envelope --window 0.05 --rate 100 pulse.wav -o pulse.tsv
    expect_rc 0 "envelope of a real recording"
    run envelope --window 0.05 --rate 100 rest.wav -o rest.tsv
    expect_rc 0 "envelope of a real baseline"
    colmax() { awk -F'\t' 'NR > 1 && $2 > m { m = $2 } END { print m + 0 }' "$1"; }
    pmax=$(colmax pulse.tsv)
    rmax=$(colmax rest.tsv)
    if awk -v p="$pmax" -v r="$rmax" 'BEGIN { exit !(r > 0 && p > 20 * r) }'; then ok; else bad "contraction RMS $pmax vs rest $rmax"; fi
    if [ -f "$WAV/wfdb_SC4001E0-PSG.wav" ]; then
        # A WAV whose rate field says 1 Hz: no EMG band fits, with or without --clamp.
        run filter "$WAV/wfdb_SC4001E0-PSG.wav" -o psg.wav
        expect_rc 1 "a 1 Hz WAV"
        expect_err "sampling rate of 1 Hz" "the 1 Hz rate is named"
        run filter --clamp "$WAV/wfdb_SC4001E0-PSG.wav" -o psg.wav
        expect_rc 1 "a 1 Hz WAV with --clamp"
        expect_no_file psg.wav "a 1 Hz WAV"
    fi
else
    echo "cli: no shared data at '${DATA:-<not given>}': real-recording checks skipped"
fi

echo "cli: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
