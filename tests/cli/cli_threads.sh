#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Threads inside one recording (issue 16 item 3): cramp detect --threads N
# writes the same TSV, JSON and annotated EDF for N = 1, 2, 3, 8 and the
# default; cramp batch --threads-per-night 2 the same nights.tsv as the
# default (1); a bad N is a usage error (exit 2) naming the option.
# Usage: tests/cli_threads.sh PATH/TO/cramp
set -u
TESTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CRAMP=${1:?usage: cli_threads.sh PATH/TO/cramp}
CRAMP=$(cd "$(dirname "$CRAMP")" && pwd)/$(basename "$CRAMP")
WORK=$(mktemp -d "${TMPDIR:-/tmp}/cramp-threads.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cd "$WORK" || exit 1
# shellcheck source=cli_lib.sh
. "$TESTS_DIR/cli_lib.sh"

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
