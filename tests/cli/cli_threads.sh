#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Threads inside one recording (issue 16 item 3): cramp detect --threads N
# writes the same TSV, JSON and annotated EDF for N = 1, 2, 3, 8 and the
# default (also a 2-channel night, whose one part is pipelined on two
# workers, with and without --profile); cramp batch --threads-per-night 2 the same nights.tsv as the
# default (1); a bad N is a usage error (exit 2) naming the option.
# Usage: tests/cli_threads.sh PATH/TO/cramp
set -u
TESTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CRAMP=${1:?usage: cli_threads.sh PATH/TO/cramp}
# shellcheck source=cli_lib.sh
. "$TESTS_DIR/cli_lib.sh"
cli_workdir threads

printf 'duration_min 4\nfs 1000\nchannels 8\nseed 5\ncramp_per_hour 30\nburst_per_hour 200\nplm_series_per_hour 12\nmovement_per_hour 30\nmotion_per_hour 40\n' >night.scenario
"$CRAMP" synth night.scenario --quiet -o night.edf || { echo "cli_threads: synth failed"; exit 1; }

for t in 1 2 3 8 default; do
    opt=(--threads "$t")
    [ "$t" = default ] && opt=()
    run detect night.edf "${opt[@]}" --quiet -o "t$t.tsv" --edf-annotations "t$t.edf"
    expect_rc 0 "detect --threads $t"
    run detect night.edf "${opt[@]}" --quiet --json -o "t$t.json"
    expect_rc 0 "detect --threads $t --json"
done
[ "$(grep -vc '^#' t1.tsv)" -gt 1 ] && ok || bad "one thread found no episodes: nothing compared"
for t in 2 3 8 default; do
    for ext in tsv json edf; do
        cmp -s "t1.$ext" "t$t.$ext" && ok || bad "--threads $t: $ext differs from --threads 1"
    done
done

# two channels at 2 kHz: one part (on SIMD paths), so from 2 threads on the
# filter stage and the rest of the detector run on two workers (a pipeline);
# with --profile too (stage timers on both workers)
printf 'duration_min 3\nfs 2000\nchannels 2\nseed 9\ncramp_per_hour 40\nburst_per_hour 200\nplm_series_per_hour 12\nmotion_per_hour 40\nclip_per_hour 10\nlost_per_hour 5\n' >two.scenario
"$CRAMP" synth two.scenario --quiet -o two.edf || { echo "cli_threads: synth failed"; exit 1; }
for t in 1 2 3; do
    run detect two.edf --threads "$t" --quiet -o "p$t.tsv" --edf-annotations "p$t.edf"
    expect_rc 0 "detect two.edf --threads $t"
done
run detect two.edf --threads 2 --profile -o pp.tsv
expect_rc 0 "detect two.edf --threads 2 --profile"
grep -q '^  filter ' err && grep -q '^  segment ' err && ok || bad "--threads 2 --profile: no filter or segment row"
grep -Eq '^  threads \(2000 Hz\): 1 part, 1 worker; calling thread CPU 0\.[0-9]*[1-9][0-9]* s, .*workers CPU 0\.[0-9]*[1-9]' err && ok || bad "--threads 2 --profile: no threads row with both CPU times"
[ "$(grep -vc '^#' p1.tsv)" -gt 1 ] && ok || bad "two.edf: one thread found no episodes: nothing compared"
for f in p2.tsv p3.tsv pp.tsv; do
    cmp -s p1.tsv "$f" && ok || bad "two.edf: $f differs from --threads 1"
done
for f in p2.edf p3.edf; do
    cmp -s p1.edf "$f" && ok || bad "two.edf: $f differs from --threads 1"
done

for v in 0 -1 x 1025 ''; do
    run detect night.edf --threads "$v" -o x.tsv
    expect_rc 2 "detect --threads '$v'"
    expect_err "--threads wants a number of threads" "detect --threads '$v'"
done

mkdir -p study/sub-01 && cp night.edf study/sub-01/night.edf
run batch study -o b1 -j 1 --quiet
expect_rc 0 "batch"
run batch study -o b2 -j 1 --threads-per-night 2 --quiet
expect_rc 0 "batch --threads-per-night 2"
cmp -s b1/nights.tsv b2/nights.tsv && ok || bad "batch --threads-per-night 2: nights.tsv differs"
run batch study -o b3 --threads-per-night 0
expect_rc 2 "batch --threads-per-night 0"
expect_err "--threads-per-night wants a number of threads" "batch --threads-per-night 0"

echo "cli_threads: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
