#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# End-to-end detection speed: `cramp detect` beside bench/scipy_detect.py (the
# same steps in NumPy/SciPy) on simulated nights, so that memory flat in
# recording length shows as the same peak RSS at every length; optionally
# the roofline: each cramp-bench stage beside a plain read of a float buffer.
#
#   bench/detect_speed.sh [-b BUILD] [-n MINUTES] [-s SHORT_MINUTES] [-c CHANNELS]
#                         [-f FS] [-W "MIN:CH:FS ..."] [-F] [-L] [-t "1 2"] [-u]
#                         [-r REPEATS] [-R PY_REPEATS] [-p PYTHON] [-k DIR]
#
# BUILD holds tools/cramp (default: build). The nights are `cramp synth
# --minutes M --channels C --fs FS` (default scenario, 16-bit EDF+): by default
# 480 and 60 minutes at 8 channels, 2 kHz (-s 0: the long night only); -W gives
# the list of nights instead, each MINUTES:CHANNELS:FS. -F is the issue-16 set,
# in one command: -W "60:8:2000 480:8:2000 60:16:4000" -L. -L adds the
# roofline (cramp-memread and cramp-bench -c 8 -m auto from BUILD/bench).
# Nights go to a temporary directory removed at the end (-k DIR: keep the
# events tables and timings there; the nights are removed either way). For
# each night the runs are interleaved (cramp, SciPy, cramp, ...) because the
# machine may be shared: cramp REPEATS times (default 3) per thread count,
# the SciPy script PY_REPEATS times (default 1), each under /usr/bin/time -v,
# pinned (1 thread: taskset -c 0; N threads: CPUs 0..N-1). -t lists thread
# counts (default 1; more than 1 needs a cramp with --threads). cramp runs
# with --no-tuning (the untuned best SIMD path) unless -u. The median wall
# time is reported, with the largest max RSS of the runs, the load average
# before and after each night. PYTHON is the interpreter with SciPy
# (default /usr/bin/python3).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
build=build
minutes=480
short=60
channels=8
fs=2000
nights=
roofline=0
threads=1
use_tuning=0
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
    -f) fs=$2; shift 2 ;;
    -W) nights=$2; shift 2 ;;
    -F) nights="60:8:2000 480:8:2000 60:16:4000"; roofline=1; shift ;;
    -L) roofline=1; shift ;;
    -t) threads=$2; shift 2 ;;
    -u) use_tuning=1; shift ;;
    -r) repeats=$2; shift 2 ;;
    -R) py_repeats=$2; shift 2 ;;
    -p) python=$2; shift 2 ;;
    -k) keep=$2; shift 2 ;;
    -h|--help) sed -n '2,28p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "detect_speed.sh: unknown argument '$1' (see -h)" >&2; exit 2 ;;
    esac
done
for v in "$minutes" "$short" "$channels" "$fs" "$repeats" "$py_repeats" $threads; do
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

[ -n "$nights" ] || {
    nights="$minutes:$channels:$fs"
    if [ "$short" -gt 0 ] && [ "$short" != "$minutes" ]; then
        nights="$short:$channels:$fs $nights"
    fi
}
for w in $nights; do
    case "$w" in
    *[!0-9:]*|*:*:*:*|:*|*::*|*:) bad_night=1 ;;
    *:*:*) bad_night=0 ;;
    *) bad_night=1 ;;
    esac
    if [ "$bad_night" -eq 1 ]; then
        echo "detect_speed.sh: night '$w' is not MINUTES:CHANNELS:FS" >&2
        exit 2
    fi
done
help=$("$cramp" detect --help)
case "$help" in *--no-tuning*) has_tuning=1 ;; *) has_tuning=0 ;; esac
case "$help" in *--threads*) has_threads=1 ;; *) has_threads=0 ;; esac
for t in $threads; do
    if [ "$t" -lt 1 ] || [ "$t" -gt "$(nproc)" ]; then
        echo "detect_speed.sh: -t $t: this machine has $(nproc) CPUs online" >&2
        exit 2
    fi
    if [ "$t" -gt 1 ] && [ "$has_threads" -eq 0 ]; then
        echo "detect_speed.sh: -t $t: this cramp detect has no --threads" >&2
        exit 2
    fi
done
if [ "$roofline" -eq 1 ]; then
    for t in cramp-bench cramp-memread; do
        if [ ! -x "$build/bench/$t" ]; then
            echo "detect_speed.sh: no $build/bench/$t (build the bench)" >&2
            exit 2
        fi
    done
fi

