#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The SciPy side of cramp-bench: the same work, written the way a researcher
would write it with NumPy/SciPy, timed the same way (one warm-up, N runs,
median and minimum of wall time), written as JSON in cramp-bench's schema so
bench/compare.py can put the two side by side.

Run with Debian's interpreter: /usr/bin/python3 bench/scipy_bench.py --help

Stages (names as in cramp-bench):
  causal             sosfilt(butter band-pass) then lfilter(iirnotch)
  filtfilt           sosfiltfilt(butter band-pass) then filtfilt(iirnotch)
  rms_100hz          moving RMS 0.25 s (trailing window), every 20th sample
  rms_d1             the same, every sample
  pipeline_filtfilt  design + filtfilt stage + rms_100hz, end to end
  spectral           welch over 1 s epochs (Hann 0.5 s, 50 %) + every fatigue
                     index of cramp/spectral.h, vectorised over epochs/channels
The moving RMS is scipy.ndimage.uniform_filter1d of x**2 (--rms uniform, the
default: the faster of the two, so the stronger baseline) or np.convolve of
x**2 with a box, per channel (--rms convolve, as often seen in analysis code).

SciPy gets its most favourable layout: float64, one row per channel
(contiguous in time), built before timing. cramp-bench reads interleaved
float32 frames, so any conversion a real program needs is not charged to
SciPy here.
"""
import argparse
import datetime
import json
import os
import platform
import resource
import statistics
import sys
import time

import numpy as np
import scipy
from scipy import signal
from scipy.ndimage import uniform_filter1d

FS = 2000.0
BP_ORDER, BP_LO, BP_HI = 4, 20.0, 450.0
NOTCH_HZ, NOTCH_Q = 50.0, 30.0
RMS_S = 0.25
ENV_RATE = 100.0
SPEC_SEGMENT_S, SPEC_EPOCH_S = 0.5, 1.0
SPEC_FINSM5 = (8.0, 500.0)
SPEC_BANDS = ((20.0, 80.0), (80.0, 150.0), (150.0, 450.0))
STAGES = ("causal", "filtfilt", "rms_100hz", "rms_d1", "pipeline_filtfilt", "spectral")


def make_signal(channels, frames, fs, seed):
    """EMG-like noise in microvolts, shape (channels, frames): white noise
    through a differentiator and a 90 Hz resonator, random contraction
    bursts, 50 Hz hum and a DC offset (as cramp-bench; not bit-identical)."""
    rng = np.random.default_rng(seed)
    r, w0 = 0.95, 2 * np.pi * 90.0 / fs
    a = [1.0, -2 * r * np.cos(w0), r * r]
    t = np.arange(frames) / fs
    x = np.empty((channels, frames))
    for c in range(channels):
        y = signal.lfilter([1.0, -1.0], a, rng.standard_normal(frames))
        gain = np.full(frames, 0.1)
        i = int(fs * 2.0 * rng.random())
        while i < frames:
            n = int(fs * (0.5 + 2.5 * rng.random()))
            k = np.arange(min(n, frames - i))
            gain[i:i + k.size] += 0.9 * 0.5 * (1 - np.cos(2 * np.pi * (n - k) / n))
            i += n + int(fs * (0.5 + 3.0 * rng.random()))
        hum = 15.0 * np.sin(2 * np.pi * 50.0 * t + 2 * np.pi * rng.random())
        x[c] = 8.0 * gain * y + hum + 20.0 * (rng.random() - 0.5)
    return x


def design(fs):
    sos = signal.butter(BP_ORDER, [BP_LO, BP_HI], btype="bandpass", fs=fs, output="sos")
    b, a = signal.iirnotch(NOTCH_HZ, NOTCH_Q, fs=fs)
    return sos, b, a


def moving_rms(x, fs, decimation, method):
    """Trailing-window RMS; output k is the window ending at sample
    (k + 1) * decimation - 1, zeros before the start (as cramp_envelope)."""
    n = int(round(RMS_S * fs))
    frames = x.shape[-1]
    if method == "uniform":
        ms = uniform_filter1d(x * x, n, axis=-1, mode="constant", origin=(n - 1) // 2)
        return np.sqrt(ms[:, decimation - 1::decimation])
    box = np.ones(n) / n
    out = np.empty((x.shape[0], frames // decimation))
    for c in range(x.shape[0]):
        ms = np.convolve(x[c] ** 2, box)[:frames]
        out[c] = np.sqrt(ms[decimation - 1::decimation])
    return out


def spectral_indices(x, fs):
    """cramp_spectral's work, vectorised the NumPy way: the signal cut into
    1 s epochs, one scipy.signal.welch call over all epochs and channels
    (Hann 0.5 s segments, 50 % overlap, constant detrend, density), then every
    index of cramp/spectral.h from the PSDs: total power, MNF, MDF
    (interpolated), peak, FInsm5 8-500 Hz, entropy, moments 1-4, 3 bands."""
    E, L = int(round(SPEC_EPOCH_S * fs)), int(round(SPEC_SEGMENT_S * fs))
    ch, frames = x.shape
    n_ep = frames // E
    xe = x[:, :n_ep * E].reshape(ch, n_ep, E)
    f, P = signal.welch(xe, fs=fs, window="hann", nperseg=L, noverlap=L // 2, axis=-1)
    df = f[1] - f[0]
    T = P.sum(-1)
    out = {"total_power": T * df, "mnf": (P * f).sum(-1) / T}
    for k in range(1, 5):
        out["sm%d" % k] = (P * f ** k).sum(-1) * df
    cum = np.cumsum(P, axis=-1)
    half = 0.5 * T
    k = np.argmax(cum >= half[..., None], axis=-1)
    Pk = np.take_along_axis(P, k[..., None], -1)[..., 0]
    before = np.take_along_axis(cum, k[..., None], -1)[..., 0] - Pk
    out["mdf"] = np.clip(f[k] - df / 2 + (half - before) / Pk * df, f[0], f[-1])
    out["peak_f"] = f[np.argmax(P, axis=-1)]
    sel = (f >= SPEC_FINSM5[0]) & (f <= min(SPEC_FINSM5[1], fs / 2))
    out["finsm5"] = (P[..., sel] / f[sel]).sum(-1) / (P[..., sel] * f[sel] ** 5).sum(-1)
    p = P / T[..., None]
    out["entropy"] = -(p * np.log(np.where(p > 0, p, 1.0))).sum(-1) / np.log(len(f))
    for lo, hi in SPEC_BANDS:
        s = (f >= lo) & (f <= min(hi, fs / 2))
        out["power_%g_%g" % (lo, hi)] = P[..., s].sum(-1) * df
    return out


def run_stage(stage, x, fs, rms_method, filt):
    sos, b, a = filt
    d = int(round(fs / ENV_RATE))
    if stage == "causal":
        y = signal.sosfilt(sos, x, axis=-1)
        return signal.lfilter(b, a, y, axis=-1)
    if stage == "filtfilt":
        y = signal.sosfiltfilt(sos, x, axis=-1)
        return signal.filtfilt(b, a, y, axis=-1)
    if stage == "rms_100hz":
        return moving_rms(x, fs, d, rms_method)
    if stage == "rms_d1":
        return moving_rms(x, fs, 1, rms_method)
    if stage == "pipeline_filtfilt":
        sos, b, a = design(fs)
        y = signal.sosfiltfilt(sos, x, axis=-1)
        y = signal.filtfilt(b, a, y, axis=-1)
        return moving_rms(y, fs, d, rms_method)
    if stage == "spectral":
        return spectral_indices(x, fs)["mnf"]
    raise ValueError(stage)


def measure(stage, x, fs, repeats, rms_method):
    filt = design(fs)
    out = run_stage(stage, x, fs, rms_method, filt)  # warm-up
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = run_stage(stage, x, fs, rms_method, filt)
        times.append(time.perf_counter() - t0)
    if not np.all(np.isfinite(out)):
        raise RuntimeError("non-finite output")
    return times


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def blas_note():
    env = {k: os.environ.get(k) for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}
    note = {"env": env}
    try:
        import threadpoolctl  # optional; not needed: these stages use no BLAS
        note["threadpools"] = threadpoolctl.threadpool_info()
    except ImportError:
        note["threadpools"] = "threadpoolctl not installed"
    return note


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--seconds", type=float, default=60.0, help="seconds of signal (default 60)")
    p.add_argument("--repeats", type=int, default=7, help="timed runs after a warm-up (default 7)")
    p.add_argument("--channels", default="1,8,16", help="comma-separated (default 1,8,16)")
    p.add_argument("--stages", default=",".join(STAGES), help="comma-separated subset")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--rms", choices=("uniform", "convolve"), default="uniform",
                   help="moving-RMS method (default uniform)")
    p.add_argument("--like", metavar="CRAMP_JSON",
                   help="take seconds, repeats, channels and seed from a cramp-bench JSON")
    p.add_argument("--json", metavar="FILE", help="write results as JSON ('-' = stdout)")
    args = p.parse_args()

    channels = [int(c) for c in args.channels.split(",") if c]
    if args.like:
        with open(args.like) as f:
            ref = json.load(f)
        s = ref["settings"]
        args.seconds, args.repeats, args.seed = s["seconds_of_signal"], s["repeats"], s["seed"]
        channels = sorted({m["channels"] for m in ref["measurements"]})
    stages = [s for s in args.stages.split(",") if s]
    for s in stages:
        if s not in STAGES:
            p.error("unknown stage %r (have %s)" % (s, ", ".join(STAGES)))
    if args.seconds <= 0 or args.repeats < 1 or not channels or min(channels) < 1:
        p.error("need --seconds > 0, --repeats >= 1 and channel counts >= 1")

    frames = int(np.floor(args.seconds * FS))
    seconds = frames / FS
    info = {
        "schema": "cramp-bench/1",
        "implementation": "scipy",
        "version": "scipy %s, numpy %s" % (scipy.__version__, np.__version__),
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "machine": {
            "cpu_model": cpu_model(),
            "online_cpus": os.cpu_count(),
            "cpus_allowed": ",".join(str(c) for c in sorted(os.sched_getaffinity(0))),
            "kernel": platform.release(),
            "arch": platform.machine(),
        },
        "compiler": "python %s (%s)" % (platform.python_version(), sys.executable),
        "blas": blas_note(),
        "settings": {"fs": FS, "seconds_of_signal": seconds, "repeats": args.repeats,
                     "warmup": 1, "seed": args.seed, "rms_method": args.rms,
                     "clock": "time.perf_counter", "layout": "float64 (channels, frames)",
                     "filter": "butter(%d, [%g, %g], bandpass) sos + iirnotch(%g, Q=%g)"
                               % (BP_ORDER, BP_LO, BP_HI, NOTCH_HZ, NOTCH_Q),
                     "rms_window_s": RMS_S, "envelope_rate_hz": ENV_RATE},
        "measurements": [],
    }

    env = info["blas"]["env"]
    print("scipy_bench: %s; %s" % (info["version"], info["compiler"]))
    print("cpu: %s   (cpus allowed: %s)" % (info["machine"]["cpu_model"],
                                             info["machine"]["cpus_allowed"]))
    print("OPENBLAS_CORETYPE=%s OPENBLAS_L2_SIZE=%s (no BLAS in these stages)"
          % (env["OPENBLAS_CORETYPE"] or "(unset)", env["OPENBLAS_L2_SIZE"] or "(unset)"))
    print("signal: %g s at %g Hz; 1 warm-up + %d runs; RMS by %s\n"
          % (seconds, FS, args.repeats, args.rms))
    print("%-19s %3s %-7s %10s %10s %12s %11s" % ("stage", "ch", "simd", "median ms", "min ms",
                                                  "M samples/s", "x realtime"))
    failed = 0
    for ch in channels:
        x = make_signal(ch, frames, FS, args.seed)
        for stage in stages:
            m = {"stage": stage, "channels": ch, "fs": FS, "seconds_of_signal": seconds,
                 "simd": "n/a"}
            try:
                times = measure(stage, x, FS, args.repeats, args.rms)
            except Exception as e:  # report and go on, as cramp-bench does
                failed += 1
                m.update(status="failed", error="%s: %s" % (type(e).__name__, e),
                         median_s=None, min_s=None, samples_per_s=None, x_realtime=None,
                         times_s=[])
                print("%-19s %3d %-7s   FAILED: %s" % (stage, ch, "n/a", m["error"]))
            else:
                med, mn = statistics.median(times), min(times)
                m.update(status="ok", median_s=med, min_s=mn, samples_per_s=ch * frames / med,
                         x_realtime=seconds / med, times_s=times)
                print("%-19s %3d %-7s %10.3f %10.3f %12.2f %11.0f"
                      % (stage, ch, "n/a", med * 1e3, mn * 1e3, ch * frames / med * 1e-6,
                         seconds / med), flush=True)
            m["peak_rss_kib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            info["measurements"].append(m)
        print()
    info["peak_rss_kib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print("peak RSS: %d KiB" % info["peak_rss_kib"])

    if args.json == "-":
        json.dump(info, sys.stdout, indent=1)
        print()
    elif args.json:
        tmp = args.json + ".tmp%d" % os.getpid()
        with open(tmp, "w") as f:
            json.dump(info, f, indent=1)
            f.write("\n")
        os.replace(tmp, args.json)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
