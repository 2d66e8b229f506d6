# SPDX-License-Identifier: GPL-3.0-or-later
# Shared by the command-line test scripts (sourced, not run): the scratch
# folder, counters and the helpers that run cramp and check its exit code,
# messages and outputs. The sourcing script sets CRAMP (the command) and calls
# cli_workdir, which moves it into its own scratch folder, where `run` leaves
# the output in ./out and ./err and the exit code in $rc.
passed=0
failed=0
# cli_workdir NAME: makes $CRAMP absolute, makes the scratch folder $WORK
# (cramp-NAME.XXXXXX under $TMPDIR or /tmp), removed at exit unless KEEP is
# set, and goes into it.
cli_workdir() {
    CRAMP=$(cd "$(dirname "$CRAMP")" && pwd)/$(basename "$CRAMP")
    WORK=$(mktemp -d "${TMPDIR:-/tmp}/cramp-$1.XXXXXX") || exit 1
    trap '[ -n "${KEEP:-}" ] || rm -rf "$WORK"' EXIT
    cd "$WORK" || exit 1
}
ok() { passed=$((passed + 1)); }
bad() {
    failed=$((failed + 1))
    echo "FAIL: $*" >&2
    [ -s err ] && sed 's/^/  stderr: /' err | head -5 >&2
}
run() {
    "$CRAMP" "$@" >out 2>err
    rc=$?
}
expect_rc() { if [ "$rc" -eq "$1" ]; then ok; else bad "$2: exit $rc, expected $1"; fi; }
expect_err() { if grep -qF -- "$1" err; then ok; else bad "$2: stderr lacks '$1'"; fi; }
# expect_no_file PATH DESCRIPTION: no PATH, and no temporary (.NAME.*) beside it
expect_no_file() {
    local dir base
    dir=$(dirname "$1")
    base=$(basename "$1")
    if [ -e "$1" ]; then bad "$2: $1 exists"; else ok; fi
    if compgen -G "$dir/.$base.*" >/dev/null; then bad "$2: temporary file left in $dir"; else ok; fi
}
# A cramp synth scenario without random events or artefact sources, for a
# test to add its own events to: quiet_scenario DURATION_MIN FS CHANNELS SEED
quiet_scenario() {
    printf 'duration_min %s\nfs %s\nchannels %s\nseed %s\nnoise_uv 2\n' "$1" "$2" "$3" "$4"
    printf '%s 0\n' cramp_per_hour plm_series_per_hour burst_per_hour movement_per_hour \
        motion_per_hour pop_per_hour clip_per_hour lost_per_hour
}
# The inputs the documentation's examples name, made in the current folder
# with `cramp` (on PATH): night.edf (3 min, 4 channels L-GAS L-TA R-GAS R-TA
# at 2000 Hz, one cramp) with its truth night.events.tsv, sub-01_events.tsv
# (a copy), psg.edf (a copy), leg.wav (20 s synthetic), emg.csv (one column,
# no rate, no unit) and the WFDB record rec.hea + rec.dat. Returns non-zero
# when one cannot be made.
example_inputs() {
    { quiet_scenario 3 2000 4 5; printf 'event cramp 40 30 1\n'; } >night.scenario
    cramp synth --quiet night.scenario -o night.edf || return 1
    cp night.events.tsv sub-01_events.tsv && cp night.edf psg.edf || return 1
    cramp filter --quiet --synthetic 20 -o leg.wav || return 1
    printf 'EMG\n' >emg.csv
    awk 'BEGIN { for (i = 0; i < 600; i++) printf "%.4f\n", 0.01 * sin(i / 3.0) }' >>emg.csv
    printf 'rec 1 200 400\nrec.dat 16 200 16 0 0 0 0 EMG\n' >rec.hea
    head -c 800 /dev/zero >rec.dat
}
