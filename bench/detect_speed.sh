#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# End-to-end detection speed: `cramp detect` beside bench/scipy_detect.py (the
# same steps in NumPy/SciPy) on a simulated night, at two lengths, so that
# memory flat in recording length shows as the same peak RSS at both.
#
#   bench/detect_speed.sh [-b BUILD] [-n MINUTES] [-s SHORT_MINUTES] [-c CHANNELS]
#                         [-r REPEATS] [-R PY_REPEATS] [-p PYTHON] [-k DIR]
#
# BUILD holds tools/cramp (default: build). The nights are `cramp synth
# --minutes N --channels C` (default scenario: 2 kHz, 16-bit EDF+), 480 and
# 60 minutes at 8 channels by default (-s 0: the long night only), written to
# a temporary directory that is removed at the end (-k DIR: keep the events
# tables and timings there; the nights are removed either way). Each tool runs
# pinned to CPU 0 under /usr/bin/time -v: cramp REPEATS times (default 3),
# the SciPy script PY_REPEATS times (default 1); the median wall time is
# reported, with the largest max RSS of the runs. PYTHON is the interpreter
# with SciPy (default /usr/bin/python3).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
build=build
minutes=480
short=60
channels=8
repeats=3
py_repeats=1
python=/usr/bin/python3
keep=
while [ $# -gt 0 ]; do
    case "$1" in
    -b) build=$2; shift 2 ;;
    -n) minutes=$2; shift 2 ;;
    -s) short=$2; shift 2 ;;
    -c) channels=$2; shift 2 ;;
    -r) repeats=$2; shift 2 ;;
    -R) py_repeats=$2; shift 2 ;;
    -p) python=$2; shift 2 ;;
    -k) keep=$2; shift 2 ;;
    -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "detect_speed.sh: unknown argument '$1' (see -h)" >&2; exit 2 ;;
    esac
done
for v in "$minutes" "$short" "$channels" "$repeats" "$py_repeats"; do
    case "$v" in
    ''|*[!0-9]*) echo "detect_speed.sh: '$v' is not a whole number" >&2; exit 2 ;;
    esac
done
cramp=$(cd "$build" 2>/dev/null && pwd)/tools/cramp
if [ ! -x "$cramp" ]; then
    echo "detect_speed.sh: no $build/tools/cramp (build first, or pass -b)" >&2
    exit 2
fi
for t in /usr/bin/time taskset "$python"; do
    command -v "$t" >/dev/null 2>&1 || { echo "detect_speed.sh: needs $t" >&2; exit 2; }
done

work=$(mktemp -d /tmp/cramp-detect-speed.XXXXXX)
trap 'rm -rf "$work"' EXIT INT TERM

# The long night takes (channels x 2000 + 60 annotation) 16-bit samples a
# second (the default scenario's rate); ask for it plus 10 % before writing.
need_kb=$(( minutes * 60 * (channels * 2000 + 60) * 2 * 11 / 10 / 1024 ))
free_kb=$(df -Pk "$work" | awk 'NR == 2 { print $4 }')
echo "scratch: $work, $((free_kb / 1024)) MB free, the night needs about $((need_kb / 1024)) MB"
if [ "$free_kb" -lt "$need_kb" ]; then
    echo "detect_speed.sh: not enough space in $(dirname "$work")" >&2
    exit 1
fi

# wall seconds, max RSS (kB) and CPU seconds (user + system) of one
# /usr/bin/time -v report
time_fields() {
    awk -F': ' '
        /Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0
                                   for (i = 1; i <= n; i++) s = s * 60 + p[i]; w = s }
        /Maximum resident set size/ { r = $2 }
        /User time|System time/ { c += $2 }
        END { printf "%.3f %d %.3f\n", w, r, c }' "$1"
}

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# run TAG N CMD...: N pinned runs; appends "TAG wall_s rss_kb runs cpu_s" to
# $work/results (medians of wall and CPU time, largest RSS)
run() {
    tag=$1; n=$2; shift 2
    : > "$work/$tag.walls"; : > "$work/$tag.cpus"; rss=0
    i=1
    while [ "$i" -le "$n" ]; do
        taskset -c 0 /usr/bin/time -v -o "$work/$tag.time" "$@" 2> "$work/$tag.err" || {
            echo "detect_speed.sh: $tag failed:" >&2; cat "$work/$tag.err" >&2; exit 1; }
        read -r w r c <<EOF
$(time_fields "$work/$tag.time")
EOF
        echo "$w" >> "$work/$tag.walls"
        echo "$c" >> "$work/$tag.cpus"
        [ "$r" -gt "$rss" ] && rss=$r
        i=$((i + 1))
    done
    echo "$tag $(median < "$work/$tag.walls") $rss $n $(median < "$work/$tag.cpus")" \
        >> "$work/results"
}

