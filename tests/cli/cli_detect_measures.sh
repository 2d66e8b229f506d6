#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The events table's last columns and the option of the modulated-contraction
# row, on a simulated one-channel night: a 20-s rhythmic movement (bursts at
# 0.5 Hz, 80 % duty, no motion artefact: a would-be cramp whose amplitude moves
# at 0.5 Hz; its 1.6-s bursts are longer than an AASM HFT burst, <= 1 s, so it
# is no train; at 1 Hz its 0.8-s bursts on one muscle are HFT by the manual's
# definition, and the rises read on the bursts' own scale (h12j) see them),
# a 30-s cramp with a precursor, and a 1.5-s burst.
# - the TSV header is the earlier one with precursor_s and env_mod_ratio
#   appended (so readers by position keep working), the JSON events carry
#   them with the TSV's values (null where the TSV says n/a);
# - precursor_s: > 0 and at most the truth's precursor on the cramp, 0 on the
#   movement; env_mod_ratio: < 1 on the steady cramp, > 1 on the movement,
#   n/a on the burst (under 3 s measured);
# - by default the movement is labelled by the modulated-contraction row;
#   --no-env-mod makes it a cramp (env_mod_ratio still written, the same),
#   leaves the real cramp as it was, and changes cramp batch's rules_id.
# Usage: tests/cli/cli_detect_measures.sh PATH/TO/cramp
set -u
TESTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CRAMP=${1:?usage: cli_detect_measures.sh PATH/TO/cramp}
PY=/usr/bin/python3
# shellcheck source=cli_lib.sh
. "$TESTS_DIR/cli_lib.sh"
cli_workdir detect-measures

{
    quiet_scenario 5 1000 1 41
    printf 'rmd_motion_uv 0\nrmd_rate_hz 0.5 0.5\nrmd_duty 0.8 0.8\nrmd_excitation_pct 30 30\n'
    printf 'cramp_precursor_probability 1\n'
    printf 'event rmd 60 20 1\nevent cramp 150 30 1\nevent burst 240 1.5 1 excitation=20\n'
} >night.scenario
run synth night.scenario --quiet -o night.edf
expect_rc 0 "synth"
# the truth's precursor length, from the cramp's detail ("..., precursor P s")
pre_true=$(awk -F'\t' '$3 == "cramp" { if (match($0, /precursor [0-9.]+ s/)) print substr($0, RSTART + 10, RLENGTH - 12) }' night.events.tsv)
[ -n "$pre_true" ] && ok || bad "the truth gives no precursor: $(cat night.events.tsv)"

run detect night.edf --quiet -o d.tsv
expect_rc 0 "detect"
run detect night.edf --quiet --json -o d.json
expect_rc 0 "detect --json"
run detect night.edf --quiet --no-env-mod -o n.tsv
expect_rc 0 "detect --no-env-mod"

# The header: the earlier columns in their places, the new two at the end.
old="onset duration trial_type channel main_channel rms_uv rest_uv rms_x_rest peak_uv"
old="$old mnf_start_hz mnf_end_hz mdf_start_hz mdf_end_hz mnf_slope_hz_s lf_ratio kurtosis"
old="$old clip_fraction flat_fraction prev_interval_s next_interval_s tonic_fraction bursts"
old="$old rises rise_cv confidence series reason"
[ "$(head -1 d.tsv | tr '\t' ' ')" = "$old precursor_s env_mod_ratio" ] && ok ||
    bad "TSV header: $(head -1 d.tsv)"
awk -F'\t' 'NR > 1 && NF != 29 { bad = 1 } END { exit bad }' d.tsv && ok ||
    bad "a row without 29 fields"

# A row's field by trial_type and onset window: row CLASS LO HI FIELD FILE
row() {
    awk -F'\t' -v c="$1" -v lo="$2" -v hi="$3" -v f="$5" \
        'NR > 1 && $3 == c && $1 >= lo && $1 <= hi { print $f; exit }' "$4"
}
# the rhythmic movement: the modulated-contraction row, precursor_s 0
[ "$(row movement 55 65 d.tsv 27)" != "" ] &&
    row movement 55 65 d.tsv 27 | grep -q "modulated at 0.5-3 Hz" && ok ||
    bad "the 0.5-Hz rhythmic contraction is not a modulated movement: $(cut -f1-4,27- d.tsv)"
m_pre=$(row movement 55 65 d.tsv 28)
m_mod=$(row movement 55 65 d.tsv 29)
[ "$m_pre" = 0 ] && ok || bad "movement's precursor_s '$m_pre', expected 0"
awk -v x="$m_mod" 'BEGIN { exit !(x + 0 > 1 && x + 0 < 100) }' && ok ||
    bad "movement's env_mod_ratio '$m_mod', expected above 1 (env_mod_max)"
# the cramp: found near 150 s after its precursor was cut off
c_pre=$(row cramp 148 152 d.tsv 28)
c_mod=$(row cramp 148 152 d.tsv 29)
awk -v x="$c_pre" -v t="$pre_true" 'BEGIN { exit !(x + 0 > 1 && x + 0 <= t + 0.5) }' && ok ||
    bad "cramp's precursor_s '$c_pre', expected 1 s to the truth's $pre_true s"
awk -v x="$c_mod" 'BEGIN { exit !(x + 0 > 0.2 && x + 0 < 1) }' && ok ||
    bad "cramp's env_mod_ratio '$c_mod', expected a steady contraction's (0.2-1)"
row cramp 148 152 d.tsv 27 | grep -q "precursor" && ok || bad "the cramp's reason does not name the precursor"
# the 1.5-s burst: too short to measure the modulation
[ "$(row burst 239 241 d.tsv 29)" = n/a ] && ok ||
    bad "burst's env_mod_ratio '$(row burst 239 241 d.tsv 29)', expected n/a"

