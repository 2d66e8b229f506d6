#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Tests of 'cramp fatigue' as a user runs it: help, usage errors (exit 2) and
# runtime errors (exit 1, naming the file), the TSV and JSON outputs of a
# synthetic recording made by 'cramp filter --synthetic', epochs and steps,
# the FInsm5 band clamped and reported, slopes over --interval and BIDS
# events, atomic outputs and the FFTW wisdom file.
# Usage: tests/cli/cli_fatigue.sh PATH/TO/cramp
set -u
TESTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

CRAMP=${1:?usage: cli_fatigue.sh PATH/TO/cramp}
# shellcheck source=cli_lib.sh
. "$TESTS_DIR/cli_lib.sh"
cli_workdir cli-fatigue
# A throw-away output: a private null device (never the machine's /dev/null,
# which a rename would replace), or a plain file where mknod is not allowed.
if mknod "$WORK/null" c 1 3 2>/dev/null; then SINK=$WORK/null; else SINK=$WORK/sink.tsv; fi
# Keep any wisdom file this test makes out of the user's cache.
export XDG_CACHE_HOME="$WORK/cache"
unset CRAMP_FFTW_WISDOM

# rows FILE: data rows of a TSV (all lines but the header).
rows() { tail -n +2 "$1" | wc -l; }

# ---- help -------------------------------------------------------------------
run --help
if grep -q '^  fatigue ' out; then ok; else bad "cramp --help lists fatigue"; fi
run fatigue --help
expect_rc 0 "cramp fatigue --help"
if head -1 out | grep -q '^Usage: cramp fatigue '; then ok; else bad "help starts with its usage"; fi
for word in "default 8-500" "clamped to Nyquist" "centre of the epoch" "Hz^-6" "UNIT^2" \
    "default 1)" "default 0.5)" "scipy.signal.welch"; do
    if grep -qF -- "$word" out; then ok; else bad "help mentions '$word'"; fi
done
[ -s err ] && bad "--help wrote to stderr" || ok
cp out help1
run help fatigue
if cmp -s out help1; then ok; else bad "cramp help fatigue differs from --help"; fi

# ---- usage errors: exit 2, nothing written -----------------------------------
usage() { # usage DESCRIPTION ARGS...
    local what=$1
    shift
    run fatigue "$@"
    expect_rc 2 "$what"
    expect_err "Try 'cramp fatigue --help'." "$what: hint"
}
usage "no input"
usage "two inputs" a.wav b.wav
usage "unknown option" --no-such x.wav
usage "unknown window" --window kaiser x.wav
usage "tukey alpha out of range" --window tukey:2 x.wav
usage "hann with a parameter" --window hann:0.3 x.wav
usage "unknown detrend" --detrend quadratic x.wav
usage "unknown scaling" --scaling power x.wav
usage "negative epoch" --epoch -1 x.wav
usage "zero segment" --segment 0 x.wav
usage "nfft not a number" --nfft 12a x.wav
usage "band LO > HI" --band 80-20 x.wav
usage "finsm5 band from 0" --finsm5-band 0-500 x.wav
usage "interval END < START" --interval 5-2 --slopes s.tsv x.wav
usage "interval without --slopes" --interval 1-3 x.wav -o o.tsv
usage "--slopes with --json" --json --interval 1-3 --slopes s.tsv x.wav
usage "--slopes without intervals" --slopes s.tsv x.wav
usage "--level 1.5" --level 1.5 x.wav
usage "unknown --fft-effort" --fft-effort hard x.wav
usage "both tables on stdout" --interval 1-3 --slopes - x.wav
expect_no_file o.tsv "usage errors"
expect_no_file s.tsv "usage errors"

# ---- runtime errors: exit 1, the file named -----------------------------------
run fatigue no-such.wav -o o.tsv
expect_rc 1 "missing input"
expect_err "no-such.wav" "missing input named"
expect_no_file o.tsv "missing input"
echo "not a recording" >junk.wav
run fatigue junk.wav -o o.tsv
expect_rc 1 "input that is not a recording"
expect_err "junk.wav" "bad input named"
expect_no_file o.tsv "bad input"