# samples (channels x frames) of an EDF, from its header
edf_samples() {
    "$python" - "$1" <<'EOF'
import sys
with open(sys.argv[1], "rb") as f:
    h = f.read(256)
    ns = int(h[252:256])
    s = f.read(256 * ns)
labels = [s[i * 16:(i + 1) * 16].strip() for i in range(ns)]
o = 216 * ns
spr = [int(s[o + i * 8:o + (i + 1) * 8]) for i in range(ns)]
print(int(h[236:244]) * sum(n for lab, n in zip(labels, spr) if lab != b"EDF Annotations"))
EOF
}

: > "$work/results"
lengths=$minutes
[ "$short" -gt 0 ] && [ "$short" != "$minutes" ] && lengths="$short $minutes"
for m in $lengths; do
    night=$work/night$m.edf
    echo "== $m min x $channels channels: cramp synth" >&2
    "$cramp" synth --minutes "$m" --channels "$channels" -o "$night" --quiet
    samples=$(edf_samples "$night")
    echo "$m $samples" >> "$work/samples"
    echo "== $m min: cramp detect x $repeats" >&2
    run "cramp-$m" "$repeats" "$cramp" detect "$night" -o "$work/cramp-$m.tsv" --quiet
    echo "== $m min: scipy_detect.py x $py_repeats" >&2
    run "scipy-$m" "$py_repeats" "$python" "$here/scipy_detect.py" "$night" \
        -o "$work/scipy-$m.tsv"
    tail -n 1 "$work/scipy-$m.err" > "$work/scipy-$m.json"
    rm -f "$night"
done

echo
echo "cramp detect vs bench/scipy_detect.py, pinned to CPU 0 (taskset -c 0), /usr/bin/time -v"
echo "CPU: $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo), $(nproc) online;" \
     "load average before the table: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-8s %8s %5s %9s %8s %13s %11s\n' tool minutes runs "wall s" "CPU s" "M samples/s" \
    "max RSS MB"
while read -r tag wall rss n cpu; do
    m=${tag#*-}
    s=$(awk -v m="$m" '$1 == m { print $2 }' "$work/samples")
    awk -v t="${tag%%-*}" -v m="$m" -v n="$n" -v w="$wall" -v r="$rss" -v s="$s" -v c="$cpu" \
        'BEGIN { printf "%-8s %8d %5d %9.2f %8.2f %13.1f %11.1f\n", t, m, n, w, c, s / w / 1e6,
                 r / 1024 }'
done < "$work/results"
echo "(wall and CPU (user + system): medians of the runs, process start to exit, SciPy"
echo " imports included; M samples/s = channels x frames of the night / wall; RSS: the"
echo " largest of the runs. CPU well below wall means other work shared the core.)"
for m in $lengths; do
    "$python" -c 'import json, sys
j = json.load(open(sys.argv[1]))
print("scipy_detect %s min, its own timer after the imports: %.2f s, %.1f M samples/s"
      % (sys.argv[2], j["wall_s"], j["msamples_per_s"]))' "$work/scipy-$m.json" "$m"
done

echo
echo "Agreement on the same night (cramp's table as the reference):"
for m in $lengths; do
    "$python" - "$work/cramp-$m.tsv" "$work/scipy-$m.tsv" "$m" <<'EOF'
import csv, sys
def rows(p):
    with open(p, newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))
a, b = rows(sys.argv[1]), rows(sys.argv[2])
kinds = sorted({r["trial_type"] for r in a + b})
count = lambda rs, k: sum(r["trial_type"] == k for r in rs)
print(f"  {sys.argv[3]} min: episodes cramp {len(a)}, scipy {len(b)}; per label (cramp/scipy): "
      + ", ".join(f"{k} {count(a, k)}/{count(b, k)}" for k in kinds))
ca = [float(r["onset"]) for r in a if r["trial_type"] == "cramp"]
cb = [float(r["onset"]) for r in b if r["trial_type"] == "cramp"]
near = [min((abs(x - y) for y in cb), default=float("inf")) for x in ca]
ok = sum(d <= 0.5 for d in near)
worst = max(near, default=0.0)
print(f"    cramp onsets: {ok} of cramp's {len(ca)} cramps have a scipy cramp within 0.5 s"
      f" (largest gap {worst:.3f} s); scipy cramps {len(cb)}")
same = sum(1 for x, y in zip(a, b) if (x["onset"], x["duration"], x["trial_type"])
           == (y["onset"], y["duration"], y["trial_type"]))
print(f"    rows with the same onset, duration and label, in order: {same} of {max(len(a), len(b))}")
EOF
    echo "    cramp score (truth = cramp's table, detected = scipy's), pooled per class:"
    "$cramp" score "$work/cramp-$m.tsv" "$work/scipy-$m.tsv" |
        awk -F'\t' 'NF >= 10 && ($1 == "pooled" || NR == 1) { printf "      %-8s %7s %10s %4s %4s %4s %6s\n", $2, $3, $4, $5, $6, $7, $10 }'
done

if [ -n "$keep" ]; then
    mkdir -p "$keep"
    cp "$work"/*.tsv "$work"/*.time "$work"/*.walls "$work"/*.cpus "$work"/*.json \
        "$work/results" "$work/samples" "$keep"/
    echo "kept: $keep"
fi
