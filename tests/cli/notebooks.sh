#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The notebooks in notebooks/ run start to finish against this build's cramp
# (jupyter nbconvert --execute, Debian's jupyter-nbconvert, python3-ipykernel,
# python3-matplotlib; skipped when one is missing), each cell's own checks
# included; the committed notebooks carry no outputs (no stale results).
# Usage: tests/cli/notebooks.sh PATH/TO/cramp NOTEBOOKS_DIR
set -u
CRAMP=${1:?usage: notebooks.sh PATH/TO/cramp NOTEBOOKS_DIR}
NB=${2:?usage: notebooks.sh PATH/TO/cramp NOTEBOOKS_DIR}
CRAMP=$(cd "$(dirname "$CRAMP")" && pwd)/$(basename "$CRAMP")
NB=$(cd "$NB" && pwd)
PY=/usr/bin/python3
WORK=$(mktemp -d "${TMPDIR:-/tmp}/cramp-notebooks.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
passed=0
failed=0
ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL: $*" >&2; }

shopt -s nullglob
books=("$NB"/*.ipynb)
[ "${#books[@]}" -ge 1 ] && ok || bad "no notebooks in $NB"

# no outputs committed: every code cell has outputs [] and execution_count null
for b in "${books[@]}"; do
    "$PY" - "$b" <<'PY' && ok || bad "$(basename "$b") carries outputs or execution counts: clear them"
import json, sys
nb = json.load(open(sys.argv[1]))
sys.exit(any(c.get("outputs") or c.get("execution_count") is not None
             for c in nb["cells"] if c["cell_type"] == "code"))
PY
done

if ! command -v jupyter >/dev/null || ! jupyter nbconvert --version >/dev/null 2>&1 ||
    ! "$PY" -c "import ipykernel, matplotlib, numpy" 2>/dev/null; then
    echo "SKIP: jupyter-nbconvert, python3-ipykernel or python3-matplotlib missing (scripts/setup installs them)"
    echo "notebooks: $passed passed, $failed failed"
    [ "$failed" -eq 0 ] || exit 1
    exit 77
fi

export CRAMP PYDEVD_DISABLE_FILE_VALIDATION=1
for b in "${books[@]}"; do
    name=$(basename "$b" .ipynb)
    mkdir -p "$WORK/$name"
    # jupyter runs the notebook in its own folder (notebooks/, so .. is the
    # repository); outputs go to the scratch folder
    if CRAMP_NB_WORK="$WORK/$name" timeout 600 jupyter nbconvert --to notebook --execute \
        --ExecutePreprocessor.timeout=300 --output-dir "$WORK" "$b" >"$WORK/$name.log" 2>&1; then
        ok
    else
        bad "notebook $name failed:"
        grep -v "Debugger warning\|frozen modules\|Debugging will proceed" "$WORK/$name.log" | tail -25 >&2
    fi
    ls "$WORK/$name"/*.png >/dev/null 2>&1 && ok || bad "notebook $name drew no figure"
done

echo "notebooks: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
