#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The options cramp detect and cramp batch share (tools/detect_options.c:
# --mains, --band, --no-sparseness, --no-env-mod, --channels, --all-channels,
# --full-scale-uv, the rule switches --RULE / --no-RULE) mean the same in
# both: for each, batch's per-night events
# table and JSON are byte-identical to detect's with the same option, a value
# one refuses the other refuses with the same message and exit status 2, and
# a recording one refuses (--full-scale-uv on an EDF) the other fails with
# the same message.
# Usage: tests/cli_shared_options.sh PATH/TO/cramp
set -u
TESTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CRAMP=${1:?usage: cli_shared_options.sh PATH/TO/cramp}
# shellcheck source=cli_lib.sh
. "$TESTS_DIR/cli_lib.sh"
cli_workdir shared-options

cat >night.scenario <<'SC'
duration_min 4
fs 500
channels 4
seed 11
noise_uv 2
mains_hz 60
mains_uv 5
cramp_per_hour 0
plm_series_per_hour 0
burst_per_hour 0
movement_per_hour 0
event cramp 60 30 1
event cramp 150 20 3
SC
"$CRAMP" synth night.scenario --quiet -o night.edf || {
    echo "FAIL: cramp synth" >&2
    exit 1
}

# The same options to both commands: batch's outputs are detect's.
n=0
while IFS= read -r opts; do
    n=$((n + 1))
    # shellcheck disable=SC2086
    "$CRAMP" detect night.edf $opts --quiet -o "d$n.tsv" 2>"d$n.err"
    rd=$?
    # shellcheck disable=SC2086
    "$CRAMP" detect night.edf $opts --quiet --json -o "d$n.json" 2>>"d$n.err"
    # shellcheck disable=SC2086
    "$CRAMP" batch night.edf $opts --quiet -j 1 -o "b$n" 2>"b$n.err"
    rb=$?
    if [ "$rd" != 0 ] || [ "$rb" != 0 ]; then
        bad "'$opts': detect exit $rd, batch exit $rb, both should succeed"
        continue
    fi
    [ "$(sed 1d "d$n.tsv" | wc -l)" -ge 1 ] && ok || bad "'$opts': no episode detected"
    cmp -s "d$n.tsv" "b$n/night.detected.tsv" && ok || bad "'$opts': batch's table differs from detect's"
    cmp -s "d$n.json" "b$n/night.detected.json" && ok || bad "'$opts': batch's JSON differs from detect's"
done <<'EOF'
--mains 60
--mains none --band 30-200
--no-sparseness
--channels 3,R-TA
--all-channels
--channels L-GAS --mains 50
--no-env-mod
--no-plm-rhythm-rule --both-legs-rule
--plm-rhythm-rule --no-both-legs-rule --no-sparseness-rule
EOF

# The options change what is found: --band and --mains reach the detector
# (a test of the comparison above, which would pass with options ignored).
cmp -s d1.json d2.json && bad "--mains none --band 30-200 gave the JSON of --mains 60" || ok
grep -q '"band_hz": \[30, 200\]' d2.json && ok || bad "--band 30-200 not in the JSON"
grep -q '"mains_hz": 60' d1.json && ok || bad "--mains 60 not in the JSON"
grep -q '"sparseness": false' d3.json && ok || bad "--no-sparseness not in the JSON"
grep -q '"channels": \["R-GAS", "R-TA"\]' d4.json && ok || bad "--channels 3,R-TA not in the JSON"
# --no-env-mod turns a rule off: batch's rules id (nights.json) is not that
# of the default rules (--mains 60 leaves them), so the row's switch arrived.
r1=$(grep -o '"rules_id": "[0-9a-f]*"' b1/nights.json)
r7=$(grep -o '"rules_id": "[0-9a-f]*"' b7/nights.json)
[ -n "$r1" ] && [ -n "$r7" ] && [ "$r1" != "$r7" ] && ok || bad "--no-env-mod: rules id '$r7', default '$r1'"
# The rule switches (cramp_detect_switches) arrive in both commands: turned
# from their defaults they change the rules id; named in their default state
# (--plm-rhythm-rule is on, --both-legs-rule off by default) they do not.
r8=$(grep -o '"rules_id": "[0-9a-f]*"' b8/nights.json)
r9=$(grep -o '"rules_id": "[0-9a-f]*"' b9/nights.json)
[ -n "$r8" ] && [ "$r1" != "$r8" ] && ok || bad "rule switches left the rules id: '$r8'"
[ "$r1" = "$r9" ] && ok || bad "switches in their default state moved the rules id: '$r9', '$r1'"
# Every switch of the library's table is taught by cramp detect --help.
src="$TESTS_DIR/../../lib/detect/detect_config.c"
if [ -r "$src" ]; then
    "$CRAMP" detect --help >help.txt
    names=$(sed -n 's/^ *X(\([a-z_]*\), [01],.*/\1/p' "$src")
    [ "$(echo "$names" | wc -w)" -ge 12 ] && ok || bad "read no switch table from $src"
    for nm in $names; do
        opt=$(echo "$nm" | tr _ -)
        grep -qE -- "--(no-)?$opt( |$)" help.txt && ok || bad "cramp detect --help lacks --$opt"
    done
fi

# A value one command refuses, the other refuses alike (exit 2, same message).
while IFS= read -r opts; do
    # shellcheck disable=SC2086
    "$CRAMP" detect night.edf $opts -o x.tsv 2>d.err
    rd=$?
    # shellcheck disable=SC2086
    "$CRAMP" batch night.edf $opts -o bx 2>b.err
    rb=$?
    [ "$rd" = 2 ] && [ "$rb" = 2 ] && ok || bad "'$opts': detect exit $rd, batch exit $rb, expected 2"
    dm=$(head -1 d.err | sed 's/^cramp detect: //')
    bm=$(head -1 b.err | sed 's/^cramp batch: //')
    [ -n "$dm" ] && [ "$dm" = "$bm" ] && ok || bad "'$opts': detect says '$dm', batch '$bm'"
done <<'EOF'
--mains 55
--band 9
--band 200-30
--full-scale-uv x
--channels ,,
--no-such-rule
EOF

# A recording the option does not fit: the same failure in both.
"$CRAMP" detect night.edf --full-scale-uv 100 -o y.tsv 2>d.err
rd=$?
"$CRAMP" batch night.edf --full-scale-uv 100 -j 1 -o by >b.out 2>&1
rb=$?
[ "$rd" = 1 ] && [ "$rb" = 1 ] && ok || bad "--full-scale-uv on an EDF: detect exit $rd, batch exit $rb"
dm=$(sed -n 's/^cramp detect: //p' d.err | tail -1)
grep -qF -- "$dm" by/nights.tsv && ok || bad "--full-scale-uv on an EDF: nights.tsv lacks '$dm'"

echo "cli_shared_options: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