run filter --quiet --synthetic 0.5 --fs 1000 -o short.wav
run fatigue short.wav -o o.tsv
expect_rc 1 "shorter than one epoch"
expect_err "short.wav" "short input named"
expect_err "shorter than one epoch" "short input explained"
expect_no_file o.tsv "short input"

# ---- a synthetic recording ----------------------------------------------------
run filter --quiet --synthetic 12 --fs 2000 --channels 2 --notch 50 -o syn.wav
expect_rc 0 "make the synthetic recording"

run fatigue --finsm5-band 1200-1500 syn.wav -o o.tsv
expect_rc 1 "FInsm5 band above Nyquist"
expect_err "syn.wav" "impossible band names the file"
expect_err "Nyquist" "impossible band explained"
expect_no_file o.tsv "impossible band"
run fatigue --libemg-axis --nfft 1001 syn.wav -o o.tsv
expect_rc 1 "LibEMG axis with an odd nfft"

run fatigue syn.wav -o f.tsv
expect_rc 0 "fatigue of the synthetic recording"
expect_err "FInsm5 band 8-500 Hz" "summary reports the FInsm5 band"
expect_err "12 epochs of 1 s every 1 s" "summary counts epochs"
header=$(printf 'time_s\tchannel\ttotal_power\tmnf\tmdf\tpeak_f\tfinsm5\tentropy\tsm1\tsm2\tsm3\tsm4')
if [ "$(head -1 f.tsv)" = "$header" ]; then ok; else bad "TSV header: $(head -1 f.tsv)"; fi
if [ "$(rows f.tsv)" -eq 24 ]; then ok; else bad "12 epochs x 2 channels: $(rows f.tsv) rows"; fi
# Rows: epoch centres 0.5, 1.5, ... for ch1 then ch2; frequencies inside
# (0, 1000 Hz]; MNF from the moments (sm1 / total_power); positive FInsm5;
# entropy in (0, 1]; the band-passed signal's MDF inside 20-450 Hz.
if awk -F'\t' 'NR > 1 {
        k = NR - 2; e = int(k / 2)
        if (NF != 12) exit 1
        if ($1 - (e + 0.5) > 1e-9 || (e + 0.5) - $1 > 1e-9) exit 2
        if ($2 != ((k % 2) ? "ch2" : "ch1")) exit 3
        if (!($3 > 0 && $4 > 0 && $4 < 1000 && $5 > 0 && $5 < 1000 && $6 >= 0 && $6 <= 1000)) exit 4
        r = $9 / $3 / $4; if (r < 0.999999 || r > 1.000001) exit 5
        if (!($7 > 0) || !($8 > 0 && $8 <= 1)) exit 6
        if (e >= 2 && !($5 > 20 && $5 < 450)) exit 7 }' f.tsv; then ok
else bad "TSV rows wrong (awk exit $?)"; fi
if compgen -G ".f.tsv.*" >/dev/null; then bad "temporary left after success"; else ok; fi

run fatigue --quiet syn.wav -o -
expect_rc 0 "table to stdout"
if cmp -s out f.tsv; then ok; else bad "-o - writes the same table"; fi
[ -s err ] && bad "--quiet printed on stderr" || ok
expect_no_file ./- "-o - writes no file named '-'"

# Overlapping epochs: 2 s every 0.5 s over 12 s = 21 epochs; bands add
# columns, named by the band used (clamped to Nyquist).
run fatigue --epoch 2 --step 0.5 --band 20-80 --band 150-2000 syn.wav -o g.tsv
expect_rc 0 "overlapping epochs with bands"
if [ "$(rows g.tsv)" -eq 42 ]; then ok; else bad "21 epochs x 2 channels: $(rows g.tsv) rows"; fi
if head -1 g.tsv | grep -qP '\tpower_20_80\tpower_150_1000$'; then ok; else bad "band columns: $(head -1 g.tsv)"; fi
expect_err "FInsm5 band 8-500 Hz" "band reported with --band"
# A band reaching past Nyquist is clamped: its power is at most the total.
if awk -F'\t' 'NR > 1 && !($14 <= $3 * 1.000001 && $13 <= $3 * 1.000001) { exit 1 }' g.tsv; then ok; else bad "band powers exceed the total"; fi

