#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Progress on a terminal (issue 15, item 9): filter, envelope, fatigue and
# detect show progress on stderr when it is a terminal and the run lasts
# more than about two seconds; a shorter run, --quiet, or stderr that is not
# a terminal show none. The terminal is script(1)'s pseudo-terminal (skipped,
# 77, without it). Run times depend on the machine's load: a run that took
# >= 2.5 s must have shown progress, one under 1.5 s must not; runs in
# between are not judged (reported).
# Usage: tests/cli/cli_progress.sh PATH/TO/cramp
set -u
TESTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CRAMP=${1:?usage: cli_progress.sh PATH/TO/cramp}
command -v script >/dev/zero 2>&1 || { echo "cli_progress: no script(1): skipped"; exit 77; }
# shellcheck source=cli_lib.sh
. "$TESTS_DIR/cli_lib.sh"
cli_workdir progress
judged=0

# on_tty NAME ARGS...: runs cramp ARGS on a pseudo-terminal; sets $secs and
# $shown (progress lines written).
on_tty() {
    local name=$1 t0 t1
    shift
    t0=$(date +%s%N)
    script -qec "$(printf '%q ' "$CRAMP" "$@")" "$name.log" >"$name.script" 2>&1
    t1=$(date +%s%N)
    secs=$(((t1 - t0) / 1000000))
    shown=$(tr '\r' '\n' <"$name.log" | grep -c 'cramp [a-z]*: *[0-9.]*%')
}

judge() { # NAME
    if [ "$secs" -ge 2500 ]; then
        judged=$((judged + 1))
        [ "$shown" -gt 0 ] && ok || bad "$1: $secs ms on a terminal, no progress"
    elif [ "$secs" -lt 1500 ]; then
        judged=$((judged + 1))
        [ "$shown" -eq 0 ] && ok || bad "$1: $secs ms, yet $shown progress lines"
    else
        echo "cli_progress: $1 took $secs ms: not judged"
    fi
}

"$CRAMP" filter --quiet --synthetic 3000 --fs 2000 --channels 4 -o long.wav || exit 1
"$CRAMP" filter --quiet --synthetic 60 --fs 2000 --channels 4 -o short.wav || exit 1

on_tty filter filter --zero-phase long.wav -o f.wav
judge "filter"
on_tty envelope envelope long.wav -o e.tsv
judge "envelope"
on_tty fatigue fatigue --step 0.25 long.wav -o fa.tsv
judge "fatigue"
on_tty detect detect --full-scale-uv 1000 long.wav -o d.tsv
judge "detect"

# --quiet: never
on_tty quiet filter --quiet --zero-phase long.wav -o f2.wav
[ "$shown" -eq 0 ] && ok || bad "filter --quiet showed progress"
on_tty dquiet detect --quiet --full-scale-uv 1000 long.wav -o d2.tsv
[ "$shown" -eq 0 ] && ok || bad "detect --quiet showed progress"
# a short run: none, whatever the load (it is over before two seconds)
on_tty short envelope short.wav -o es.tsv
[ "$secs" -lt 2000 ] && { [ "$shown" -eq 0 ] && ok || bad "a $secs ms run showed progress"; }
# not a terminal: none
"$CRAMP" detect --full-scale-uv 1000 long.wav -o d3.tsv 2>pipe.err
grep -q '%' pipe.err && bad "progress on a pipe" || ok

echo "cli_progress: $passed passed, $failed failed ($judged timed runs judged)"
[ "$failed" -eq 0 ]
