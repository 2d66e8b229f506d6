#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Every example in every command's --help runs (issue 15, item 5): the lines of
# each "Example:"/"Examples" section are extracted from `cramp COMMAND --help`
# and run, in order, with bash in a scratch folder that holds the inputs they
# name (made by cramp synth and cramp filter; example_inputs in cli_lib.sh;
# the README's examples are cli_readme_examples.sh). A trailing "  (...)" remark is
# dropped; lines starting with '#' are remarks; Slurm's sbatch lines need a
# cluster and are shown, not run (tests/cli/slurm_batch.sh runs that recipe).
# Usage: cli_examples.sh CRAMP DATASETS_DIR
set -u
CRAMP=${1:?usage: cli_examples.sh CRAMP DATASETS_DIR}
DATASETS=$(cd "${2:?usage: cli_examples.sh CRAMP DATASETS_DIR}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=cli_lib.sh
. "$here/cli_lib.sh"
cli_workdir examples
mkdir bin && ln -s "$CRAMP" bin/cramp && export PATH="$WORK/bin:$PATH"
ln -s "$DATASETS" datasets

# The inputs the examples name (cli_lib.sh).
example_inputs || exit 1

for cmd in info filter envelope fatigue synth detect batch score plot; do
    "$CRAMP" "$cmd" --help >"help-$cmd.txt" 2>&1
    awk '/^Examples?( \(.*\))?:$/ { on = 1; next } on && /^$/ { exit } on { print }' \
        "help-$cmd.txt" | sed -E 's/^  //; s/ {2,}\(.*\)$//' >"ex-$cmd.sh"
    if [ ! -s "ex-$cmd.sh" ]; then
        bad "cramp $cmd --help has no examples"
        continue
    fi
    grep -v -e 'sbatch' -e '^(' "ex-$cmd.sh" >"run-$cmd.sh"
    if bash -e "run-$cmd.sh" >"ex-$cmd.out" 2>&1; then
        ok
    else
        bad "cramp $cmd --help: an example failed:"
        sed 's/^/    /' "ex-$cmd.sh" >&2
        tail -5 "ex-$cmd.out" | sed 's/^/  output: /' >&2
    fi
done
echo "cli_examples: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
