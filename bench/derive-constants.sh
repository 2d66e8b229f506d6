#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Re-derives the cramp classifier's derived constants (lib/include/cramp/detect.h
# says which) from committed development nights: the scenarios below, on
# development seeds only (bench/README.md, "Seed splits").
# Usage: bench/derive-constants.sh BUILD_DIR [SEEDS A-B] [MINUTES]
set -eu
B=${1:?usage: derive-constants.sh BUILD_DIR [SEEDS] [MINUTES]}
SEEDS=${2:-1001-1003}
MIN=${3:-30}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
D="$HERE/../datasets"
P="$HERE/results/precursor-study" # the literature base with a precursor before every cramp
exec python3 "$HERE/derive_constants.py" "$B/tools/cramp" \
    "$D/robustness/literature-base.scenario" "$D/robustness/dev-weak-cramps.scenario" \
    "$D/variants/few-unit-cramps.scenario" "$D/variants/gradual-confined-cramps.scenario" \
    "$D/variants/full-interference-cramps.scenario" "$D/variants/precursor-stretch.scenario" \
    "$D/variants/tremor-alma-night.scenario" \
    "$P/pre1.scenario" "$P/pre2.scenario" "$P/pre4.scenario" "$P/pre1-few.scenario" \
    --seeds "$SEEDS" --minutes "$MIN"
