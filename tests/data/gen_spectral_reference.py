#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Reference vectors for cramp's spectral fatigue indices, made with SciPy.

How to run (Debian's python3-scipy, not a pyenv/venv Python):

    /usr/bin/python3 tests/data/gen_spectral_reference.py

It rewrites tests/data/ref/spectral/ (committed, so the tests never need Python).
Deterministic: fixed seeds; references written with '%.17g' (round-trips a
double), input samples with '%.9g' (round-trips a float32).

Files (whitespace-separated numbers, '#' lines are comments, as
tests/testutil.c's test_read_numbers reads them):

  <case>.txt   one analysis configuration over one multichannel signal:
    line 1 (after comments), 22 numbers:
      fs channels frames L O E H nfft window tukey_alpha detrend scaling
      axis mdf fin_lo fin_hi n_bands epochs bins n_index n_slots reserved
    then n_bands pairs "lo hi" (Hz), then frames x channels samples
    (interleaved, float32 values), then for every epoch j and channel c:
    `bins` PSD values, then the n_index indices
      total_power mnf mdf peak finsm5 entropy moment0..moment4 band_power...
    (n_index = 11 + n_bands).
    Codes: window 0 hann, 1 hamming, 2 tukey, 3 rectangular; detrend 0 none,
    1 constant, 2 linear; scaling 0 density, 1 spectrum; axis 0 standard;
    mdf 0 interpolated, 1 bin. Durations are given in frames, as cramp
    derives them from seconds (segment_s = L / fs etc.).
  slopes.txt   cases of scipy.stats.linregress with the slope's 95 % and
    90 % confidence intervals from scipy.stats.t.ppf: per case
      n  t[0..n-1]  y[0..n-1]  slope intercept stderr lo95 hi95 lo90 hi90 r2

The PSD of epoch j is scipy.signal.welch over that epoch's samples
x[j*H : j*H+E] (float32 samples as float64) with window, nperseg=L,
noverlap=O, nfft, detrend, scaling, average='mean'. The indices follow the
definitions in lib/include/cramp/spectral.h, written here independently in
NumPy float64.
"""

import os

import numpy as np
import scipy
import scipy.signal as sig
import scipy.stats as st

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "ref", "spectral")

WINDOWS = {0: "hann", 1: "hamming", 2: "tukey", 3: "boxcar"}
DETRENDS = {0: False, 1: "constant", 2: "linear"}
SCALINGS = {0: "density", 1: "spectrum"}

# name, fs, channels, seconds, L, O, E, H, nfft, window, alpha, detrend,
# scaling, mdf, (fin_lo, fin_hi), bands, seed
CASES = [
    ("hann_fs1000", 1000, 2, 3.0, 256, 128, 1000, 1000, 256, 0, 0.0, 1, 0, 0,
     (8.0, 500.0), [], 11),
    ("hamming_fs2000_overlapping_epochs", 2000, 3, 2.0, 500, 250, 2000, 1000, 500, 1, 0.0, 1,
     0, 0, (8.0, 500.0), [(20.0, 80.0), (80.0, 150.0), (150.0, 400.0)], 12),
    ("tukey_fs2048_linear", 2048, 1, 2.0, 512, 384, 2048, 2048, 512, 2, 0.25, 2, 0, 0,
     (10.0, 400.0), [(10.0, 1024.0)], 13),
    ("rect_fs512_spectrum_nodetrend", 512, 2, 2.0, 128, 0, 256, 256, 128, 3, 0.0, 0, 1, 1,
     (8.0, 500.0), [(0.5, 30.0)], 14),
    ("hann_fs1000_odd_nfft", 1000, 1, 1.5, 255, 100, 750, 750, 255, 0, 0.0, 1, 0, 0,
     (8.0, 500.0), [], 15),
    ("hann_fs1200_zeropad", 1200, 2, 1.5, 300, 150, 600, 600, 512, 0, 0.0, 1, 0, 0,
     (20.0, 450.0), [], 16),
    ("hann_fs200_psg_gaps", 200, 2, 6.0, 200, 100, 400, 600, 200, 0, 0.0, 1, 0, 1,
     (8.0, 500.0), [(10.0, 100.0)], 17),
    ("tukey1_fs4000_mdfbin", 4000, 1, 1.0, 1000, 500, 2000, 2000, 1000, 2, 1.0, 1, 1, 1,
     (8.0, 500.0), [], 18),
]


def emg_like(rng, frames, fs, channels):
    """Float32 EMG-like test signals, (frames, channels): Gaussian noise
    shaped by a differentiator and a resonator (80-140 Hz), slowly
    amplitude-modulated, plus a 50 Hz hum and a DC offset."""
    x = np.empty((frames, channels))
    t = np.arange(frames) / fs
    for c in range(channels):
        f0 = min(80.0 + 20.0 * c, 0.3 * fs)
        r, w0 = 0.93, 2 * np.pi * f0 / fs
        y = sig.lfilter([1.0, -1.0], [1.0, -2 * r * np.cos(w0), r * r],
                        rng.standard_normal(frames))
        gain = 0.3 + 0.7 * (0.5 - 0.5 * np.cos(2 * np.pi * 0.4 * t + c))
        hum = 0.2 * np.sin(2 * np.pi * 50.0 * t + rng.random() * 6.0)
        x[:, c] = 20.0 * gain * y / np.std(y) + hum + 3.0 * (c + 1)
    return x.astype(np.float32)


def indices(f, P, scaling, mdf_bin, fs, fin_band, bands):
    """The index definitions of cramp/spectral.h, in float64."""
    K = len(f)
    df = f[1] - f[0]
    I = df if scaling == 0 else 1.0
    T = np.sum(P)
    moments = [np.sum(f ** j * P) * I for j in range(5)]
    mnf = np.sum(f * P) / T
    cum = np.cumsum(P)
    k = int(np.argmax(cum >= 0.5 * T))
    if mdf_bin:
        mdf = f[k]
    else:
        before = cum[k - 1] if k > 0 else 0.0
        mdf = f[k] - df / 2 + (0.5 * T - before) / P[k] * df
        mdf = min(max(mdf, f[0]), f[-1])
    peak = f[int(np.argmax(P))]
    hi = min(fin_band[1], fs / 2)
    sel = (f >= fin_band[0]) & (f <= hi)
    finsm5 = np.sum(P[sel] / f[sel]) / np.sum(P[sel] * f[sel] ** 5)
    p = P / T
    nz = p > 0
    entropy = -np.sum(p[nz] * np.log(p[nz])) / np.log(K)
    bp = []
    for lo, bhi in bands:
        s = (f >= lo) & (f <= min(bhi, fs / 2))
        bp.append(np.sum(P[s]) * I)
    return [T * I, mnf, mdf, peak, finsm5, entropy] + moments + bp


def wrap(values, per_line=8):
    """'%.17g' values, a few per line (test_read_numbers reads lines of up
    to 8191 characters)."""
    return [" ".join("%.17g" % v for v in values[i:i + per_line])
            for i in range(0, len(values), per_line)]


def window_arg(code, alpha):
    return ("tukey", alpha) if code == 2 else WINDOWS[code]


def write_case(case):
    (name, fs, ch, seconds, L, O, E, H, nfft, win, alpha, detrend, scaling, mdf, fin,
     bands, seed) = case
    rng = np.random.default_rng(seed)
    frames = int(round(seconds * fs))
    x = emg_like(rng, frames, fs, ch)
    epochs = 0 if frames < E else (frames - E) // H + 1
    bins = nfft // 2 + 1
    n_index = 11 + len(bands)
    lines = [
        "# cramp spectral reference case %s (scipy %s, numpy %s)" % (name, scipy.__version__,
                                                                      np.__version__),
        "# fs channels frames L O E H nfft window tukey_alpha detrend scaling axis mdf "
        "fin_lo fin_hi n_bands epochs bins n_index n_slots reserved",
        " ".join("%.17g" % v for v in [fs, ch, frames, L, O, E, H, nfft, win, alpha, detrend,
                                       scaling, 0, mdf, fin[0], fin[1], len(bands), epochs,
                                       bins, n_index, 0, 0]),
        "# bands (lo hi, Hz)",
    ]
    for lo, hi in bands:
        lines.append("%.17g %.17g" % (lo, hi))
    lines.append("# samples: %d frames x %d channels, interleaved" % (frames, ch))
    for i in range(frames):
        lines.append(" ".join("%.9g" % v for v in x[i]))
    lines.append("# per epoch, per channel: %d PSD bins, then total mnf mdf peak finsm5 "
                 "entropy m0..m4 bands" % bins)
    for j in range(epochs):
        for c in range(ch):
            seg = x[j * H: j * H + E, c].astype(np.float64)
            f, P = sig.welch(seg, fs=fs, window=window_arg(win, alpha), nperseg=L,
                             noverlap=O, nfft=nfft, detrend=DETRENDS[detrend],
                             scaling=SCALINGS[scaling], average="mean")
            assert len(P) == bins
            lines.append("# epoch %d channel %d" % (j, c))
            lines += wrap(P)
            lines += wrap(indices(f, P, scaling, mdf, fs, fin, bands))
    with open(os.path.join(OUT, name + ".txt"), "w") as fp:
        fp.write("\n".join(lines) + "\n")
    return name, frames, ch, epochs


def write_slopes():
    rng = np.random.default_rng(21)
    lines = ["# scipy.stats.linregress cases (scipy %s): n t... y... slope intercept stderr "
             "lo95 hi95 lo90 hi90 r2" % scipy.__version__]
    cases = [
        (np.arange(3.0), np.array([1.0, 2.5, 2.9])),
        (0.5 + np.arange(30.0), 120.0 - 0.4 * np.arange(30.0) + 3.0 * rng.standard_normal(30)),
        (np.sort(rng.uniform(10, 70, 12)), 80 + 0.1 * rng.standard_normal(12)),
        (np.arange(200.0) * 0.25 + 1000.0, 1e-12 * (1 + 0.002 * np.arange(200.0))
         * (1 + 0.05 * rng.standard_normal(200))),
    ]
    for t, y in cases:
        r = st.linregress(t, y)
        n = len(t)
        out = [n] + list(t) + list(y) + [r.slope, r.intercept, r.stderr]
        for level in (0.95, 0.90):
            q = st.t.ppf(0.5 + level / 2, n - 2)
            out += [r.slope - q * r.stderr, r.slope + q * r.stderr]
        out.append(r.rvalue ** 2)
        lines += wrap(out)
    with open(os.path.join(OUT, "slopes.txt"), "w") as fp:
        fp.write("\n".join(lines) + "\n")


def main():
    os.makedirs(OUT, exist_ok=True)
    names = []
    for case in CASES:
        name, frames, ch, epochs = write_case(case)
        names.append(name)
        print("%-36s %6d frames x %d ch, %d epochs" % (name, frames, ch, epochs))
    with open(os.path.join(OUT, "cases.txt"), "w") as fp:
        fp.write("# case files in this folder, one per line (read by tests/api/spectral_reference.c)\n")
        fp.write("\n".join(names) + "\n")
    write_slopes()
    print("slopes.txt")


if __name__ == "__main__":
    main()
