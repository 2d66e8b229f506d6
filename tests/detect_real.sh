#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# cramp detect on the real recordings beside the project (../shared/data,
# see its MANIFEST.md; skipped with 77 when absent). The kmiddleton/EMG
# SpikerBox WAVs (44.1 kHz, biceps; the amplifier's gain is not stated, so
# one count is read as 1 uV with --full-scale-uv 32768):
#   amp_off, amp_on_baseline (negative controls)  -> no events at all;
#   pulse_1 (submaximal contractions), pulse_max (maximal, clipping)
#                                                  -> never a cramp.
# Usage: tests/detect_real.sh PATH/TO/cramp SHARED_DATA_DIR
set -u
CRAMP=${1:?usage: detect_real.sh PATH/TO/cramp SHARED_DATA_DIR}
DATA=${2:-}
[ -n "$DATA" ] && [ -d "$DATA/wav" ] || { echo "detect_real: no shared data, skipped"; exit 77; }
CRAMP=$(cd "$(dirname "$CRAMP")" && pwd)/$(basename "$CRAMP")
WORK=$(mktemp -d "${TMPDIR:-/tmp}/cramp-detect-real.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
passed=0
failed=0
ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL: $*" >&2; }

for f in amp_off amp_on_baseline pulse_1 pulse_max; do
    in="$DATA/wav/kmiddleton_$f.wav"
    [ -f "$in" ] || { bad "$in missing"; continue; }
    if ! "$CRAMP" detect "$in" --full-scale-uv 32768 -o "$WORK/$f.tsv" 2>"$WORK/$f.err"; then
        bad "$f: cramp detect failed: $(head -3 "$WORK/$f.err")"
        continue
    fi
    sed "s/^/  $f: /" "$WORK/$f.err" | grep -E "cramps|PLM"
    rows=$(($(wc -l <"$WORK/$f.tsv") - 1))
    cramps=$(awk -F'\t' 'NR > 1 && $3 == "cramp"' "$WORK/$f.tsv" | wc -l)
    case $f in
    amp_off | amp_on_baseline)
        [ "$rows" -eq 0 ] && ok || bad "$f: $rows events on a negative control: $(cut -f1-4 "$WORK/$f.tsv" | tail -n +2 | head -3)" ;;
    *)
        [ "$cramps" -eq 0 ] && ok || bad "$f: $cramps contractions called cramps"
        echo "  $f: $rows events: $(awk -F'\t' 'NR > 1 { printf "%s %.2f-%.2f s; ", $3, $1, $1 + $2 }' "$WORK/$f.tsv")" ;;
    esac
done
echo "detect_real: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
