#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Reference vectors for cramp's filter design and filtering, made with SciPy.

How to run (from anywhere; Debian's python3-scipy, not a pyenv/venv Python):

    /usr/bin/python3 tests/data/gen_reference.py

It rewrites tests/data/ref/ (the files are committed, so the tests never need
Python). The output is deterministic: fixed seeds, and every number written
with '%.17g', which round-trips a double exactly. Versions used are recorded
in the header of tests/data/ref/MANIFEST.tsv.

What it writes (text; whitespace-separated numbers; lines starting with '#'
are comments, as tests/testutil.c's test_read_numbers reads them):

  butter.txt      sections of scipy.signal.butter(N, Wn, btype, output='sos', fs=fs)
  notch.txt       one section per case from scipy.signal.iirnotch(f0, Q, fs)
  comb.txt        iirnotch(k*f0, Q, fs) for k = 1, 2, ... while k*f0 < fs/2, in that
                  order (what cramp_comb_design gives: the same Q for every notch)
                  Each section is one row "b0 b1 b2 a0 a1 a2" (a0 = 1), cases
                  concatenated, a '#' line naming each case before its rows.
  signal_1ch.txt  3000 frames x 1 channel of a fixed random signal, float32 values
  signal_3ch.txt  1500 frames x 3 channels (interleaved: one frame per row)
  sosfilt.txt     scipy.signal.sosfilt(sos, x, axis=0) in float64, one frame per row
  sosfiltfilt.txt scipy.signal.sosfiltfilt(sos, x, axis=0) with its defaults
                  (padtype='odd', padlen=None), one frame per row
  MANIFEST.tsv    one tab-separated line per case (the format is in its header);
                  offsets count numbers (as test_read_numbers returns them) from
                  the start of the file, so a test can loop over the cases.

Filtering cases take their sections from design cases named in the manifest
(several joined with '+' form one cascade, e.g. a band-pass followed by a
mains comb) and their input from the first `frames` frames of a signal file.
The default padlen of each sosfiltfilt case is found by asking SciPy: the
shortest input sosfiltfilt accepts has padlen + 1 frames.
"""

import os
import sys

import numpy as np
import scipy
import scipy.signal as sig

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "ref")

FS_LIST = [200, 256, 500, 512, 1000, 2000, 2048, 4000, 10000]
BTYPES = ["lowpass", "highpass", "bandpass", "bandstop"]
SHORT = {"lowpass": "lp", "highpass": "hp", "bandpass": "bp", "bandstop": "bs"}


def num(v):
    return "%.17g" % v


def fmt_hz(v):
    """A compact, unambiguous spelling of a parameter for case names."""
    return ("%.10g" % v).replace(".", "p")


class Writer:
    """Accumulates one reference file, counting the numbers written so far."""

    def __init__(self, name, title):
        self.name = name
        self.lines = ["# %s" % title]
        self.count = 0

    def comment(self, text):
        self.lines.append("# " + text)

    def rows(self, arr):
        arr = np.atleast_2d(np.asarray(arr, dtype=np.float64))
        for r in arr:
            self.lines.append(" ".join(num(v) for v in r))
        self.count += arr.size

    def save(self):
        with open(os.path.join(OUT, self.name), "w") as f:
            f.write("\n".join(self.lines) + "\n")


def cutoff_options(fs):
    nyq = fs / 2.0
    hi = min(450.0, 0.9 * nyq)
    return {
        "lowpass": [(hi, None), (0.98 * nyq, None), (10.0, None), (0.25 * nyq, None)],
        "highpass": [(20.0, None), (10.0, None), (0.9 * nyq, None), (0.5, None)],
        "bandpass": [(20.0, hi), (10.0, 0.95 * nyq), (30.0, 0.5 * nyq), (0.5, 0.98 * nyq)],
        "bandstop": [(45.0, 55.0), (48.0, 52.0), (20.0, 0.9 * nyq), (0.2 * nyq, 0.8 * nyq)],
    }


def butter_cases():
    """A spread over orders 1..10, every type and every rate: for each (rate,
    type) four orders, rotating so that each order meets each type at three
    or four rates, and the cutoff options rotate likewise."""
    cases = []
    for i, fs in enumerate(FS_LIST):
        opts = cutoff_options(fs)
        for t, bt in enumerate(BTYPES):
            for k in range(4):
                order = 1 + (4 * i + 3 * t + k) % 10
                f1, f2 = opts[bt][(i + k) % len(opts[bt])]
                cases.append((bt, order, float(fs), f1, f2))
    # Cases the filtering references use, and a few named in the design notes.
    cases += [
        ("bandpass", 4, 1000.0, 20.0, 450.0),
        ("bandpass", 2, 200.0, 10.0, 90.0),
        ("bandpass", 4, 200.0, 20.0, 90.0),
        ("bandpass", 4, 2000.0, 20.0, 450.0),
        ("highpass", 2, 200.0, 10.0, None),
        ("lowpass", 10, 2000.0, 980.0, None),
        ("lowpass", 4, 10000.0, 10.0, None),
        ("lowpass", 1, 1000.0, 100.0, None),
        ("lowpass", 3, 256.0, 40.0, None),
        ("bandstop", 5, 500.0, 45.0, 55.0),
        ("bandpass", 10, 10000.0, 20.0, 4500.0),
        ("bandstop", 10, 4000.0, 45.0, 55.0),
    ]
    seen, out = set(), []
    for c in cases:
        if c not in seen:
            seen.add(c)
            out.append(c)
    return out


def butter_name(bt, order, fs, f1, f2):
    name = "butter_%s_o%d_fs%s_%s" % (SHORT[bt], order, fmt_hz(fs), fmt_hz(f1))
    if f2 is not None:
        name += "_%s" % fmt_hz(f2)
    return name


def notch_row(f0, q, fs):
    b, a = sig.iirnotch(f0, q, fs=fs)
    b = np.asarray(b, dtype=np.float64) / a[0]
    a = np.asarray(a, dtype=np.float64) / a[0]
    return np.concatenate([b, a])


def make_signals():
    rng = np.random.default_rng(20240611)
    n1 = 3000
    t = np.arange(n1)
    # EMG-like: noise with a slow amplitude burst, a mains-like tone, a DC offset.
    env = 1.0 + 3.0 * np.exp(-0.5 * ((t - 1800.0) / 250.0) ** 2)
    x1 = 40.0 * env * rng.standard_normal(n1) + 30.0 * np.sin(2 * np.pi * 0.05 * t) + 25.0
    x1 = x1.astype(np.float32).astype(np.float64).reshape(n1, 1)

    n3 = 1500
    t = np.arange(n3)
    x3 = np.empty((n3, 3))
    x3[:, 0] = 50.0 * rng.standard_normal(n3)
    x3[:, 1] = 150.0 * rng.standard_normal(n3) + 100.0
    x3[:, 2] = 80.0 * np.sin(2 * np.pi * 0.06 * t + 0.3) + 5.0 * rng.standard_normal(n3) - 40.0
    x3 = x3.astype(np.float32).astype(np.float64)
    return {"signal_1ch.txt": x1, "signal_3ch.txt": x3}


def scipy_padlen(sos, channels):
    """Default padlen of sosfiltfilt, found by probing SciPy itself."""
    for n in range(1, 10000):
        try:
            sig.sosfiltfilt(sos, np.zeros((n, channels)), axis=0)
        except ValueError:
            continue
        return n - 1
    raise RuntimeError("no padlen found")


def main():
    os.makedirs(OUT, exist_ok=True)
    manifest = [
        "# cramp filter reference cases, made by tests/data/gen_reference.py with scipy %s, numpy %s"
        % (scipy.__version__, np.__version__),
        "# Tab-separated; '-' = not applicable. Offsets count numbers from the start of the file.",
        "# design\tname\tfamily\tbtype\torder\tfs\tf1\tf2\tq\tn_sections\tfile\toffset",
        "# sosfilt|sosfiltfilt\tname\tdesigns('+'-joined)\tchannels\tframes\tinput_file"
        "\tpadlen\toutput_file\toffset",
    ]
    designs = {}  # name -> sos

    w = Writer("butter.txt", "scipy.signal.butter(N, Wn, btype, output='sos', fs=fs); rows b0 b1 b2 a0 a1 a2")
    for bt, order, fs, f1, f2 in butter_cases():
        wn = f1 if f2 is None else [f1, f2]
        sos = sig.butter(order, wn, btype=bt, output="sos", fs=fs)
        name = butter_name(bt, order, fs, f1, f2)
        designs[name] = sos
        w.comment("%s: butter(%d, %r, btype=%r, output='sos', fs=%r), %d sections"
                  % (name, order, wn, bt, fs, sos.shape[0]))
        manifest.append("\t".join(["design", name, "butter", bt, str(order), num(fs), num(f1),
                                   "-" if f2 is None else num(f2), "-", str(sos.shape[0]),
                                   w.name, str(w.count)]))
        w.rows(sos)
    w.save()

    w = Writer("notch.txt", "scipy.signal.iirnotch(f0, Q, fs) as one section b0 b1 b2 a0 a1 a2")
    notch_cases = [(f0, q, float(fs)) for fs in FS_LIST for f0 in (50.0, 60.0) for q in (10.0, 30.0, 35.0)]
    notch_cases += [(90.0, 30.0, 200.0), (120.0, 10.0, 256.0), (1.0, 0.7, 1000.0)]
    for f0, q, fs in notch_cases:
        name = "notch_%s_q%s_fs%s" % (fmt_hz(f0), fmt_hz(q), fmt_hz(fs))
        row = notch_row(f0, q, fs)
        designs[name] = row.reshape(1, 6)
        w.comment("%s: iirnotch(%r, %r, fs=%r)" % (name, f0, q, fs))
        manifest.append("\t".join(["design", name, "notch", "-", "-", num(fs), num(f0), "-",
                                   num(q), "1", w.name, str(w.count)]))
        w.rows(row)
    w.save()

    w = Writer("comb.txt", "iirnotch(k*f0, Q, fs) for k = 1.. while k*f0 < fs/2; rows b0 b1 b2 a0 a1 a2")
    comb_cases = [(f0, q, float(fs)) for fs in FS_LIST for f0 in (50.0, 60.0) for q in (30.0, 35.0)]
    comb_cases += [(50.0, 10.0, 1000.0), (60.0, 10.0, 2048.0)]
    for f0, q, fs in comb_cases:
        name = "comb_%s_q%s_fs%s" % (fmt_hz(f0), fmt_hz(q), fmt_hz(fs))
        rows = []
        k = 1
        while k * f0 < fs / 2.0:
            rows.append(notch_row(k * f0, q, fs))
            k += 1
        sos = np.array(rows)
        designs[name] = sos
        w.comment("%s: %d notches at k*%r Hz, Q=%r, fs=%r" % (name, len(rows), f0, q, fs))
        manifest.append("\t".join(["design", name, "comb", "-", "-", num(fs), num(f0), "-",
                                   num(q), str(len(rows)), w.name, str(w.count)]))
        w.rows(sos)
    w.save()

    signals = make_signals()
    for fname, x in signals.items():
        w = Writer(fname, "%d frames x %d channels, float32-representable, one frame per row"
                   % x.shape)
        w.comment("made with numpy.random.default_rng(20240611); see tests/data/gen_reference.py")
        w.rows(x)
        w.save()

    bp = butter_name("bandpass", 4, 1000.0, 20.0, 450.0)
    comb1k = "comb_50_q30_fs1000"
    sosfilt_cases = [
        ([bp], "signal_1ch.txt", None),
        ([bp, comb1k], "signal_1ch.txt", None),
        ([butter_name("lowpass", 10, 2000.0, 980.0, None)], "signal_1ch.txt", None),
        ([butter_name("highpass", 2, 200.0, 10.0, None)], "signal_1ch.txt", None),
        ([butter_name("bandstop", 5, 500.0, 45.0, 55.0)], "signal_1ch.txt", None),
        (["notch_60_q35_fs512"], "signal_1ch.txt", None),
        ([butter_name("lowpass", 4, 10000.0, 10.0, None)], "signal_1ch.txt", None),
        ([bp], "signal_3ch.txt", None),
        ([butter_name("bandpass", 2, 200.0, 10.0, 90.0), "comb_50_q30_fs200"], "signal_3ch.txt", None),
    ]
    # None: the whole signal; "short": padlen + 1 frames, the shortest SciPy accepts.
    sosfiltfilt_cases = [
        ([bp], "signal_1ch.txt", None),
        ([bp, comb1k], "signal_1ch.txt", None),
        ([butter_name("highpass", 2, 200.0, 10.0, None)], "signal_1ch.txt", None),
        ([butter_name("lowpass", 10, 2000.0, 980.0, None)], "signal_1ch.txt", None),
        ([butter_name("lowpass", 4, 10000.0, 10.0, None)], "signal_1ch.txt", None),
        ([butter_name("bandpass", 4, 2000.0, 20.0, 450.0), "comb_50_q30_fs2000"], "signal_1ch.txt", None),
        ([bp], "signal_3ch.txt", None),
        (["notch_50_q30_fs1000"], "signal_3ch.txt", None),
        ([bp], "signal_1ch.txt", "short"),
        ([butter_name("lowpass", 1, 1000.0, 100.0, None)], "signal_1ch.txt", "short"),
        ([butter_name("lowpass", 3, 256.0, 40.0, None)], "signal_3ch.txt", "short"),
        ([butter_name("bandstop", 5, 500.0, 45.0, 55.0)], "signal_1ch.txt", "short"),
        (["notch_50_q30_fs1000"], "signal_3ch.txt", "short"),
    ]

    for kind, cases, func in (("sosfilt", sosfilt_cases, None), ("sosfiltfilt", sosfiltfilt_cases, None)):
        w = Writer(kind + ".txt", "scipy.signal.%s(sos, x, axis=0)%s, float64, one frame per row"
                   % (kind, " with default padtype='odd', padlen" if kind == "sosfiltfilt" else ""))
        for names, src, length in cases:
            sos = np.vstack([designs[n] for n in names])
            x = signals[src]
            channels = x.shape[1]
            padlen = scipy_padlen(sos, channels)
            frames = x.shape[0] if length is None else padlen + 1
            xin = x[:frames]
            if kind == "sosfilt":
                y = sig.sosfilt(sos, xin, axis=0)
            else:
                y = sig.sosfiltfilt(sos, xin, axis=0)
            name = "%s_%s_%s_%d" % (kind, "+".join(names), src.split(".")[0], frames)
            w.comment("%s: %d sections, %d frames x %d channels, padlen %d"
                      % (name, sos.shape[0], frames, channels, padlen))
            manifest.append("\t".join([kind, name, "+".join(names), str(channels), str(frames),
                                       src, str(padlen), w.name, str(w.count)]))
            w.rows(y)
        w.save()

    with open(os.path.join(OUT, "MANIFEST.tsv"), "w") as f:
        f.write("\n".join(manifest) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
