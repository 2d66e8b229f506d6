#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Annotations that say who made them (issue 15, item 3): the episodes cramp
# detect --edf-annotations adds read "CLASS (detected)@@CHANNELS", so they
# differ from the input's own scored events ("cramp@@L-GAS" in a cramp synth
# night); --keep-annotations (default) keeps those, --drop-annotations leaves
# only the detections. With /usr/bin/python3 and MNE (Debian python3-mne),
# the detections are selected by description alone, in the way the README
# gives for MNE 1.3 (the "@@channel" suffix inside the description) and for
# later versions (the suffix split into ch_names).
# Usage: tests/cli/cli_annotations.sh PATH/TO/cramp
set -u
TESTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CRAMP=${1:?usage: cli_annotations.sh PATH/TO/cramp}
PY=/usr/bin/python3
# shellcheck source=cli_lib.sh
. "$TESTS_DIR/cli_lib.sh"
cli_workdir annotations

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
SC
} >night.scenario
run synth night.scenario --quiet -o night.edf
expect_rc 0 "synth"
run info --annotations night.edf
own=$(grep -c "@@" out)
[ "$own" -eq 5 ] && ok || bad "the input holds $own annotations, expected 5"

run detect --quiet night.edf -o d.tsv --edf-annotations keep.edf
expect_rc 0 "detect --edf-annotations"
det=$(($(wc -l <d.tsv) - 1))
run info --annotations keep.edf
[ "$(grep -c "(detected)@@" out)" -eq "$det" ] && ok || bad "keep.edf: not $det detections"
grep -q "cramp (detected)@@L-GAS" out && ok || bad "keep.edf lacks 'cramp (detected)@@L-GAS'"
[ "$(grep "@@" out | grep -vc "(detected)@@")" -eq "$own" ] && ok || bad "keep.edf lost the input's own"

run detect --quiet --keep-annotations night.edf -o d2.tsv --edf-annotations keep2.edf
expect_rc 0 "--keep-annotations"
cmp -s keep.edf keep2.edf && ok || bad "--keep-annotations is not the default"

run detect --quiet --drop-annotations night.edf -o d3.tsv --edf-annotations drop.edf
expect_rc 0 "--drop-annotations"
run info --annotations drop.edf
[ "$(grep -c "(detected)@@" out)" -eq "$det" ] && ok || bad "drop.edf: not $det detections"
[ "$(grep "@@" out | grep -vc "(detected)@@")" -eq 0 ] && ok || bad "drop.edf kept the input's own"
# the signal is untouched: same episodes from the copy
run detect --quiet drop.edf -o d4.tsv
cmp -s d.tsv d4.tsv && ok || bad "drop.edf: other episodes than the input"

if "$PY" -c "import mne" 2>/dev/null; then
    if "$PY" - keep.edf drop.edf "$det" <<'PYEOF'; then ok; else bad "MNE selection by description"; fi
import sys
import mne
keep = mne.io.read_raw_edf(sys.argv[1], verbose="error").annotations
drop = mne.io.read_raw_edf(sys.argv[2], verbose="error").annotations
det = int(sys.argv[3])
# The README's selection, for old MNE ("cramp (detected)@@L-GAS" whole) and
# new (description "cramp (detected)", channels in ch_names) alike:
def detected(ann):
    return [d for d in ann.description if d.split("@@")[0].endswith(" (detected)")]
assert len(detected(keep)) == det, (len(detected(keep)), det, list(keep.description))
assert len(keep) == det + 5, len(keep)
assert len(drop) == det and len(detected(drop)) == det, list(drop.description)
cramps = [d for d in keep.description if d.split("@@")[0] == "cramp (detected)"]
assert len(cramps) == 1, list(keep.description)
# the input's own scored cramp is not taken for a detection
assert any(d.split("@@")[0] == "cramp" for d in keep.description)
PYEOF
else
    echo "cli_annotations: MNE-Python (python3-mne) not installed: its checks skipped"
fi

echo "cli_annotations: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