# --no-env-mod: the movement is a cramp, its ratio still written; the cramp unchanged
[ "$(row cramp 55 65 n.tsv 29)" = "$m_mod" ] && ok ||
    bad "--no-env-mod: the rhythmic contraction is not a cramp with ratio $m_mod: $(cut -f1-4,28- n.tsv)"
[ "$(grep -c "" n.tsv)" = "$(grep -c "" d.tsv)" ] && ok || bad "--no-env-mod changed the episodes' count"
[ "$(awk -F'\t' '$1 >= 148 && $1 <= 152' n.tsv | cut -f1-26,28-)" = \
    "$(awk -F'\t' '$1 >= 148 && $1 <= 152' d.tsv | cut -f1-26,28-)" ] && ok ||
    bad "--no-env-mod changed the cramp's row"

# The JSON: the same values, null for n/a.
if [ -x "$PY" ]; then
    $PY - <<'PYEOF' && ok || bad "JSON precursor_s / env_mod_ratio"
import csv, json, math
ev = json.load(open("d.json"))["events"]
rows = list(csv.DictReader(open("d.tsv"), delimiter="\t"))
assert len(ev) == len(rows), (len(ev), len(rows))
for e, r in zip(ev, rows):
    keys = list(e)
    assert keys[-2:] == ["precursor_s", "env_mod_ratio"], keys
    for k in ("precursor_s", "env_mod_ratio"):
        if r[k] == "n/a":
            assert e[k] is None, (k, e[k])
        else:
            assert math.isclose(e[k], float(r[k]), rel_tol=1e-9), (k, e[k], r[k])
assert any(e["env_mod_ratio"] is None for e in ev)
assert any(e["precursor_s"] > 0 for e in ev)
PYEOF
fi

# cramp batch takes the option too: the same table, another rules id.
run batch night.edf --quiet -j 1 -o b0
expect_rc 0 "batch"
run batch night.edf --quiet -j 1 --no-env-mod -o b1
expect_rc 0 "batch --no-env-mod"
cmp -s b1/night.detected.tsv n.tsv && ok || bad "batch --no-env-mod's table differs from detect's"
r0=$(grep -o '"rules_id": "[0-9a-f]*"' b0/nights.json)
r1=$(grep -o '"rules_id": "[0-9a-f]*"' b1/nights.json)
[ -n "$r0" ] && [ -n "$r1" ] && [ "$r0" != "$r1" ] && ok ||
    bad "--no-env-mod left the rules id: '$r0' / '$r1'"
# detect's JSON names the rules that made it: batch's id, and another one with
# the option
run detect night.edf --quiet --no-env-mod --json -o n.json
expect_rc 0 "detect --no-env-mod --json"
d0=$(grep -o '"rules_id": "[0-9a-f]*"' d.json)
d1=$(grep -o '"rules_id": "[0-9a-f]*"' n.json)
[ -n "$d0" ] && [ "$d0" = "$r0" ] && [ "$d1" = "$r1" ] && ok ||
    bad "detect's JSON rules_id '$d0' / '$d1', batch's '$r0' / '$r1'"
grep -q '"cramp_version": "[0-9]' d.json && ok || bad "detect's JSON names no cramp_version"
# the opt-in --cramp-rhythm-rule reaches the detector: another rules id
run detect night.edf --quiet --cramp-rhythm-rule --json -o r.json
expect_rc 0 "detect --cramp-rhythm-rule --json"
d2=$(grep -o '"rules_id": "[0-9a-f]*"' r.json)
[ -n "$d2" ] && [ "$d0" != "$d2" ] && [ "$d1" != "$d2" ] && ok ||
    bad "--cramp-rhythm-rule left the rules id: '$d2' (defaults '$d0')"
# and each half on its own (h12z): ids of their own
run detect night.edf --quiet --cramp-rhythm-half series --json -o rs.json
expect_rc 0 "detect --cramp-rhythm-half series"
run detect night.edf --quiet --cramp-rhythm-half after --json -o ra.json
expect_rc 0 "detect --cramp-rhythm-half after"
d3=$(grep -o '"rules_id": "[0-9a-f]*"' rs.json)
d4=$(grep -o '"rules_id": "[0-9a-f]*"' ra.json)
[ -n "$d3" ] && [ -n "$d4" ] && [ "$d3" != "$d4" ] && [ "$d3" != "$d2" ] && [ "$d4" != "$d2" ] &&
    [ "$d3" != "$d0" ] && [ "$d4" != "$d0" ] && ok ||
    bad "--cramp-rhythm-half: rules ids '$d3' / '$d4' (both '$d2', defaults '$d0')"
# the opt-in --crosstalk-time-rule (h12ab) and the opt-out --no-plm-bridge (h12ad)
# reach the detector: ids of their own
run detect night.edf --quiet --crosstalk-time-rule --json -o rx.json
expect_rc 0 "detect --crosstalk-time-rule"
run detect night.edf --quiet --no-plm-bridge --json -o rb.json
expect_rc 0 "detect --no-plm-bridge"
d5=$(grep -o '"rules_id": "[0-9a-f]*"' rx.json)
d6=$(grep -o '"rules_id": "[0-9a-f]*"' rb.json)
[ -n "$d5" ] && [ -n "$d6" ] && [ "$d5" != "$d6" ] && [ "$d5" != "$d0" ] && [ "$d6" != "$d0" ] &&
    ok || bad "--crosstalk-time-rule / --no-plm-bridge: rules ids '$d5' / '$d6' (defaults '$d0')"
run detect night.edf --quiet --cramp-rhythm-half both -o /dev/null
expect_rc 2 "detect --cramp-rhythm-half both (not a half)"

echo "cli_detect_measures: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
