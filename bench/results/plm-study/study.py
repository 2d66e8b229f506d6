#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""PLM study (issue 12; bench/README.md, "PLM worst case").

For each variant of a variants file (the base scenario plus the variant's keys,
read from a detect-accuracy table's `# variant NAME: k=v ...` lines), simulates
development-seed nights, runs `cramp detect` (with any extra arguments) and
pairs PLMs with the truth (IoU >= 0.2, greedy, as `cramp score` does). Prints
per variant the true PLMs found, and

  - every missed true PLM with what the detector made of it (the detected
    episode over it: its label and reason, or `none`), and whether it was
    weak / bilateral and the length of its truth series;
  - every false PLM with the truth event under it (class and detail, or
    `none`), and the length of the detected series it belongs to.

    study.py CRAMP TABLE.tsv VARIANTS_BASE SEED_LO SEED_HI MINUTES NAME[,NAME...] [-- DETECT_ARGS...]

TABLE.tsv is a detect-accuracy output (for the variant definitions),
VARIANTS_BASE the base scenario of the variants file. Development seeds only.
"""
import collections
import csv
import os
import subprocess
import sys
import tempfile


def rd(p):
    with open(p, newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def write_scenario(path, base_text, pairs):
    """The base scenario's text and then a `k v` line per pair, into path."""
    with open(path, "w") as f:
        f.write(base_text)
        for k, v in pairs:
            f.write(f"{k} {v}\n")


def night(cramp, tmp, scen, seed, minutes, extra=()):
    """One night of scenario scen (`cramp synth`, in tmp) and `cramp detect`
    on it (with the extra arguments): its truth and detected rows."""
    edf = os.path.join(tmp, "n.edf")
    subprocess.run([cramp, "synth", scen, "--seed", str(seed), "--minutes", minutes, "-o", edf],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    det_p = os.path.join(tmp, "n.det.tsv")
    subprocess.run([cramp, "detect", edf, "-o", det_p, "--quiet"] + list(extra), check=True)
    return rd(os.path.join(tmp, "n.events.tsv")), rd(det_p)


def dev_args(argv, count, doc, prog):
    """argv checked as count arguments whose fourth- and third-from-last are
    SEED_LO and SEED_HI (made ints), development seeds only (1-9999); None,
    with the usage or the refusal on stderr, when they do not fit."""
    if len(argv) != count:
        sys.stderr.write(doc)
        return None
    out = list(argv)
    out[-4], out[-3] = int(out[-4]), int(out[-3])
    if not (1 <= out[-4] <= out[-3] <= 9999):
        sys.stderr.write(f"{prog}: development seeds only (1-9999)\n")
        return None
    return out


def print_block(head, lines):
    """A variant's block: its head line, then lines, one a line, flushed."""
    print(head)
    for ln in lines:
        print(ln)
    sys.stdout.flush()


def iou(a, b):
    on, du = float(a["onset"]), float(a["duration"])
    ton, tdu = float(b["onset"]), float(b["duration"])
    ov = min(on + du, ton + tdu) - max(on, ton)
    un = max(on + du, ton + tdu) - min(on, ton)
    return ov / un if un > 0 and ov > 0 else 0.0


def overlap(a, b):
    on, du = float(a["onset"]), float(a["duration"])
    ton, tdu = float(b["onset"]), float(b["duration"])
    return min(on + du, ton + tdu) - max(on, ton)


def variants(table):
    out = {}
    with open(table) as f:
        for line in f:
            if not line.startswith("# variant "):
                continue
            name, _, rest = line[len("# variant "):].partition(": ")
            kv = []
            for tok in rest.split():
                k, eq, v = tok.partition("=")
                if not eq:
                    continue
                kv.append((k, v.replace(",", " ")))
            out[name.strip()] = kv
    return out


def match(truth, det):
    """Greedy by decreasing IoU >= 0.2 (cramp score's matching)."""
    pairs = []
    for i, t in enumerate(truth):
        for j, d in enumerate(det):
            v = iou(t, d)
            if v >= 0.2:
                pairs.append((v, i, j))
    pairs.sort(reverse=True)
    ti, dj = {}, {}
    for v, i, j in pairs:
        if i in ti or j in dj:
            continue
        ti[i], dj[j] = j, i
    return ti, dj


def main():
    argv = sys.argv[1:]
    extra = []
    if "--" in argv:
        extra = argv[argv.index("--") + 1:]
        argv = argv[:argv.index("--")]
    args = dev_args(argv, 7, __doc__, "study.py")
    if args is None:
        return 2
    cramp, table, base, lo, hi, minutes, names = args
    defs = variants(table)
    with open(base) as f:
        base_text = f.read()
    with tempfile.TemporaryDirectory() as tmp:
        for name in names.split(","):
            if name not in defs and name != "base":
                sys.stderr.write(f"study.py: no variant {name} in {table}\n")
                return 2
            scen = os.path.join(tmp, "v.scenario")
            write_scenario(scen, base_text, defs.get(name, []))
            n_truth = tp = n_fp = 0
            miss, false = collections.Counter(), collections.Counter()
            lines = []
            for seed in range(lo, hi + 1):
                truth, det = night(cramp, tmp, scen, seed, minutes, extra)
                tp_l = [t for t in truth if t["trial_type"] == "plm"]
                dp_l = [d for d in det if d["trial_type"] == "plm"]
                ser_len = collections.Counter(d["series"] for d in dp_l)
                ti, dj = match(tp_l, dp_l)
                n_truth += len(tp_l)
                tp += len(ti)
                n_fp += len(dp_l) - len(dj)
                for i, t in enumerate(tp_l):
                    if i in ti:
                        continue
                    best = max(det, key=lambda d: overlap(t, d), default=None)
                    if best is not None and overlap(t, best) > 0:
                        what = best["trial_type"]
                        if what == "plm":
                            what = "plm(iou<0.2 or taken)"
                        why = best["reason"][:60]
                    else:
                        what, why = "none", ""
                    det_ = t["detail"]
                    kind = ("weak " if "weak" in det_ else "") + ("bilateral " if "bilateral" in det_ else "")
                    miss[what] += 1
                    lines.append(f"  seed {seed} MISS {float(t['onset']):8.1f} {t['channel']:<12} "
                                 f"{det_:<34} {kind:<16} -> {what}: {why}")
                for j, d in enumerate(dp_l):
                    if j in dj:
                        continue
                    best = max(truth, key=lambda t: overlap(t, d), default=None)
                    if best is not None and overlap(best, d) > 0:
                        what = best["trial_type"] + ":" + best["detail"].split(",")[0]
                    else:
                        what = "none"
                    false[what.split(":")[0] if what.startswith("plm") else what] += 1
                    lines.append(f"  seed {seed} FALSE {float(d['onset']):8.1f} {d['channel']:<12} "
                                 f"dur {float(d['duration']):5.2f} series {d['series']} "
                                 f"(len {ser_len[d['series']]}) over {what}")
            print_block(f"{name}\ttruth {n_truth}\tfound {tp}\tfalse {n_fp}\tmissed-as: "
                        + " ".join(f"{k}={v}" for k, v in sorted(miss.items()))
                        + "\tfalse-over: "
                        + " ".join(f"{k}={v}" for k, v in sorted(false.items())), lines)
    return 0


if __name__ == "__main__":
    sys.exit(main())
