#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# An independent EDF reader on what 'cramp synth' writes: MNE-Python (Debian
# python3-mne) opens the EDF+ and the BDF+ and must find the channels, the
# sampling rate, the duration, the signal (a cramp far above the quiet
# stretch before it, values inside the range) and the ground truth as
# annotations matching the events table. Skipped (77) without MNE.
# Usage: tests/cli/synth_mne.sh PATH/TO/cramp
set -u

CRAMP=${1:?usage: synth_mne.sh PATH/TO/cramp}
PY=/usr/bin/python3
if ! "$PY" -c "import mne" 2>/dev/null; then
    echo "synth_mne: MNE-Python (python3-mne) not installed: skipped"
    exit 77
fi
WORK=$(mktemp -d "${TMPDIR:-/tmp}/cramp-synth-mne.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cd "$WORK" || exit 1

cat >night.scenario <<'SC'
duration_min 3
fs 500
channels 3
seed 11
noise_uv 2
range_uv 3000
cramp_per_hour 0
plm_series_per_hour 20
plm_count 4 4
plm_interval_s 10 12
movement_per_hour 0
burst_per_hour 20
pop_per_hour 20
event cramp 20 40 1
event movement 100 10 1,2 excitation=30
event lost 150 5 3
SC
"$CRAMP" synth night.scenario --quiet -o night.edf || exit 1
"$CRAMP" synth night.scenario --quiet --bdf -o night.bdf || exit 1

"$PY" - night.edf night.events.tsv night.bdf night.events.tsv <<'PYEOF'
import csv, sys
import numpy as np
import mne

def check(path, tsv, reader):
    raw = reader(path, preload=True, verbose="error")
    assert raw.ch_names == ["L-GAS", "L-TA", "R-GAS"], raw.ch_names
    assert raw.info["sfreq"] == 500.0, raw.info["sfreq"]
    assert raw.n_times == 3 * 60 * 500, raw.n_times
    x = raw.get_data() * 1e6  # V -> uV
    assert np.all(np.abs(x) <= 3000 + 1e-3), np.abs(x).max()
    fs = 500
    quiet = np.sqrt(np.mean(x[0, 2 * fs:18 * fs] ** 2))
    cramp = np.sqrt(np.mean(x[0, 22 * fs:58 * fs] ** 2))
    assert cramp > 10 * quiet, (quiet, cramp)
    assert 1.5 < quiet < 4, quiet  # noise 2 uV plus hum and ECG
    # Flat line: one digital code (0 uV lies between two codes of the 16-bit grid).
    lost = x[2, 150 * fs + 1:155 * fs - 1]
    assert np.ptp(lost) == 0 and abs(lost[0]) < 0.1, (np.ptp(lost), lost[0])
    rows = list(csv.DictReader(open(tsv), delimiter="\t"))
    ann = raw.annotations
    assert len(ann) == len(rows) and len(rows) >= 6, (len(ann), len(rows))
    kinds = set()
    for a, r in zip(sorted(ann, key=lambda a: (a["onset"], a["description"])),
                    sorted(rows, key=lambda r: (float(r["onset"]), r["trial_type"]))):
        desc = a["description"]
        # MNE 1.3 keeps EDF+ "text@@channel" whole; later versions split it.
        text, _, chan = desc.partition("@@")
        assert text == r["trial_type"], (desc, r)
        if chan:
            assert chan == r["channel"], (desc, r)
        assert abs(a["onset"] - float(r["onset"])) < 1e-3, (a["onset"], r)
        assert abs(a["duration"] - float(r["duration"])) < 1e-3, (a["duration"], r)
        kinds.add(text)
    assert {"cramp", "plm", "movement", "artefact"} <= kinds, kinds
    return len(rows)

n1 = check(sys.argv[1], sys.argv[2], mne.io.read_raw_edf)
n2 = check(sys.argv[3], sys.argv[4], mne.io.read_raw_bdf)
print(f"synth_mne: MNE {mne.__version__} read the EDF+ and the BDF+ ({n1} annotations each)")
PYEOF
