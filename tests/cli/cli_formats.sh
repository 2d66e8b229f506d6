#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Outputs follow their names (issue 15, item 2): cramp filter writes EDF+ for
# .edf, BDF+ for .bdf and WAV for .wav; any other name is refused listing the
# formats. A filtered EDF keeps the input's labels, transducers, units, start
# time and annotations, reads back in microvolts, and cramp detect finds the
# same episodes, classes and channels in it as in the input (cramp 0.1.0
# wrote a float WAV named .edf: no labels, units, start time or annotations,
# and channels named ch1, ch2 on reading). With /usr/bin/python3 and MNE
# (Debian python3-mne), MNE reads the labels, units and start time too.
# Usage: tests/cli/cli_formats.sh PATH/TO/cramp
set -u
TESTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CRAMP=${1:?usage: cli_formats.sh PATH/TO/cramp}
PY=/usr/bin/python3
# shellcheck source=cli_lib.sh
. "$TESTS_DIR/cli_lib.sh"
cli_workdir formats

# No artefact sources: filtering changes what a pop or a clip looks like, not
# a cramp or a PLM series.
{
    quiet_scenario 10 1000 2 31
    echo "mains_hz 50"
    echo "mains_uv 6"
    cat <<'SC'
event cramp 100 60 1
event plm 300 2 2 excitation=25
event plm 325 1.5 2 excitation=25
event plm 350 2 2 excitation=25
event plm 372 1 2 excitation=25
event burst 450 1.5 1 excitation=20
SC
} >night.scenario
run synth night.scenario --quiet -o night.edf
expect_rc 0 "synth"
# A transducer on each channel (cramp synth leaves the field blank): the
# field of signal i starts at 256 + ns * 16 + i * 80 (ns = 3 with annotations).
printf '%-80s%-80s' "AgAgCl electrode L" "AgAgCl electrode R" |
    dd of=night.edf bs=1 seek=$((256 + 3 * 16)) conv=notrunc status=none

# ---- .edf ---------------------------------------------------------------
run filter --notch 50 night.edf -o f.edf
expect_rc 0 "filter to .edf"
[ "$(head -c 8 f.edf)" = "0       " ] && ok || bad "f.edf does not start as an EDF"
[ "$(head -c 197 f.edf | tail -c 5)" = "EDF+C" ] && ok || bad "f.edf is not EDF+C"
run info --json night.edf
cp out in.json
run info --json f.edf
expect_rc 0 "info f.edf"
cp out f.json
for key in '"label": "L-GAS"' '"label": "R-GAS"' '"start": "2024-01-01T23:00:00'; do
    grep -qF "$key" f.json && ok || bad "f.edf lacks $key"
done
[ "$(grep -o '"unit": "uV"' f.json | wc -l)" -ge 2 ] && ok || bad "f.edf: units are not uV"
grep -qF '"transducer": "AgAgCl electrode L"' f.json && grep -qF '"transducer": "AgAgCl electrode R"' f.json &&
    ok || bad "f.edf does not keep the transducers: $(grep -o '"transducer": "[^"]*"' f.json | head -3)"
n_in=$(grep -o '"annotation_count": [0-9]*' in.json)
n_out=$(grep -o '"annotation_count": [0-9]*' f.json)
[ "$n_in" != '"annotation_count": 0' ] && [ -n "$n_in" ] && [ "$n_in" = "$n_out" ] && ok ||
    bad "annotations: $n_in in the input, $n_out in f.edf"
# The same episodes in the filtered file as in the input.
run detect --quiet night.edf -o in.tsv
expect_rc 0 "detect on the input"
run detect --quiet f.edf -o f.tsv
expect_rc 0 "detect on f.edf"
e_in=$(($(wc -l <in.tsv) - 1))
e_out=$(($(wc -l <f.tsv) - 1))
[ "$e_in" -ge 6 ] && [ "$e_in" = "$e_out" ] && ok ||
    bad "episodes: $e_in in the input, $e_out in the filtered .edf"
# the same classes on the same channels (trial_type, channel)
[ "$(cut -f3,4 in.tsv | sort | uniq -c)" = "$(cut -f3,4 f.tsv | sort | uniq -c)" ] && ok ||
    bad "classes differ: $(cut -f3,4 in.tsv | sort | uniq -c | tr '\n' ' ') / $(cut -f3,4 f.tsv | sort | uniq -c | tr '\n' ' ')"

# ---- .bdf: 24 bits, each range fitted to its channel ---------------------
run filter --quiet night.edf -o f.bdf
expect_rc 0 "filter to .bdf"
[ "$(head -c 8 f.bdf | tail -c 7)" = "BIOSEMI" ] && ok || bad "f.bdf is not a BDF"
run info --json f.bdf
grep -qF '"dig_max": 8388607' out && ok || bad "f.bdf is not 24-bit: $(grep -o '"dig_max": [0-9]*' out | head -1)"
grep -q '"phys_max": 5000' out && bad "f.bdf kept the input's +-5000 uV range" || ok

# ---- .edf from an input whose range the filtered signal exceeds ----------
sed 's/^seed 31$/seed 31\nrange_uv 100/' night.scenario >clip.scenario
run synth clip.scenario --quiet -o clip.edf
expect_rc 0 "synth (clipped)"
run filter clip.edf -o fc.edf
expect_rc 0 "filter of a clipped recording to .edf"
expect_err "channel 'L-GAS'" "the clip warning names the channel"
expect_err "16 bits would clip" "the clip warning"

# ---- .wav as before; other names refused --------------------------------
run filter --quiet night.edf -o f.wav
expect_rc 0 "filter to .wav"
[ "$(head -c 4 f.wav)" = "RIFF" ] && ok || bad "f.wav is not a RIFF file"
run filter night.edf -o f.xyz
expect_rc 2 "filter to an unknown name"
expect_err ".edf (EDF+), .bdf (BDF+), .wav" "the refusal lists the formats"
[ -e f.xyz ] && bad "f.xyz written" || ok
run filter --synthetic 2 -o syn.edf --quiet
expect_rc 0 "synthetic to .edf"
run info --json syn.edf
grep -qF '"label": "ch1"' out && ok || bad "synthetic .edf labels"

# ---- MNE --------------------------------------------------------------
if "$PY" -c "import mne" 2>/dev/null; then
    if "$PY" - night.edf f.edf <<'PYEOF'; then ok; else bad "MNE on f.edf"; fi
import sys
import numpy as np
import mne
src = mne.io.read_raw_edf(sys.argv[1], preload=True, verbose="error")
dst = mne.io.read_raw_edf(sys.argv[2], preload=True, verbose="error")
assert dst.ch_names == src.ch_names == ["L-GAS", "R-GAS"], (src.ch_names, dst.ch_names)
assert dst._orig_units == src._orig_units, (src._orig_units, dst._orig_units)
assert dst.info["meas_date"] == src.info["meas_date"], (src.info["meas_date"], dst.info["meas_date"])
assert [c["unit"] for c in dst.info["chs"]] == [c["unit"] for c in src.info["chs"]]
assert list(dst.annotations.description) == list(src.annotations.description)
x = dst.get_data() * 1e6
assert 20 < np.abs(x[0]).max() < 5000, np.abs(x[0]).max()  # microvolts, not fractions
PYEOF
else
    echo "cli_formats: MNE-Python (python3-mne) not installed: its checks skipped"
fi

echo "cli_formats: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
