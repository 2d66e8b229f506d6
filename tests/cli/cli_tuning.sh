#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The saved speed tuning from the command line (issue 16 item 4): cramp tune
# saves a file keyed by the CPU under $XDG_CONFIG_HOME/cramp/ (FFTW wisdom
# beside it when a timed planner won); cramp --version names the tuning in
# force, or "none"; cramp detect's TSV and JSON are byte-identical without a
# tuning file, with the one cramp tune saved, with a deliberately odd one
# (1-frame blocks, scalar path) and with --no-tuning; a file for another CPU
# is ignored with a note; a corrupt file is refused with a warning naming the
# file and line, and the run goes on untuned (exit 0, same bytes). Threads:
# cramp tune saves a `threads` line; cramp detect runs the tuning's count
# (its summary says so, with the parts and worker threads the driver reported
# in its result) unless --threads is given, the cores without a tuning, and
# the episodes are the same bytes; a bad threads value is refused (file:line).
# Usage: tests/cli_tuning.sh PATH/TO/cramp
set -u
TESTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CRAMP=${1:?usage: cli_tuning.sh PATH/TO/cramp}
# shellcheck source=cli_lib.sh
. "$TESTS_DIR/cli_lib.sh"
cli_workdir tuning
export XDG_CONFIG_HOME="$WORK/config"
file="$XDG_CONFIG_HOME/cramp/tuning"

run --version
expect_rc 0 "--version"
grep -qx "tuning: none (no $file)" out && ok || bad "--version without a file: $(cat out)"

# A night with every kind of episode in 3 minutes, at 1 kHz.
{ echo "duration_min 3"; echo "fs 1000"; echo "channels 4"; echo "seed 11"
  printf '%s\n' "cramp_per_hour 40" "plm_series_per_hour 30" "burst_per_hour 300" \
      "movement_per_hour 60" "pop_per_hour 30"; } >busy.scenario
run synth busy.scenario -o night.edf --quiet
expect_rc 0 "synth"
detect() { # NAME [OPTIONS]: TSV and JSON of the night into NAME.tsv, NAME.json
    local name=$1
    shift
    run detect night.edf -o "$name.tsv" --quiet "$@"
    expect_rc 0 "detect $name"
    cp err "$name.err"
    run detect night.edf --json -o "$name.json" --quiet "$@"
    expect_rc 0 "detect $name --json"
}
same() { # NAME: byte-identical to the untuned run
    if cmp -s untuned.tsv "$1.tsv" && cmp -s untuned.json "$1.json"; then ok
    else bad "$1: episodes differ from the untuned run: $(diff untuned.tsv "$1.tsv" | head -4)"; fi
}
detect untuned
[ "$(grep -c . untuned.tsv)" -ge 4 ] && ok || bad "the night gave too few episodes: $(cat untuned.tsv)"

# cramp tune: a short night, one round; the file appears under the XDG folder.
run tune --minutes 1 --rounds 1 --quiet
expect_rc 0 "tune"
[ -s "$file" ] && ok || bad "cramp tune saved no $file"
grep -q "^cpu_flags [0-9a-f]\{16\}$" "$file" && grep -q '^block_frames [1-9]' "$file" && ok ||
    bad "tuning file: $(cat "$file")"
if grep -q '^fft_effort estimate$' "$file"; then
    grep -qx 'fft_wisdom none' "$file" && ok || bad "estimate with a wisdom file: $(cat "$file")"
else
    [ -s "$XDG_CONFIG_HOME/cramp/fftw-wisdom" ] && ok || bad "no FFTW wisdom beside $file"
fi
run --version
grep -q "^tuning: $file (key " out && ok || bad "--version with a tuning: $(cat out)"
tuned_threads=$(sed -n 's/^threads \([0-9]*\)$/\1/p' "$file")
[ -n "$tuned_threads" ] && [ "$tuned_threads" -ge 1 ] && ok ||
    bad "cramp tune saved no threads line: $(cat "$file")"
grep -q ", threads $tuned_threads\(, parts of [0-9]*\)\?)\$" out && ok ||
    bad "--version lacks the threads: $(cat out)"
detect tuned
same tuned
[ -s tuned.err ] && bad "a tuned run wrote to stderr: $(cat tuned.err)" || ok

# The tuning's thread count is the one cramp detect runs, unless --threads.
# summary THREADS_FROM WORKERS_TEST [OPTIONS]: detect (not quiet), then its
# summary's threads line must name THREADS_FROM and its worker threads pass
# the test (e.g. "-eq 0").
summary() {
    local want=$1 op=$2 n=$3
    shift 3
    run detect night.edf -o summary.tsv "$@"
    expect_rc 0 "detect $*"
    local line workers
    line=$(grep '^  threads: ' err)
    case $line in
    "  threads: $want; "*) ok ;;
    *) bad "detect $*: want 'threads: $want', got '$line'" ;;
    esac
    workers=$(sed -n 's/.* on \([0-9]*\) worker thread.*/\1/p' <<<"$line")
    [ -n "$workers" ] && [ "$workers" "$op" "$n" ] && ok ||
        bad "detect $*: worker threads '$workers', want $op $n: $line"
    cmp -s untuned.tsv summary.tsv && ok || bad "detect $*: the episodes changed"
}
cp "$file" tuned.keep
sed -e '/^threads /d' -e '/^part_channels /d' tuned.keep >"$file"
echo "threads 3" >>"$file"
run --version
grep -q ", threads 3)\$" out && ok || bad "--version with threads 3: $(cat out)"
summary "3 (tuning)" -ge 1
summary "1 (--threads)" -eq 0 --threads 1
summary "one per online core (cores)" -ge 0 --no-tuning
detect threads3
same threads3
sed -e '/^threads /d' -e '/^part_channels /d' tuned.keep >"$file"
printf 'threads 1\npart_channels 1\n' >>"$file"
run --version
grep -q ", threads 1, parts of 1)\$" out && ok || bad "--version with parts of 1: $(cat out)"
summary "1 (tuning)" -eq 0
summary "2 (--threads)" -ge 1 --threads 2
# part_channels 1: two parts for the two threads (one part per thread at most;
# the default width, one vector of 4 or 8, makes one part of the 4 channels)
grep -q '^  threads: 2 (--threads); 1000 Hz: 2 parts on ' err && ok ||
    bad "part_channels 1 not applied: $(grep '^  threads' err)"