work=$(mktemp -d /tmp/cramp-detect-speed.XXXXXX)
trap 'rm -rf "$work"' EXIT INT TERM

# The largest night takes (channels x fs + 60 annotation) 16-bit samples a
# second; ask for it plus 10 % before writing (one night on disk at a time).
need_kb=0
for w in $nights; do
    m=${w%%:*}; rest=${w#*:}; c=${rest%%:*}; f=${rest#*:}
    kb=$(( m * 60 * (c * f + 60) * 2 * 11 / 10 / 1024 ))
    [ "$kb" -gt "$need_kb" ] && need_kb=$kb
done
free_kb=$(df -Pk "$work" | awk 'NR == 2 { print $4 }')
echo "scratch: $work, $((free_kb / 1024)) MB free, the largest night needs about $((need_kb / 1024)) MB"
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

# once TAG CPUS CMD...: one run pinned to CPUS (a taskset list); appends its
# wall and CPU time to $work/TAG.walls and .cpus, keeps the largest max RSS
# in $work/TAG.rss. The wall time is read from GNU date's nanosecond clock
# before and after (time -v's has 0.01 s steps, 8 % of a 1-h night's 0.12 s;
# this one adds the exec of taskset and time, about a millisecond, to every
# run alike); time -v's is the fallback where date has no %N.
once() {
    tag=$1; cpus=$2; shift 2
    t0=$(date +%s%N)
    taskset -c "$cpus" /usr/bin/time -v -o "$work/$tag.time" "$@" 2> "$work/$tag.err" || {
        echo "detect_speed.sh: $tag failed:" >&2; cat "$work/$tag.err" >&2; exit 1; }
    t1=$(date +%s%N)
    read -r w r c <<EOF
$(time_fields "$work/$tag.time")
EOF
    case "$t0$t1" in
    *[!0-9]*) ;;
    *) w=$(awk -v ns=$((t1 - t0)) 'BEGIN { printf "%.4f", ns / 1e9 }') ;;
    esac
    echo "$w" >> "$work/$tag.walls"
    echo "$c" >> "$work/$tag.cpus"
    old=$(cat "$work/$tag.rss" 2>/dev/null || echo 0)
    [ "$r" -gt "$old" ] && echo "$r" > "$work/$tag.rss"
    return 0
}

