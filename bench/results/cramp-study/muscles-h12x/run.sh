#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Cramps off the calf (issue 12, h12x): the robustness table and the per-event
# breakdown over datasets/robustness/muscles.variants. Usage: run.sh BUILD A B
# (seeds A-B: development, or h12x's validation range 10460-10469 once).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=$1 a=$2 b=$3
n=$((b - a + 1))
kind=dev; [ "$a" -ge 10000 ] && kind=val
"$build/bench/detect-accuracy" --variants "$here/../../../../datasets/robustness/muscles.variants" \
    --quick --nights "$n" --seed-range "$a-$b" > "$here/muscles-quick-$kind-$a-$b-h12x.tsv"
tmp=$(mktemp -d)
grep '^# ' "$here/muscles-quick-$kind-$a-$b-h12x.tsv" > "$tmp/v.txt"
python3 "$here/sites.py" scenarios "$tmp/v.txt" "$here/../../../../datasets/robustness/literature-base.scenario" "$tmp/s"
python3 "$here/sites.py" make "$build/tools/cramp" "$tmp/s" "$a" "$b" 20 "$here/sites-$kind-$a-$b-20min-h12x.tsv"
python3 "$here/sites.py" table "$here/sites-$kind-$a-$b-20min-h12x.tsv" > "$here/sites-table-$kind-$a-$b-h12x.txt"
rm -r "$tmp"