detect threads1
same threads1
# absent: today's behaviour, the cores
sed -e '/^threads /d' -e '/^part_channels /d' tuned.keep >"$file"
summary "one per online core (cores)" -ge 0
echo "part_channels 33" >>"$file"
line=$(grep -n '^part_channels ' "$file" | cut -d: -f1)
run --version
grep -q "^tuning: none (refused: $file:$line: part_channels '33' is not a whole number" out &&
    ok || bad "--version with a bad part_channels line: $(cat out)"
sed -e '/^threads /d' -e '/^part_channels /d' tuned.keep >"$file"
# A bad thread count: refused with the file and line, the run goes on untuned.
echo "threads many" >>"$file"
line=$(grep -n '^threads ' "$file" | cut -d: -f1)
run --version
grep -q "^tuning: none (refused: $file:$line: threads 'many' is not a whole number" out && ok ||
    bad "--version with a bad threads line: $(cat out)"
summary "one per online core (cores)" -ge 0
expect_err "tuning file refused, running untuned: $file:$line: threads 'many'" "bad threads"
cp tuned.keep "$file"

# Deliberately odd: 1-frame blocks on the scalar path.
sed -e 's/^block_frames .*/block_frames 1/' -e 's/^simd .*/simd scalar/' "$file" >odd
cp odd "$file"
run --version
grep -q "block 1, simd scalar" out && ok || bad "--version with the odd tuning: $(cat out)"
detect odd
same odd
detect no-tuning --no-tuning
same no-tuning

# Another CPU's file: ignored, with a note naming it.
sed -e 's/^cpu_model .*/cpu_model Imaginary CPU 9000/' odd >"$file"
run --version
grep -q "^tuning: none ($file is for another CPU: Imaginary CPU 9000" out && ok ||
    bad "--version with another CPU's file: $(cat out)"
run detect night.edf -o other.tsv
expect_rc 0 "detect, another CPU's file"
expect_err "is for another CPU" "detect, another CPU's file"
cmp -s untuned.tsv other.tsv && ok || bad "another CPU's file changed the episodes"

# Corrupt: refused with the file and line, the run goes on untuned.
sed -e 's/^simd .*/simd turbo/' odd >"$file"
line=$(grep -n '^simd ' "$file" | cut -d: -f1)
run --version
expect_rc 0 "--version, corrupt file"
grep -q "^tuning: none (refused: $file:$line: simd 'turbo'" out && ok ||
    bad "--version with a corrupt file: $(cat out)"
detect corrupt
same corrupt
grep -q "tuning file refused, running untuned: $file:$line: simd 'turbo'" corrupt.err && ok ||
    bad "corrupt file: stderr lacks the refusal with $file:$line: $(cat corrupt.err)"
run detect night.edf -o quiet.tsv --quiet --no-tuning
[ -s err ] && bad "--no-tuning still read the corrupt file: $(cat err)" || ok
printf 'format 1\nthread 2\n' >"$file"
run --version
grep -q "$file:2: unknown key 'thread'" out && ok || bad "unknown key: $(cat out)"

# cramp tune times the path cramp detect takes on a file: the night goes to an
# EDF in $TMPDIR, read through cramp_night_run_recording (its note names the
# file), and the file is gone afterwards: on success, on a signal, and a
# folder it cannot write is an error naming the file it tried.
mkdir -p "$WORK/tmp"
TMPDIR="$WORK/tmp" run tune --minutes 0.5 --rounds 1 --dry-run
expect_rc 0 "tune in \$TMPDIR"
expect_err "timing cramp_night_run_recording on $WORK/tmp/cramp-tune-night." "tune's source"
[ -z "$(ls -A "$WORK/tmp")" ] && ok || bad "tune left in \$TMPDIR: $(ls -A "$WORK/tmp")"
TMPDIR="$WORK/no-such-folder" run tune --minutes 0.5 --rounds 1 --dry-run
expect_rc 1 "tune, \$TMPDIR missing"
expect_err "$WORK/no-such-folder/cramp-tune-night.XXXXXX: cannot make the tuning night's file" \
    "tune, \$TMPDIR missing"
TMPDIR="$WORK/tmp" "$CRAMP" tune --minutes 2 --rounds 3 --dry-run >/dev/null 2>&1 &
tune_pid=$!
for _ in $(seq 100); do
    compgen -G "$WORK/tmp/cramp-tune-night.*" >/dev/null && break
    sleep 0.1
done
compgen -G "$WORK/tmp/cramp-tune-night.*" >/dev/null && ok || bad "no tuning night in \$TMPDIR"
kill -TERM "$tune_pid"
wait "$tune_pid"
rc=$?
[ "$rc" -eq 143 ] && ok || bad "tune on SIGTERM: exit $rc, want 143"
sleep 0.5
[ -z "$(ls -A "$WORK/tmp")" ] && ok || bad "tune killed left in \$TMPDIR: $(ls -A "$WORK/tmp")"

echo "cli_tuning: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
