#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# cramp score's outputs, one table per file: -o the per-class table,
# --confusion the confusion table, --json both; each TSV has one header line
# and the same field count on every row (pandas and R read it). The example
# in 'cramp score --help' is run as written, in a temporary folder.
# Usage: tests/cli/cli_score.sh PATH/TO/cramp
set -u
TESTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CRAMP=${1:?usage: cli_score.sh PATH/TO/cramp}
PY=/usr/bin/python3
# shellcheck source=cli_lib.sh
. "$TESTS_DIR/cli_lib.sh"
cli_workdir score

# one_table FILE NCOL FIRST_HEADER_FIELD: a single header line, no blank line,
# NCOL fields on every line.
one_table() {
    if awk -F'\t' -v n="$2" -v h="$3" 'NR == 1 && $1 != h { exit 1 } $0 == "" || NF != n { exit 1 }
        END { exit NR < 2 }' "$1"; then ok; else bad "$1: not one table of $2 columns: $(head -c 400 "$1")"; fi
}

# ---- the example of --help, as written ----------------------------------------
"$CRAMP" score --help >help.txt
ex=$(awk '/^Example/ { on = 1; next } on && /^  cramp / { sub(/^  /, ""); print; next } on && /^$/ { exit }' help.txt)
[ -n "$ex" ] && ok || bad "no example in score --help"
printf '%s\n' "$ex" >example.sh
if (PATH="$(dirname "$CRAMP"):$PATH" bash -e example.sh >ex.out 2>ex.err); then ok; else bad "the help example fails: $(tail -3 ex.err)"; fi
for f in $(grep -o -- '-o [^ ]*\|--confusion [^ ]*' example.sh | awk '{ print $2 }'); do
    [ -s "$f" ] && ok || bad "the example did not write $f"
done
[ -s score.tsv ] && one_table score.tsv 18 night
[ -s conf.tsv ] && one_table conf.tsv 4 night
if grep -q 'cramp detect' example.sh; then ok; else bad "the example detects before scoring"; fi

# ---- outputs: one table per file ----------------------------------------------
printf 'onset\tduration\ttrial_type\n1.0\t5.0\tcramp\n20.0\t2.0\tplm\n40.0\t1.0\tburst\n' >t.tsv
printf 'onset\tduration\ttrial_type\n1.2\t4.9\tcramp\n20.1\t2.0\tburst\n60.0\t1.0\tplm\n' >d.tsv
run score t.tsv d.tsv
expect_rc 0 "score to stdout"
one_table out 18 night
if grep -q $'^night\ttruth' out; then bad "the confusion table is not in the per-class output"; else ok; fi

run score t.tsv d.tsv -o table.tsv --confusion conf.tsv --json all.json
expect_rc 0 "three outputs"
[ ! -s out ] && ok || bad "nothing on stdout when every table has a file"
one_table table.tsv 18 night
one_table conf.tsv 4 night
[ "$(head -1 conf.tsv)" = "$(printf 'night\ttruth\tdetected\tcount')" ] && ok || bad "confusion header"
# plm scored as burst, burst as none ... : the cells add up to every event
if awk -F'\t' 'NR > 1 && $1 == "t.tsv" { n += $4 } END { exit !(n >= 3) }' conf.tsv; then ok; else bad "confusion cells: $(cat conf.tsv)"; fi
grep -q $'^t.tsv\tplm\tburst\t' conf.tsv && ok || bad "the plm scored as a burst is in the confusion table"
if "$PY" - all.json table.tsv <<'PYEOF'; then ok; else bad "JSON holds both tables"; fi
import csv, json, sys
d = json.load(open(sys.argv[1]))
assert d["nights"][0]["truth"] == "t.tsv" and d["nights"][0]["detected"] == "d.tsv"
assert d["nights"][0]["classes"]["cramp"]["tp"] == 1
assert d["pooled"]["confusion"]["plm"]["burst"] == 1
rows = list(csv.DictReader(open(sys.argv[2]), delimiter="\t"))
cr = [r for r in rows if r["night"] == "pooled" and r["class"] == "cramp"][0]
assert int(cr["tp"]) == d["pooled"]["classes"]["cramp"]["tp"]
PYEOF

run score t.tsv d.tsv --json -
expect_rc 0 "--json to stdout"
"$PY" -c 'import json; json.load(open("out"))' && ok || bad "stdout holds only the JSON"
run score t.tsv d.tsv --confusion - -o tab.tsv
expect_rc 0 "--confusion to stdout"
one_table out 4 night
run score t.tsv d.tsv --json - --confusion -
expect_rc 2 "two tables to stdout"
expect_err "stdout" "the usage error says why"
run score t.tsv d.tsv -o same.tsv --confusion same.tsv
expect_rc 2 "one file named twice"
run score t.tsv d.tsv --json
expect_rc 2 "--json wants a file"

echo "cli_score: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
