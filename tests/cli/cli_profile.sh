#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# cramp detect --profile (issue 16 item 1): the stage table on stderr names
# every stage, its times add up to the total within rounding (with a
# negative overlap row where two threads' stages ran at once), the events
# are the same bytes as without --profile, and --json carries a "profile"
# object with the library's stages; without --profile neither appears.
# Usage: tests/cli_profile.sh PATH/TO/cramp
set -u
TESTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CRAMP=${1:?usage: cli_profile.sh PATH/TO/cramp}
# shellcheck source=cli_lib.sh
. "$TESTS_DIR/cli_lib.sh"
cli_workdir profile
fail() { echo "FAIL: $*"; exit 1; }
"$CRAMP" synth --minutes 3 --channels 2 -o n.edf 2>synth.err || fail "synth: $(cat synth.err)"
"$CRAMP" detect n.edf -o plain.tsv --quiet 2>plain.err || fail "detect: $(cat plain.err)"
[ -s plain.err ] && fail "--quiet without --profile wrote: $(cat plain.err)"
"$CRAMP" detect n.edf -o prof.tsv --quiet --profile 2>prof.err || fail "detect --profile"
cmp -s plain.tsv prof.tsv || fail "--profile changed the events"
for s in read filter envelope baseline segment spectral classify output other total; do
    grep -Eq "^  $s +[0-9]" prof.err || fail "no '$s' row: $(cat prof.err)"
done
grep -q "CPU share" prof.err || fail "no CPU share"
# the stage rows (and other, and on several threads a negative overlap where
# the threads' stages ran at once) add up to the total row, within the
# rounding; other is never negative
awk '$1 == "total" { t = $2 } /^  [a-z]+ +-?[0-9]/ && $1 != "total" && $1 != "stage" { s += $2 }
     $1 == "other" && $2 < 0 { print "other " $2; exit 1 }
     $1 == "overlap" && $2 > 0 { print "overlap " $2; exit 1 }
     END { if (t <= 0 || s < t - 0.002 || s > t + 0.002) { print "sum " s " total " t; exit 1 } }' \
    prof.err || fail "stages do not add up: $(cat prof.err)"
# on one thread nothing overlaps: no overlap row
"$CRAMP" detect n.edf -o prof1.tsv --quiet --profile --threads 1 2>prof1.err ||
    fail "detect --profile --threads 1"
grep -q "^  overlap" prof1.err && fail "an overlap row on one thread: $(cat prof1.err)"
grep -Eq "^  other +[0-9]" prof1.err || fail "no other row on one thread: $(cat prof1.err)"
# the JSON's stages on one thread fit in its wall time (on several they are
# summed over the threads)
"$CRAMP" detect n.edf -o p.json --json --quiet --profile --threads 1 2>/dev/zero ||
    fail "--json --profile"
"$CRAMP" detect n.edf -o q.json --json --quiet 2>/dev/zero || fail "--json"
grep -q '"profile"' q.json && fail "a profile in the JSON without --profile"
python3 - p.json <<'PY' || fail "JSON profile"
import json, sys
p = json.load(open(sys.argv[1]))["profile"]
st = p["stages"]
want = ["read", "filter", "envelope", "baseline", "segment", "spectral", "classify"]
assert list(st) == want, list(st)
assert p["samples"] == 3 * 60 * 2000 * 2, p["samples"]
assert p["total_wall_s"] > 0 and p["cpu_s"] > 0
assert st["filter"]["wall_s"] > 0 and st["read"]["wall_s"] > 0
assert sum(v["wall_s"] for v in st.values()) <= p["total_wall_s"] * (1 + 1e-6)
PY
echo "cli_profile: OK"