# A low rate: the default FInsm5 band is clamped to Nyquist and said so.
run filter --quiet --synthetic 4 --fs 800 --clamp -o low.wav
run fatigue low.wav -o l.tsv
expect_rc 0 "fatigue at 800 Hz"
expect_err "FInsm5 band 8-400 Hz" "clamped FInsm5 band reported"

# Settings change the numbers: a linear detrend and a Hamming window give
# another table, as does the LibEMG axis.
run fatigue --quiet --window hamming --detrend linear syn.wav -o h.tsv
expect_rc 0 "hamming, linear detrend"
if cmp -s h.tsv f.tsv; then bad "window/detrend options change nothing"; else ok; fi
run fatigue --quiet --libemg-axis --window rect --detrend none --mdf-bin --segment 0.128 \
    --epoch 0.128 --nfft 256 syn.wav -o lib.tsv
expect_rc 0 "LibEMG convention"
if [ "$(rows lib.tsv)" -eq 186 ]; then ok; else bad "LibEMG run: $(rows lib.tsv) rows, expected 93 x 2"; fi

# ---- JSON ----------------------------------------------------------------------
run fatigue --json --epoch 2 --interval 2-10 syn.wav -o f.json
expect_rc 0 "--json"
if command -v /usr/bin/python3 >/dev/null && /usr/bin/python3 -c 'import json' 2>/dev/null; then
    if /usr/bin/python3 - f.json <<'EOF'
import json, math, sys
d = json.load(open(sys.argv[1]))
s = d["settings"]
assert s["finsm5_band_hz"] == [8, 500], s
assert s["epoch_s"] == 2 and s["segment_s"] == 0.5 and s["window"] == "hann", s
assert len(d["channels"]) == 2 and d["fs_hz"] == 2000 and "fs" not in d
assert len(d["epochs"]) == 12, len(d["epochs"])
e = d["epochs"][0]
assert e["start_s"] == 0 and e["end_s"] == 2 and e["time_s"] == 1 and e["channel"] == "ch1"
assert all(k in e for k in ("mnf", "mdf", "finsm5", "total_power", "entropy", "peak_f")), e
sl = d["slopes"]
assert len(sl) == 2 * 6, len(sl)
for x in sl:
    assert x["n"] == 4 and x["interval"] == "2-10", x
    assert x["ci_low"] <= x["slope"] <= x["ci_high"], x
EOF
    then ok; else bad "JSON document content"; fi
else
    echo "note: no /usr/bin/python3 with json; JSON content not checked"
fi

# ---- slopes -------------------------------------------------------------------
run fatigue --interval 2-8 --slopes s.tsv syn.wav -o f2.tsv
expect_rc 0 "--interval"
if cmp -s f2.tsv f.tsv; then ok; else bad "intervals change the epoch table"; fi
slope_header=$(printf 'interval\tstart_s\tend_s\tchannel\tindex\tn\tslope\tci_low\tci_high\tintercept\tr2\tunit')
if [ "$(head -1 s.tsv)" = "$slope_header" ]; then ok; else bad "slope header: $(head -1 s.tsv)"; fi
if [ "$(rows s.tsv)" -eq 12 ]; then ok; else bad "1 interval x 2 channels x 6 indices: $(rows s.tsv) rows"; fi
# Epochs wholly inside 2-8 s: 2-3, ..., 7-8: 6 of them.
if awk -F'\t' 'NR > 1 && !($6 == 6 && $8 <= $7 && $7 <= $9 && $11 >= 0 && $11 <= 1) { exit 1 }' s.tsv; then ok
else bad "slope rows: n, interval or r2 wrong"; fi
if awk -F'\t' 'NR > 1 && $5 == "mnf" && $12 != "Hz/s" { exit 1 }' s.tsv; then ok; else bad "MNF slope unit"; fi
# The MNF slope by hand (least squares over the 6 epochs of ch1 in f.tsv).
want=$(awk -F'\t' 'NR > 1 && $2 == "ch1" && $1 > 2 && $1 < 8 {
        n++; sx += $1; sy += $4; sxx += $1 * $1; sxy += $1 * $4 }
        END { printf "%.6g", (n * sxy - sx * sy) / (n * sxx - sx * sx) }' f.tsv)
