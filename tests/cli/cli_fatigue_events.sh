#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# cramp fatigue --events filtered (issue 15, item 7): by default only the
# cramps of a BIDS events table, each on its own channel ('channel' column);
# --class LIST takes other trial_types, --channel all every channel read,
# --channel LABELS only the events on those channels. cramp 0.1 took every
# row (artefacts and other channels' bursts included) on every channel.
# Usage: tests/cli/cli_fatigue_events.sh PATH/TO/cramp
set -u
TESTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CRAMP=${1:?usage: cli_fatigue_events.sh PATH/TO/cramp}
# shellcheck source=cli_lib.sh
. "$TESTS_DIR/cli_lib.sh"
cli_workdir fatigue-events

{
    quiet_scenario 4 1000 2 31
    cat <<'SC'
event cramp 20 40 1
event plm 100 5 2 excitation=25
event plm 125 5 2 excitation=25
event plm 150 5 2 excitation=25
event plm 172 5 2 excitation=25
event burst 200 6 1 excitation=20
event pop 215 1 2
SC
} >night.scenario
run synth night.scenario --quiet -o night.edf
expect_rc 0 "synth"
ev=night.events.tsv
[ "$(tail -n +2 $ev | wc -l)" -eq 7 ] && ok || bad "the events table: $(cat $ev)"

# rows of the slopes table per (interval, channel): "N NAME CHANNEL"
pairs() { tail -n +2 "$1" | cut -f1,4 | sort | uniq -c | awk '{print $1, $2, $3}' | tr '\n' ';'; }

run fatigue --events $ev --slopes d.tsv night.edf -o f.tsv
expect_rc 0 "default: cramps on their own channel"
[ "$(pairs d.tsv)" = "6 cramp L-GAS;" ] && ok || bad "default: $(pairs d.tsv)"
expect_err "1 events of class cramp taken" "the note says what was taken"

run fatigue --events $ev --class cramp,plm --slopes cp.tsv night.edf -o f.tsv
expect_rc 0 "--class cramp,plm"
[ "$(pairs cp.tsv)" = "6 cramp L-GAS;24 plm R-GAS;" ] && ok || bad "--class cramp,plm: $(pairs cp.tsv)"

run fatigue --events $ev --channel all --slopes all.tsv night.edf -o f.tsv
expect_rc 0 "--channel all"
[ "$(pairs all.tsv)" = "6 cramp L-GAS;6 cramp R-GAS;" ] && ok || bad "--channel all: $(pairs all.tsv)"

run fatigue --events $ev --class all --channel R-GAS --slopes r.tsv night.edf -o f.tsv
expect_rc 0 "--class all --channel R-GAS"
[ "$(pairs r.tsv)" = "6 artefact R-GAS;24 plm R-GAS;" ] && ok || bad "--channel R-GAS: $(pairs r.tsv)"

run fatigue --events $ev --class movement --slopes m.tsv night.edf -o f.tsv
expect_rc 1 "no event of the class"
expect_err "no event of class movement" "the refusal names the class"
[ -e m.tsv ] && bad "m.tsv written" || ok

run fatigue --class cramp --slopes x.tsv night.edf -o f.tsv
expect_rc 2 "--class without --events"

# A table without trial_type: every row (as before), --class refused.
printf 'onset\tduration\n20\t40\n' >plain.tsv
run fatigue --events plain.tsv --slopes p.tsv night.edf -o f.tsv
expect_rc 0 "events without trial_type"
[ "$(tail -n +2 p.tsv | wc -l)" -eq 12 ] && ok || bad "no trial_type: $(pairs p.tsv)"
run fatigue --events plain.tsv --class cramp --slopes p2.tsv night.edf -o f.tsv
expect_rc 1 "--class on a table without trial_type"
expect_err "no 'trial_type' column" "the missing column named"

echo "cli_fatigue_events: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
