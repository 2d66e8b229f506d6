#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# What -o does with each kind of destination, as a user meets it: a new and
# an existing regular file (permission bits kept, 0444 too), a symbolic link
# (stays a link, its target replaced), a private null device made by mknod
# (never the machine's /dev/null) and a FIFO (written directly, never
# replaced), a directory and a missing folder (clear message, non-zero exit,
# nothing left), a full disk (a private copy of /dev/full made by mknod for
# the direct path, never the machine's own; a 64 KiB tmpfs
# for the temporary-file path when run as root), SIGTERM during the
# --edf-annotations copy (no hidden temporary file left, ended by the signal),
# and cramp detect's two outputs committed all or none.
# Usage: tests/cli/cli_output.sh PATH/TO/cramp
set -u
TESTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CRAMP=${1:?usage: cli_output.sh PATH/TO/cramp}
CRAMP=$(cd "$(dirname "$CRAMP")" && pwd)/$(basename "$CRAMP")
WORK=$(mktemp -d "${TMPDIR:-/tmp}/cramp-output.XXXXXX")
MOUNTED=
cleanup() {
    [ -n "$MOUNTED" ] && umount "$MOUNTED" 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT
cd "$WORK" || exit 1

# shellcheck source=cli_lib.sh
. "$TESTS_DIR/cli_lib.sh"

# No hidden temporary file (".NAME.XXXXXX") in folder $1; $2 names the case.
no_temp() {
    if compgen -G "$1/.*.*" >/dev/null; then bad "$2: temporary file left: $(ls -A "$1")"; else ok; fi
}
expect_no_file() { if [ -e "$1" ]; then bad "$2: '$1' exists"; else ok; fi; }
mode_of() { stat -c %a "$1"; }

cat >night.scenario <<'SC'
duration_min 10
fs 1000
channels 2
seed 7
event cramp 120 60 1
SC
run synth night.scenario --quiet -o night.edf
expect_rc 0 "synth"
run detect night.edf --quiet -o ref.tsv
expect_rc 0 "detect to a new file"
[ -s ref.tsv ] && ok || bad "reference table empty"

# ---- regular files -------------------------------------------------------------
(umask 027 && "$CRAMP" detect night.edf --quiet -o new.tsv 2>err)
if [ "$(mode_of new.tsv)" = 640 ]; then ok; else bad "new file under umask 027: $(mode_of new.tsv)"; fi
echo old >ro.tsv
chmod 0444 ro.tsv
run detect night.edf --quiet -o ro.tsv
expect_rc 0 "existing 0444 file"
if [ "$(mode_of ro.tsv)" = 444 ]; then ok; else bad "0444 file came back $(mode_of ro.tsv)"; fi
cmp -s ro.tsv ref.tsv && ok || bad "0444 file not replaced"
echo old >x.tsv
chmod 0604 x.tsv
run envelope night.edf -o x.tsv
expect_rc 0 "envelope over an existing file"
if [ "$(mode_of x.tsv)" = 604 ]; then ok; else bad "0604 file came back $(mode_of x.tsv)"; fi
no_temp . "regular files"

# ---- symbolic links ---------------------------------------------------------------
echo old >target.tsv
ln -s target.tsv link.tsv
run detect night.edf --quiet -o link.tsv
expect_rc 0 "through a link"
[ -L link.tsv ] && ok || bad "the link was replaced"
cmp -s target.tsv ref.tsv && ok || bad "the link's target was not replaced"
mkdir sub
ln -s sub/made.tsv dangling.tsv
run detect night.edf --quiet -o dangling.tsv
expect_rc 0 "through a dangling link"
[ -L dangling.tsv ] && cmp -s sub/made.tsv ref.tsv && ok || bad "dangling link: target not made"
no_temp . "links"
no_temp sub "links"

# Private device nodes (as root): a null device and a full one. The machine's
# own are never named: a cramp that renamed over its output would replace them.
FULL=
mknod "$WORK/full-dev" c 1 7 2>/dev/null && FULL=$WORK/full-dev

# ---- devices and FIFOs ----------------------------------------------------------------
if mknod "$WORK/null" c 1 3 2>/dev/null; then
    run detect night.edf --quiet -o "$WORK/null"
    expect_rc 0 "detect to a private null device"
    run filter night.edf -o "$WORK/null"
    expect_rc 0 "filter (WAV) to a private null device"
    run detect night.edf --quiet -o d.tsv --edf-annotations "$WORK/null"
    expect_rc 0 "annotated copy to a private null device"
    run synth night.scenario --quiet -o "$WORK/null" --events null-truth.tsv
    expect_rc 0 "synth (EDF) to a private null device"
    [ -c "$WORK/null" ] && ok || bad "the null device is no longer a character device"
    no_temp . "null device"
else
    echo "cli_output: private null device skipped (mknod not permitted)"
fi
mkfifo fifo
timeout 120 cat fifo >from_fifo &
reader=$!
run detect night.edf --quiet -o fifo
expect_rc 0 "detect to a FIFO"
wait "$reader"
cmp -s from_fifo ref.tsv && ok || bad "the FIFO reader did not get the table"
[ -p fifo ] && ok || bad "the FIFO is no longer a FIFO"
timeout 120 cat fifo >from_fifo.edf &
reader=$!
run detect night.edf --quiet -o d2.tsv --edf-annotations fifo
expect_rc 0 "annotated copy to a FIFO"
wait "$reader"
run detect night.edf --quiet -o d3.tsv --edf-annotations a.edf
cmp -s from_fifo.edf a.edf && ok || bad "the FIFO reader did not get the annotated copy"
[ -p fifo ] && ok || bad "the FIFO is no longer a FIFO after the copy"

# ---- what cannot be written ---------------------------------------------------------
mkdir adir
run detect night.edf --quiet -o adir
expect_rc 1 "a directory"
expect_err "adir: cannot write: Is a directory" "directory message"
[ -d adir ] && [ -z "$(ls -A adir)" ] && ok || bad "the directory was changed"
run detect night.edf --quiet -o nofolder/d.tsv
expect_rc 1 "a missing folder"
expect_err "nofolder/d.tsv: cannot write: No such file or directory" "missing folder message"
expect_no_file nofolder "missing folder"
if [ "$(id -u)" != 0 ]; then
    mkdir locked && chmod 0555 locked
    run detect night.edf --quiet -o locked/d.tsv
    expect_rc 1 "a folder without write permission"
    expect_err "locked/d.tsv: cannot write: Permission denied" "permission message"
fi
no_temp . "errors"

# ---- a full disk ----------------------------------------------------------------
if [ -n "$FULL" ]; then
    run detect night.edf --quiet -o "$FULL"
    expect_rc 1 "detect to a full device"
    expect_err "No space left on device" "full device reason (detect)"
    run envelope night.edf -o "$FULL"
    expect_rc 1 "envelope to a full device"
    expect_err "No space left on device" "full device reason (envelope)"
    [ -c "$FULL" ] && ok || bad "the full device is no longer a character device"
else
    echo "cli_output: full-device cases skipped (mknod not permitted)"
fi
mkdir full
if [ "$(id -u)" = 0 ] && mount -t tmpfs -o size=64k tmpfs "$WORK/full" 2>/dev/null; then
    MOUNTED=$WORK/full
    echo "old table" >full/d.tsv
    run detect night.edf --quiet -o full/d.tsv --edf-annotations full/a.edf
    expect_rc 1 "annotated copy on a full disk"
    expect_err "full/a.edf: cannot write: No space left on device" "full disk reason (copy)"
    [ "$(cat full/d.tsv)" = "old table" ] && ok || bad "the table changed though the copy failed"
    expect_no_file full/a.edf "full disk"
    no_temp full "full disk (copy)"
    run envelope night.edf -o full/e.tsv
    expect_rc 1 "envelope on a full disk"
    expect_err "No space left on device" "full disk reason (envelope)"
    expect_no_file full/e.tsv "full disk (envelope)"
    run filter night.edf -o full/f.wav
    expect_rc 1 "filter on a full disk"
    expect_no_file full/f.wav "full disk (filter)"
    no_temp full "full disk"
    umount "$WORK/full" && MOUNTED=
else
    echo "cli_output: tmpfs full-disk case skipped (needs root and mount)"
fi

# ---- several outputs: all or none -------------------------------------------------
echo "old table" >keep.tsv
run detect night.edf --quiet -o keep.tsv --edf-annotations nofolder/a.edf
expect_rc 1 "annotated copy into a missing folder"
[ "$(cat keep.tsv)" = "old table" ] && ok || bad "the table was written though the copy failed"
run detect night.edf --quiet -o fresh.tsv --edf-annotations adir
expect_rc 1 "annotated copy onto a directory"
expect_no_file fresh.tsv "copy failed"
run synth night.scenario --quiet -o lone.edf --events nofolder/truth.tsv
expect_rc 1 "synth with its events table in a missing folder"
expect_no_file lone.edf "synth events failed"
echo "old night" >kept.edf
run synth night.scenario --quiet -o kept.edf --events adir
expect_rc 1 "synth with its events table onto a directory"
[ "$(cat kept.edf)" = "old night" ] && ok || bad "synth replaced the recording though its table failed"
if [ -n "$FULL" ]; then
    # the failing output is the one committed last by the old code
    run synth night.scenario --quiet -o kept.edf --events "$FULL"
    expect_rc 1 "synth with its events table on a full device"
    [ "$(cat kept.edf)" = "old night" ] && ok || bad "synth changed the recording though its table failed"
    run detect night.edf --quiet -o "$FULL" --edf-annotations lone.edf
    expect_rc 1 "detect table on a full device"
    expect_no_file lone.edf "detect table failed"
fi
run detect night.edf --quiet -o both.tsv --edf-annotations both.edf
expect_rc 0 "both outputs"
[ -s both.tsv ] && [ -s both.edf ] && ok || bad "both outputs written"
no_temp . "all or none"

# ---- SIGTERM during the annotated copy ----------------------------------------
cat >long.scenario <<'SC'
duration_min 120
fs 1000
channels 4
seed 5
SC
run synth long.scenario --quiet -o long.edf
expect_rc 0 "synth of a long night"
mkdir sig
# sigterm_case NAME GLOB ARGS...: runs cramp ARGS, sends SIGTERM as soon as
# a file matching GLOB (a temporary file) exists, and checks that the run
# ended by the signal and left nothing in sig/ (a few tries: a fast run may
# finish first).
sigterm_case() {
    local name=$1 glob=$2 caught=0 status=0
    shift 2
    for _attempt in 1 2 3; do
        "$CRAMP" "$@" 2>/dev/null &
        local pid=$!
        for _ in $(seq 1 3000); do
            compgen -G "$glob" >/dev/null && break
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.005
        done
        kill -TERM "$pid" 2>/dev/null
        wait "$pid"
        status=$?
        if [ "$status" -eq 143 ]; then caught=1; break; fi
        rm -f sig/* 2>/dev/null
    done
    if [ "$caught" = 1 ]; then
        ok
        no_temp sig "$name"
        if [ -n "$(ls -A sig)" ]; then bad "$name: outputs left: $(ls -A sig)"; else ok; fi
    else
        bad "$name: never caught while writing (exit $status)"
    fi
}
sigterm_case "SIGTERM during the annotated copy" "sig/.a.edf.*" \
    detect long.edf --quiet -o sig/d.tsv --edf-annotations sig/a.edf
sigterm_case "SIGTERM during the filter's WAV" "sig/.f.wav.*" filter long.edf -o sig/f.wav
sigterm_case "SIGTERM during synth" "sig/.s.edf.*" synth long.scenario --quiet -o sig/s.edf

echo "cli_output: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