got=$(awk -F'\t' '$4 == "ch1" && $5 == "mnf" { printf "%.6g", $7 }' s.tsv)
if [ -n "$want" ] && [ "$want" = "$got" ]; then ok; else bad "MNF slope $got, by hand $want"; fi

# BIDS events: the same interval by onset/duration, named by trial_type; a
# row with duration n/a is skipped with a note.
printf 'onset\tduration\ttrial_type\n2\t6\tcramp\n4\tn/a\tcough\n' >events.tsv
run fatigue --events events.tsv --slopes e.tsv syn.wav -o "$SINK"
expect_rc 0 "--events"
expect_err "duration n/a skipped" "n/a events noted"
if [ "$(cut -f2- e.tsv)" = "$(cut -f2- s.tsv)" ]; then ok; else bad "events give the --interval slopes"; fi
if [ "$(tail -n +2 e.tsv | cut -f1 | sort -u)" = "cramp" ]; then ok; else bad "events named by trial_type"; fi
printf 'start\tlength\n1\t2\n' >notbids.tsv
run fatigue --events notbids.tsv --slopes e2.tsv syn.wav -o o.tsv
expect_rc 1 "events without onset/duration"
expect_err "notbids.tsv" "bad events file named"
expect_no_file o.tsv "bad events file"
expect_no_file e2.tsv "bad events file"
printf 'onset\tduration\nsoon\t2\n' >badrow.tsv
run fatigue --events badrow.tsv --slopes e2.tsv syn.wav -o o.tsv
expect_rc 1 "events with a bad onset"
expect_err "'badrow.tsv' line 2" "bad events row named"
run fatigue --events no-events.tsv --slopes e2.tsv syn.wav -o o.tsv
expect_rc 1 "missing events file"
expect_err "no-events.tsv" "missing events file named"

# An interval with too few epochs: a note and n/a slopes.
run fatigue --interval 0-1.5 --slopes short.tsv syn.wav -o "$SINK"
expect_rc 0 "short interval"
expect_err "holds 1 whole epoch" "short interval noted"
if awk -F'\t' 'NR > 1 && !($6 == 1 && $7 == "n/a") { exit 1 }' short.tsv; then ok; else bad "short interval slopes are n/a"; fi

# ---- FFTW wisdom -------------------------------------------------------------
run fatigue --fft-effort measure syn.wav -o m.tsv
expect_rc 0 "--fft-effort measure"
if [ -s "$XDG_CACHE_HOME/cramp/fftw3f.wisdom" ]; then ok; else bad "wisdom saved in the cache folder"; fi
if [ "$(rows m.tsv)" -eq 24 ]; then ok; else bad "measured plan: same table size"; fi
run fatigue --fft-effort patient --wisdom "$WORK/w.wisdom" syn.wav -o m2.tsv
expect_rc 0 "--wisdom FILE"
if [ -s "$WORK/w.wisdom" ]; then ok; else bad "--wisdom FILE written"; fi
# An estimated plan reads the file but never writes it, nor makes folders.
cp "$WORK/w.wisdom" w-before
run fatigue --wisdom "$WORK/w.wisdom" syn.wav -o m3.tsv
expect_rc 0 "--wisdom with estimated plans"
if cmp -s w-before "$WORK/w.wisdom"; then ok; else bad "estimate rewrote the wisdom file"; fi
rm -rf "$WORK/cache2"
env XDG_CACHE_HOME="$WORK/cache2" "$CRAMP" fatigue syn.wav -o m4.tsv >out 2>err
rc=$?
expect_rc 0 "estimated run with a fresh cache folder"
if [ -e "$WORK/cache2" ]; then bad "an estimated run made the cache folder"; else ok; fi
env XDG_CACHE_HOME="$WORK/cache2" "$CRAMP" fatigue --fft-effort measure syn.wav -o m4.tsv >out 2>err
if [ -s "$WORK/cache2/cramp/fftw3f.wisdom" ]; then ok; else bad "a timed run makes the cache folder"; fi

echo "cli_fatigue: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