# summarise TAG NIGHT THREADS: appends "TAG wall_s rss_kb runs cpu_s NIGHT
# THREADS" to $work/results (medians of wall and CPU time, largest RSS)
summarise() {
    echo "$1 $(median < "$work/$1.walls") $(cat "$work/$1.rss") $(grep -c . "$work/$1.walls")" \
        "$(median < "$work/$1.cpus") $2 $3" >> "$work/results"
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

simd=$("$cramp" --version | awk -F': ' '/^SIMD/ { print $2 }')
tuning_line=$("$cramp" --version | awk '/^tuning:/')
tune_opt=
if [ "$use_tuning" -eq 0 ] && [ "$has_tuning" -eq 1 ]; then tune_opt=--no-tuning; fi
: > "$work/results"
: > "$work/load.before"
: > "$work/load.after"
for w in $nights; do
    m=${w%%:*}; rest=${w#*:}; c=${rest%%:*}; f=${rest#*:}
    id="${m}m-${c}ch-${f}"
    night=$work/night-$id.edf
    echo "== $id: cramp synth" >&2
    "$cramp" synth --minutes "$m" --channels "$c" --fs "$f" -o "$night" --quiet
    samples=$(edf_samples "$night")
    echo "$id $samples" >> "$work/samples"
    echo "$id $(cut -d' ' -f1-3 /proc/loadavg)" >> "$work/load.before"
    most=$repeats
    [ "$py_repeats" -gt "$most" ] && most=$py_repeats
    i=1
    while [ "$i" -le "$most" ]; do
        if [ "$i" -le "$repeats" ]; then
            for t in $threads; do
                echo "== $id: cramp detect, $t thread(s), run $i of $repeats" >&2
                topt=
                [ "$has_threads" -eq 1 ] && topt="--threads $t"
                # shellcheck disable=SC2086
                once "cramp$t-$id" "0-$((t - 1))" "$cramp" detect "$night" \
                    -o "$work/cramp$t-$id.tsv" --quiet $tune_opt $topt
            done
        fi
        if [ "$i" -le "$py_repeats" ]; then
            echo "== $id: scipy_detect.py, run $i of $py_repeats" >&2
            once "scipy-$id" 0 "$python" "$here/scipy_detect.py" "$night" \
                -o "$work/scipy-$id.tsv"
            tail -n 1 "$work/scipy-$id.err" > "$work/scipy-$id.json"
        fi
        i=$((i + 1))
    done
    echo "$id $(cut -d' ' -f1-3 /proc/loadavg)" >> "$work/load.after"
    for t in $threads; do summarise "cramp$t-$id" "$id" "$t"; done
    [ "$py_repeats" -gt 0 ] && summarise "scipy-$id" "$id" 1
    rm -f "$night"
done

if [ "$roofline" -eq 1 ]; then
    echo "== roofline: cramp-memread, cramp-bench -c 8 -m auto, cramp-memread" >&2
    echo "roofline $(cut -d' ' -f1-3 /proc/loadavg)" >> "$work/load.before"
    taskset -c 0 "$build/bench/cramp-memread" -r 9 3.84 256 > "$work/memread1.txt"
    taskset -c 0 "$build/bench/cramp-bench" -c 8 -m auto -r 9 -s 60 \
        --json "$work/stages.json" > "$work/stages.txt"
    taskset -c 0 "$build/bench/cramp-memread" -r 9 3.84 256 > "$work/memread2.txt"
    echo "roofline $(cut -d' ' -f1-3 /proc/loadavg)" >> "$work/load.after"
fi

echo
echo "cramp detect vs bench/scipy_detect.py, pinned (taskset), /usr/bin/time -v, runs interleaved"
echo "CPU: $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo), $(nproc) online;" \
     "cramp SIMD path: $simd"
echo "${tuning_line:-tuning: (this cramp has none)}${tune_opt:+ (not used: --no-tuning)}"
echo "Load average (1, 5, 15 min) before / after each part; above the core count means the"
echo "machine was shared and the figures are slower than an idle machine's:"
while read -r id l1 l5 l15; do
    echo "  $id: $l1 $l5 $l15 / $(awk -v i="$id" '$1 == i { print $2, $3, $4 }' "$work/load.after")"
done < "$work/load.before"
printf '%-7s %-14s %3s %4s %8s %7s %11s %9s %10s %7s %8s\n' tool night thr runs "wall s" \
    "CPU s" "M smp/s" "M smp/CPUs" "max RSS MB" "x SciPy" "x SciPy"
printf '%-7s %-14s %3s %4s %8s %7s %11s %9s %10s %7s %8s\n' "" "" "" "" "" "" "(wall)" "(CPU)" \
    "" "(wall)" "(CPU)"
while read -r tag wall rss n cpu id thr; do
    s=$(awk -v i="$id" '$1 == i { print $2 }' "$work/samples")
    sw=$(awk -v i="$id" '$1 == "scipy-" i { print $2 }' "$work/results")
    sc=$(awk -v i="$id" '$1 == "scipy-" i { print $5 }' "$work/results")
    awk -v t="${tag%%-*}" -v id="$id" -v n="$n" -v w="$wall" -v r="$rss" -v s="$s" -v c="$cpu" \
        -v th="$thr" -v sw="$sw" -v sc="$sc" \
        'BEGIN { pc = c > 0 ? sprintf("%.1f", s / c / 1e6) : "-"
                 xc = c > 0 && sc != "" ? sprintf("%.1f", sc / c) : "-"
                 xw = sw != "" ? sprintf("%.1f", sw / w) : "-"
                 printf "%-7s %-14s %3d %4d %8.3f %7.2f %11.1f %9s %10.1f %7s %8s\n", t, id,
                 th, n, w, c, s / w / 1e6, pc, r / 1024, xw, xc }'
done < "$work/results"
echo "(wall and CPU (user + system): medians of the runs, process start to exit, SciPy"
echo " imports included; wall from a nanosecond clock around each run (it includes the"
echo " exec of taskset and time, about 1 ms), CPU in time -v's 0.01-s steps; M smp/s = channels x frames of the night / wall, M smp/CPUs the"
echo " same per CPU second; RSS: the largest of the runs; x SciPy = SciPy's median / this"
echo " row's, same night, same run. CPU well below wall means other work shared the core:"
echo " then the CPU-time columns are the closer estimate of an idle core, though not equal"
echo " to it (other work also takes the caches and memory bandwidth).)"
[ "$py_repeats" -gt 0 ] && for w in $nights; do
    m=${w%%:*}; rest=${w#*:}; c=${rest%%:*}; f=${rest#*:}
    "$python" -c 'import json, sys
j = json.load(open(sys.argv[1]))
print("scipy_detect %s, its own timer after the imports: %.2f s, %.1f M samples/s"
      % (sys.argv[2], j["wall_s"], j["msamples_per_s"]))' "$work/scipy-${m}m-${c}ch-${f}.json" \
        "${m}m-${c}ch-${f}"
done

if [ "$roofline" -eq 1 ]; then
    echo
    echo "Roofline, one core (taskset -c 0): each cramp-bench stage (-c 8 -m auto, 60 s at"
    echo "2 kHz = 3.84 MB of float input; its fastest of 9 runs) beside a plain summing read"
    echo "of a float buffer (cramp-memread, before and after the stages: the fastest"
    echo "repeat); floor/stage = how many times slower than reading its input the stage is:"
    "$python" - "$work/memread1.txt" "$work/memread2.txt" "$work/stages.json" \
        "$work/results" "$work/samples" <<'EOF'
import json, sys
def floors(p):
    rows = [l.split() for l in open(p) if l.strip() and not l.lstrip().startswith("buffer")]
    return {float(r[0]): (float(r[2]), float(r[3])) for r in rows}
a, b = floors(sys.argv[1]), floors(sys.argv[2])
cache = max(a[3.84][1], b[3.84][1]) * 1e3
dram = max(a[256.0][1], b[256.0][1]) * 1e3
print(f"  read floor (fastest repeat): {cache:.0f} M floats/s from a 3.84 MB buffer (caches), "
      f"{dram:.0f} M floats/s from 256 MB (main memory)")
print(f"  (medians of the two cramp-memread runs: {a[3.84][0] * 1e3:.0f}, {b[3.84][0] * 1e3:.0f}"
      f" and {a[256.0][0] * 1e3:.0f}, {b[256.0][0] * 1e3:.0f})")
j = json.load(open(sys.argv[3]))
print(f"  {'stage (8 ch)':<36} {'simd':<7} {'M smp/s':>8} {'floor/stage 3.84 MB':>20} "
      f"{'floor/stage 256 MB':>19}")
for m in j["measurements"]:
    if m.get("status") != "ok" or m.get("channels") != 8:
        continue
    # the fastest timed run, as for the floor
    r = m["channels"] * m["fs"] * m["seconds_of_signal"] / m["min_s"] / 1e6
    print(f"  {m['stage']:<36} {m['simd']:<7} {r:8.1f} {cache / r:20.1f} {dram / r:19.1f}")
samples = dict(l.split() for l in open(sys.argv[5]))
for l in open(sys.argv[4]):
    tag, wall, rss, n, cpu, nid, thr = l.split()
    if tag.startswith("cramp1-"):
        r = int(samples[nid]) / float(cpu) / 1e6
        print(f"  {'detect ' + nid + ' (per CPU s)':<44} {r:8.1f} {cache / r:20.1f} "
              f"{dram / r:19.1f}")
EOF
fi
echo
if [ "$py_repeats" -eq 0 ]; then
    echo "(-R 0: scipy_detect.py not run, so no x SciPy figures and no agreement check)"
    nights_agree=
else
    echo "Agreement on the same night (cramp's table as the reference):"
    nights_agree=$nights
fi
for w in $nights_agree; do
    m=${w%%:*}; rest=${w#*:}; c=${rest%%:*}; f=${rest#*:}
    id="${m}m-${c}ch-${f}"
    "$python" - "$work/cramp1-$id.tsv" "$work/scipy-$id.tsv" "$id" <<'EOF'
import csv, sys
def rows(p):
    with open(p, newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))
a, b = rows(sys.argv[1]), rows(sys.argv[2])
kinds = sorted({r["trial_type"] for r in a + b})
count = lambda rs, k: sum(r["trial_type"] == k for r in rs)
print(f"  {sys.argv[3]}: episodes cramp {len(a)}, scipy {len(b)}; per label (cramp/scipy): "
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
    "$cramp" score "$work/cramp1-$id.tsv" "$work/scipy-$id.tsv" |
        awk -F'\t' 'NF >= 10 && ($1 == "pooled" || NR == 1) { printf "      %-8s %7s %10s %4s %4s %4s %6s\n", $2, $3, $4, $5, $6, $7, $10 }'
done

if [ -n "$keep" ]; then
    mkdir -p "$keep"
    cp "$work"/*.tsv "$work"/*.time "$work"/*.walls "$work"/*.cpus "$work"/*.json \
        "$work/results" "$work/samples" "$work"/load.* "$keep"/
    if [ "$roofline" -eq 1 ]; then cp "$work"/memread*.txt "$work"/stages.* "$keep"/; fi
    echo "kept: $keep"
fi
