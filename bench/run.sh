#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs cramp-bench and the SciPy benchmark on the same signal length, channel
# counts and repeats, then prints cramp/SciPy per stage.
#
#   bench/run.sh [-b BUILD_DIR] [-o OUT_DIR] [-p PYTHON] [--rms uniform|convolve]
#                [--] [cramp-bench options...]
#
# BUILD_DIR holds bench/cramp-bench (default: build); OUT_DIR receives
# cramp.json and scipy.json (default: a new directory under /tmp). PYTHON is
# the interpreter with SciPy (default /usr/bin/python3). Wrap the whole script
# in `taskset -c 0` to keep both on one core; it pins nothing itself.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
build=build
out=
python=/usr/bin/python3
rms=uniform
while [ $# -gt 0 ]; do
    case "$1" in
    -b) build=$2; shift 2 ;;
    -o) out=$2; shift 2 ;;
    -p) python=$2; shift 2 ;;
    --rms) rms=$2; shift 2 ;;
    -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    --) shift; break ;;
    *) break ;;
    esac
done
bench=$build/bench/cramp-bench
if [ ! -x "$bench" ]; then
    echo "run.sh: no $bench (build with cmake --build $build first, or pass -b)" >&2
    exit 2
fi
[ -n "$out" ] || out=$(mktemp -d /tmp/cramp-bench.XXXXXX)
mkdir -p "$out"

for v in OPENBLAS_CORETYPE OPENBLAS_L2_SIZE; do
    eval "val=\${$v-}"
    if [ -n "$val" ]; then echo "note: $v=$val is set (these stages use no BLAS)"; fi
done

status=0
"$bench" --json "$out/cramp.json" "$@" || status=$?
if [ ! -s "$out/cramp.json" ]; then
    echo "run.sh: cramp-bench wrote no JSON" >&2
    exit 1
fi
echo
"$python" "$here/scipy_bench.py" --like "$out/cramp.json" --rms "$rms" \
    --json "$out/scipy.json" || status=$?
echo
echo "== cramp / SciPy (NEW = cramp, BASE = SciPy) =="
"$python" "$here/compare.py" "$out/scipy.json" "$out/cramp.json"
echo
echo "JSON in $out"
exit $status
