#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# cramp detect on real recordings: the SpikerBox WAVs of kmiddleton/EMG
# (inst/extdata, GPL-2.0; Backyard Brains SpikerBox, surface electrodes on
# biceps brachii, 44.1 kHz, 16-bit; the amplifier's gain is not stated, so one
# count is read as 1 uV with --full-scale-uv 32768). Skipped (77) when the
# data folder or a Python 3 for tests/cli/wav_splice.py is absent.
#
# The recordings last 1.4-2.1 s and a cramp needs >= 5 s, so each is
# repeated, sample for sample, into a control long enough for the cramp rule
# to fire; the splices fall where the muscle rests:
#   rest_off       amp_off (amplifier off) 4 times, 6.9 s    -> no events;
#   rest_baseline  amp_on_baseline (at rest) 5 times, 6.9 s  -> no events;
#   pulse_series   pulse_1 as recorded 3 times, 6.4 s: its series of
#                  submaximal contractions (0.1-1.2 s) and the rest after it
#                  -> episodes found, none a cramp (each is 1.1 s);
#   pulse_max      3 s of its quiet start, then its 4 maximal contractions
#                  (0-1.45 s, saturating the amplifier) 4 times in a row,
#                  5.8 s with pauses under 0.5 s, then quiet again
#                  -> one episode of >= 5 s, not a cramp (clipping);
#   pulse_train    4.4 s of pulse_1's rest, its contractions (0-1.4 s) 5 times
#                  in a row, one 6.7-s train of pulsed (phasic) voluntary
#                  contractions, and the rest again -> >= 5 s, not a cramp
#                  (phasic: the tonic rule of the cramp row rejects it).
#                  Its own ctest entry, detect_real_pulse_train (and
#                  detect_real_pulse_train_broken, which must fail).
# The rest controls guard the activity detector (no episode, so no label);
# the others fail when every episode is labelled a cramp (ctest entry
# detect_real_broken, CRAMP_TEST_BROKEN_CLASSIFIER=all-cramp).
# Usage: tests/cli/detect_real.sh PATH/TO/cramp SHARED_DATA_DIR [CONTROL...]
set -u
TESTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CRAMP=${1:?usage: detect_real.sh PATH/TO/cramp SHARED_DATA_DIR [CONTROL...]}
DATA=${2:-}
shift 2 2>/dev/null || shift $#
[ $# -gt 0 ] || set -- rest_off rest_baseline pulse_series pulse_max
[ -n "$DATA" ] && [ -d "$DATA/wav" ] || { echo "detect_real: no shared data, skipped"; exit 77; }
PY=$(command -v python3) || { echo "detect_real: no python3, skipped"; exit 77; }
CRAMP=$(cd "$(dirname "$CRAMP")" && pwd)/$(basename "$CRAMP")
WORK=$(mktemp -d "${TMPDIR:-/tmp}/cramp-detect-real.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
passed=0
failed=0
ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL: $*" >&2; }

for c in "$@"; do
    case $c in
    rest_off) src=amp_off pieces=(0-1.729x4) ;;
    rest_baseline) src=amp_on_baseline pieces=(0-1.381x5) ;;
    pulse_series) src=pulse_1 pieces=(0-2.136x3) ;;
    pulse_max) src=pulse_max pieces=(0-0.15x20 0-1.45x4 0-0.15x20) ;;
    pulse_train) src=pulse_1 pieces=(1.25-2.13x5 0-1.4x5 1.25-2.13x5) ;;
    *) bad "$c: no such control"; continue ;;
    esac
    in="$DATA/wav/kmiddleton_$src.wav"
    [ -f "$in" ] || { bad "$c: $in missing"; continue; }
    if ! "$PY" "$TESTS_DIR/wav_splice.py" "$in" "$WORK/$c.wav" "${pieces[@]}" 2>"$WORK/$c.err"; then
        bad "$c: splice failed: $(head -3 "$WORK/$c.err")"
        continue
    fi
    if ! "$CRAMP" detect "$WORK/$c.wav" --full-scale-uv 32768 -o "$WORK/$c.tsv" 2>"$WORK/$c.err"; then
        bad "$c: cramp detect failed: $(head -3 "$WORK/$c.err")"
        continue
    fi
    sed "s/^/  $c: /" "$WORK/$c.err" | grep -E "cramps|PLM"
    rows=$(($(wc -l <"$WORK/$c.tsv") - 1))
    cramps=$(awk -F'\t' 'NR > 1 && $3 == "cramp"' "$WORK/$c.tsv" | wc -l)
    long=$(awk -F'\t' 'NR > 1 && $2 >= 5' "$WORK/$c.tsv" | wc -l)
    echo "  $c ($src ${pieces[*]}): $rows events: $(awk -F'\t' 'NR > 1 { printf "%s %.2f-%.2f s; ", $3, $1, $1 + $2 }' "$WORK/$c.tsv")"
    case $c in
    rest_*)
        [ "$rows" -eq 0 ] && ok || bad "$c: $rows events at rest: $(cut -f1-4 "$WORK/$c.tsv" | tail -n +2 | head -3)" ;;
    *)
        # the contractions must be found, or "no cramp" proves nothing
        [ "$rows" -gt 0 ] && ok || bad "$c: the contractions were not found"
        case $c in pulse_max | pulse_train)
            [ "$long" -gt 0 ] && ok || bad "$c: no episode of >= 5 s, so the cramp rule is not tested" ;;
        esac
        [ "$cramps" -eq 0 ] && ok || bad "$c: $cramps voluntary contractions called cramps" ;;
    esac
done
echo "detect_real: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
