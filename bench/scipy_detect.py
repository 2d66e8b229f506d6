#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The SciPy side of the end-to-end detection benchmark: the steps of
`cramp detect` (lib/detect/, cramp/detect.h) written with NumPy/SciPy as
an analysis script would, streaming an EDF+ in chunks so that memory stays
flat in the length of the recording.

    /usr/bin/python3 bench/scipy_detect.py NIGHT.edf [-o EVENTS.tsv] [--chunk-s S]

Steps (per chunk of whole data records, every channel of one sampling rate):
  read       16-bit EDF/EDF+ records with readinto() into one reused buffer,
             scaled to uV from the header's physical/digital min/max
  filter     causal: Butterworth band-pass 20-450 Hz (order 2 per edge, upper
             edge clamped to 0.9 x Nyquist) + iirnotch (Q 30) at the mains
             frequency and its harmonics up to 1.25 x the upper edge, one
             sosfilt cascade with its state carried from chunk to chunk and
             started in the steady state of the first sample; beside it the
             0.5-20 Hz motion band (high-pass 0.5 Hz order 1, low-pass 20 Hz
             order 2) of the raw signal, for the artefact test
  ticks      10-ms summaries: band energy, motion-band energy, largest
             |band-passed sample|, samples at the rails, samples equal to the
             previous one (flat line)
  envelope   0.1-s moving RMS of the band-passed signal, one value per tick
  rest       per channel, the 25th percentile of the 1-s means of the
             envelope over the last 10 min (warm-up 10 s), primed with the
             first minute as `cramp detect` does
  segments   AASM-style hysteresis: on at rest + max(8 uV, 2 x rest); off at
             the start of >= 0.5 s at <= rest + max(2 uV, 0.5 x rest), rest
             frozen at the onset; segments under 0.5 s dropped; the onset then
             moved back (<= 5 s) to the end of the last 0.5 s at or under the
             offset level; flat lines of >= 1 s are segments of their own
  spectra    MNF / MDF from scipy.signal.welch (Hann, 0.25-s segments, 50 %
             overlap) over the first and the last 0.5 s of each segment
  classify   concurrent segments merged into episodes, then artefact
             (flat, clipped, mostly < 20 Hz), movement (two muscles of a leg
             for 3-45 s, or several muscles for > 10 s), PLM (0.5-10 s leg
             movements, >= 4 in a series 10-90 s apart), cramp (>= 5 s on one
             channel, mean RMS at or above the onset threshold), else burst;
             leg movements on both legs within 5 s count as one. Simpler
             than cramp's classifier (channels stand for muscles, legs come
             from an L/R word in the label, the other leg joins an episode
             on overlap alone), the same kind of work.
  write      a BIDS events table (TSV), written to a temporary file and renamed

The timing line (stderr, one JSON object): wall time of the work (after the
imports), samples processed (channels x frames, the priming minute not
counted, as cramp counts), M samples/s and peak RSS (getrusage).
"""
import argparse
import json
import math
import os
import resource
import sys
import time

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from scipy import signal

# The defaults of cramp_detect_config_default (cramp/detect.h).
BAND = (20.0, 450.0)
BAND_ORDER = 2
NOTCH_Q = 30.0
TICK_S = 0.01
ENV_S = 0.1
REST_BLOCK_S, REST_WINDOW_S, REST_Q, REST_WARMUP_S = 1.0, 600.0, 25.0, 10.0
ONSET_UV, ONSET_K = 8.0, 2.0
OFFSET_UV, OFFSET_K = 2.0, 0.5
OFF_HOLD_S = 0.5
MIN_DURATION_S = 0.5
BACKTRACK_S = 5.0           # onsets move back at most this far to where the envelope left rest
FLAT_MIN_S = 1.0
SPECTRAL_S = 0.5
PRIME_S = 60.0
TAIL_S = 4.0                # band-passed history kept for the spectral windows
# classification
INVOLVE_FRACTION = 0.3
CONCURRENT_FRACTION = 0.5
LF_RATIO = 0.5
CLIP_FRACTION = 0.001
MOVEMENT_S = (3.0, 45.0)
LM_S = (0.5, 10.0)
PLM_MIN_COUNT = 4
PLM_INTERVAL_S = (10.0, 90.0)
CRAMP_MIN_S = 5.0
BILATERAL_S = 5.0

UNIT_TO_UV = {"uv": 1.0, "µv": 1.0, "mv": 1e3, "v": 1e6, "nv": 1e-3}


def cround(x):
    """C's round() for x >= 0 (halves away from zero; Python rounds them to
    even), so tick and window lengths in frames are cramp's."""
    return int(math.floor(x + 0.5))


# ---- EDF header -------------------------------------------------------------

def read_edf_header(path):
    """The fields of an EDF/EDF+ header that the detector needs. Raises
    ValueError for what this script does not handle (BDF, no data signal)."""
    with open(path, "rb") as f:
        fixed = f.read(256)
        if len(fixed) < 256 or fixed[:8].strip() != b"0":
            raise ValueError(f"{path}: not a 16-bit EDF file")
        hdr_bytes = int(fixed[184:192])
        n_records = int(fixed[236:244])
        record_s = float(fixed[244:252])
        ns = int(fixed[252:256])
        sig = f.read(256 * ns)

    def field(offset, width):
        """Field `offset` (bytes into the signal part; widths are per
        signal, fields follow one another for all ns signals)."""
        return [sig[offset + i * width: offset + (i + 1) * width].decode("latin-1").strip()
                for i in range(ns)]

    labels = field(0, 16)
    off = 16 * ns + 80 * ns                     # label, transducer
    units = field(off, 8); off += 8 * ns
    pmin = [float(v) for v in field(off, 8)]; off += 8 * ns
    pmax = [float(v) for v in field(off, 8)]; off += 8 * ns
    dmin = [float(v) for v in field(off, 8)]; off += 8 * ns
    dmax = [float(v) for v in field(off, 8)]; off += 8 * ns
    off += 80 * ns                              # prefiltering
    spr = [int(v) for v in field(off, 8)]
    if n_records < 0:                           # -1: unknown; count from the size
        rec_bytes = 2 * sum(spr)
        n_records = (os.path.getsize(path) - hdr_bytes) // rec_bytes
    return dict(header_bytes=hdr_bytes, n_records=n_records, record_s=record_s,
                labels=labels, units=units, pmin=pmin, pmax=pmax, dmin=dmin, dmax=dmax,
                spr=spr)


def data_signals(h):
    """Indices of the signals to detect in: every signal that is not an
    annotation channel and has the first such signal's rate (cramp detect
    also wants one rate group)."""
    idx = [i for i, lab in enumerate(h["labels"]) if lab != "EDF Annotations"]
    if not idx:
        raise ValueError("no data signal")
    rate = h["spr"][idx[0]]
    return [i for i in idx if h["spr"][i] == rate]


# ---- streaming pieces ---------------------------------------------------------

class EdfChunks:
    """Reads whole data records into one reused int16 buffer and returns the
    chosen signals as a (channels, frames) float64 array in uV."""

    def __init__(self, path, h, sel, records_per_chunk):
        self.f = open(path, "rb", buffering=0)
        self.h, self.sel = h, sel
        self.rec_samples = sum(h["spr"])
        self.first = [sum(h["spr"][:i]) for i in sel]
        self.spr = h["spr"][sel[0]]
        self.k = records_per_chunk
        self.buf = np.empty((self.k, self.rec_samples), dtype="<i2")
        self.out = np.empty((len(sel), self.k * self.spr))
        self.gain = np.empty(len(sel))
        self.offset = np.empty(len(sel))
        for j, i in enumerate(sel):
            g = (h["pmax"][i] - h["pmin"][i]) / (h["dmax"][i] - h["dmin"][i])
            u = UNIT_TO_UV.get(h["units"][i].lower(), 1.0)
            self.gain[j] = g * u
            self.offset[j] = (h["pmin"][i] - g * h["dmin"][i]) * u
        self.rewind()

    def rewind(self):
        self.f.seek(self.h["header_bytes"])
        self.records_left = self.h["n_records"]

    def read(self):
        """The next chunk, (channels, frames) in uV (a view of a reused
        buffer: valid until the next call), or None at the end."""
        k = min(self.k, self.records_left)
        if k <= 0:
            return None
        raw = memoryview(self.buf[:k]).cast("B")
        got = self.f.readinto(raw)
        k = got // (2 * self.rec_samples)
        if k == 0:
            return None
        self.records_left -= k
        n = k * self.spr
        recs = self.buf[:k]
        out = self.out[:, :n]
        for j, o in enumerate(self.first):
            np.multiply(recs[:, o:o + self.spr].reshape(-1), self.gain[j], out=out[j])
            out[j] += self.offset[j]
        return out

    def close(self):
        self.f.close()


class RestLevel:
    """Running 25th percentile (NumPy's default linear interpolation) of the
    1-s means of a per-tick value over the last 10 min, per channel; NaN until
    10 s of blocks are in. The ordered window of block means is kept as an
    array (600 doubles per channel): constant memory."""

    def __init__(self, channels, block_ticks, window_blocks, warm_blocks):
        self.B, self.N, self.warm = block_ticks, window_blocks, warm_blocks
        self.hist = np.full((channels, window_blocks), np.nan)
        self.n_valid = 0
        self.part_sum = np.zeros(channels)
        self.part_n = 0
        self.level = np.full(channels, np.nan)

    def feed(self, v):
        """v: (channels, ticks). Returns the level in force after each tick
        (a block's level applies from its last tick on, as in cramp)."""
        nt = v.shape[1]
        first_end = self.B - self.part_n - 1          # tick ending the open block
        ends = np.arange(first_end, nt, self.B)
        if ends.size == 0:
            self.part_sum += v.sum(axis=1)
            self.part_n += nt
            return np.repeat(self.level[:, None], nt, axis=1)
        # block means: the open block's part, then whole blocks
        cs = np.cumsum(v, axis=1)
        sums = cs[:, ends]
        sums[:, 1:] -= cs[:, ends[:-1]]
        sums[:, 0] += self.part_sum
        means = sums / self.B
        hist = np.concatenate((self.hist, means), axis=1)
        windows = sliding_window_view(hist, self.N, axis=1)[:, 1:, :]
        lv = np.percentile(windows, REST_Q, axis=-1)
        # the first 10 min: the window is not full yet (NaN before the first
        # block), so those blocks take the quantile of the blocks there are
        valid = self.n_valid + np.arange(1, ends.size + 1)
        for b in np.flatnonzero(valid < self.N):
            v_b = windows[:, b, self.N - valid[b]:]
            lv[:, b] = np.percentile(v_b, REST_Q, axis=-1) if valid[b] >= self.warm else np.nan
        self.n_valid += ends.size
        self.hist = hist[:, -self.N:].copy()
        # tick t sees the level of the last block ending at or before it
        done = np.searchsorted(ends, np.arange(nt), side="right")
        out = np.concatenate((self.level[:, None], lv), axis=1)[:, done]
        self.level = lv[:, -1].copy()
        last_end = ends[-1]
        self.part_sum = cs[:, -1] - cs[:, last_end]
        self.part_n = nt - 1 - last_end
        return out


def runs_reaching(mask, carried, need):
    """First run of True in mask that reaches `need` elements, counting
    `carried` True elements just before mask[0]. Returns (start, end_index)
    with start possibly negative (the run began before mask) and end_index the
    index at which its length reaches `need`; or (None, trailing run length)."""
    n = mask.size
    breaks = np.flatnonzero(~mask)
    starts = np.concatenate(([0], breaks + 1))
    ends = np.concatenate((breaks, [n]))
    lengths = ends - starts
    lengths[0] += carried
    starts[0] -= carried
    hit = np.flatnonzero(lengths >= need)
    if hit.size:
        s = int(starts[hit[0]])
        return s, s + need - 1
    return None, int(lengths[-1])


def mnf_mdf(x, fs):
    """Mean and median frequency of x (Welch, Hann, segments of half of x,
    50 % overlap, mean removed), Hz; NaN for a window without power."""
    nper = x.size // 2
    f, p = signal.welch(x, fs, window="hann", nperseg=nper, noverlap=nper // 2,
                        detrend="constant")
    total = p.sum()
    if not total > 0:
        return math.nan, math.nan
    mnf = float((f * p).sum() / total)
    cum = np.cumsum(p)
    k = int(np.searchsorted(cum, total / 2))
    below = cum[k - 1] if k > 0 else 0.0
    df = f[1] - f[0]
    # linear inside the bin where half the power is reached
    mdf = float(f[k] - df / 2 + df * (total / 2 - below) / p[k]) if p[k] > 0 else float(f[k])
    return mnf, max(mdf, 0.0)


# ---- the detector -------------------------------------------------------------

class Detector:
    """Stage 1: filters, ticks, envelope, rest, segments and spectra, one chunk
    at a time. Everything kept between chunks is of fixed size, except the
    list of finished segments (a few per minute of activity)."""

    def __init__(self, fs, channels, mains, rails):
        self.fs, self.C = fs, channels
        self.D = max(1, cround(TICK_S * fs))
        tick = self.D / fs
        self.W = max(1, cround(ENV_S / tick))
        self.hold = max(1, cround(OFF_HOLD_S / tick))
        self.min_ticks = max(1, cround(MIN_DURATION_S / tick))
        self.flat_ticks = max(1, cround(FLAT_MIN_S / tick))
        self.E = cround(SPECTRAL_S * fs)
        self.lag = self.hold + self.W + 4           # ticks kept for late decisions
        self.reach = int(BACKTRACK_S * fs / self.D)  # onset backtrack, ticks (truncated, as cramp)
        # tick history carried over: late decisions, and the backtrack window before an onset
        self.keep = self.lag + self.W + self.reach + 2 * self.W + 2
        self.R = max(cround(TAIL_S * fs), self.E + (self.keep + 2) * self.D)
        lo, hi = BAND[0], min(BAND[1], 0.9 * fs / 2)
        self.band = (lo, hi)
        sections = [signal.butter(BAND_ORDER, [lo, hi], btype="bandpass", fs=fs,
                                  output="sos")]
        self.notches = 0
        if mains > 0:
            k = 1
            while k * mains <= 1.25 * hi and k * mains < fs / 2:
                b, a = signal.iirnotch(k * mains, NOTCH_Q, fs=fs)
                sections.append(signal.tf2sos(b, a))
                self.notches += 1
                k += 1
        self.sos_bp = np.concatenate(sections)
        self.sos_hp = signal.butter(1, 0.5, btype="highpass", fs=fs, output="sos")
        self.sos_lf = signal.butter(2, min(20.0, 0.45 * fs), btype="lowpass", fs=fs,
                                    output="sos")
        self.rail_lo, self.rail_hi = rails
        block = cround(REST_BLOCK_S / tick)
        self.rest = RestLevel(channels, block, cround(REST_WINDOW_S / REST_BLOCK_S),
                              math.ceil(REST_WARMUP_S / REST_BLOCK_S - 1e-9))
        self.rest_lf = RestLevel(channels, block, cround(REST_WINDOW_S / REST_BLOCK_S),
                                 math.ceil(REST_WARMUP_S / REST_BLOCK_S - 1e-9))
        self.segments = []
        self.restart(priming=True)

    def restart(self, priming):
        """Filters, clock and segment state from scratch; the resting levels
        are kept (prime with the first minute, then rewind)."""
        self.priming = priming
        self.started = False
        self.frames = 0                         # frames consumed (whole ticks)
        self.ticks = 0
        self.left = None                        # < D frames not yet in a tick
        self.prev_raw = None
        self.env_tail = np.zeros((self.C, self.W - 1))
        C = self.C
        # tick history: the last `keep` ticks before the current chunk
        self.h_bp = np.zeros((C, 0)); self.h_lf = np.zeros((C, 0))
        self.h_mx = np.zeros((C, 0)); self.h_clip = np.zeros((C, 0))
        self.h_flat = np.zeros((C, 0))
        self.bp_tail = np.zeros((C, 0))         # band-passed frames before the chunk
        self.ch = [dict(active=False, last_end=0, quiet_n=0, flat_n=0, flat_start=0)
                   for _ in range(C)]

    # -- per chunk ------------------------------------------------------------

    def process(self, x):
        """x: (channels, frames) in uV."""
        if not self.started:
            x0 = x[:, :1]
            self.zi_bp = signal.sosfilt_zi(self.sos_bp)[:, None, :] * x0[None, :, :]
            self.zi_hp = signal.sosfilt_zi(self.sos_hp)[:, None, :] * x0[None, :, :]
            self.zi_lf = np.zeros((self.sos_lf.shape[0], self.C, 2))
            self.prev_raw = x[:, 0].copy()
            self.started = True
        bp, self.zi_bp = signal.sosfilt(self.sos_bp, x, axis=1, zi=self.zi_bp)
        hp, self.zi_hp = signal.sosfilt(self.sos_hp, x, axis=1, zi=self.zi_hp)
        lf, self.zi_lf = signal.sosfilt(self.sos_lf, hp, axis=1, zi=self.zi_lf)
        raw = x
        if self.left is not None:               # frames left over from a partial tick
            raw = np.concatenate((self.left[0], raw), axis=1)
            bp = np.concatenate((self.left[1], bp), axis=1)
            lf = np.concatenate((self.left[2], lf), axis=1)
            self.left = None
        D, C = self.D, self.C
        nt = raw.shape[1] // D
        n = nt * D
        if n < raw.shape[1]:
            self.left = (raw[:, n:].copy(), bp[:, n:].copy(), lf[:, n:].copy())
        if nt == 0:
            return
        raw, bp, lf = raw[:, :n], bp[:, :n], lf[:, :n]

        # 10-ms summaries
        b3 = bp.reshape(C, nt, D)
        e_bp = np.einsum("ctd,ctd->ct", b3, b3)
        l3 = lf.reshape(C, nt, D)
        e_lf = np.einsum("ctd,ctd->ct", l3, l3)
        mx = np.maximum(b3.max(axis=2), -b3.min(axis=2))
        same = np.empty((C, n), dtype=bool)
        same[:, 0] = raw[:, 0] == self.prev_raw
        np.equal(raw[:, 1:], raw[:, :-1], out=same[:, 1:])
        flat = same.reshape(C, nt, D).sum(axis=2)
        clip = ((raw >= self.rail_hi[:, None]) | (raw <= self.rail_lo[:, None]))
        clip = clip.reshape(C, nt, D).sum(axis=2)
        self.prev_raw = raw[:, -1].copy()

        # envelope: moving RMS over the last W ticks (fewer at the start)
        ext = np.concatenate((self.env_tail, e_bp), axis=1)
        s = sliding_window_view(ext, self.W, axis=1).sum(axis=2)
        j = self.ticks + np.arange(nt)
        w = np.minimum(j + 1, self.W)
        env = np.sqrt(s / (w * D))
        self.env_tail = ext[:, -(self.W - 1):] if self.W > 1 else ext[:, :0]
        level = self.rest.feed(env)
        level_lf = self.rest_lf.feed(np.sqrt(e_lf / D))

        if not self.priming:
            t0 = self.ticks - self.h_bp.shape[1]   # absolute tick of the history's start
            hist = dict(bp=np.concatenate((self.h_bp, e_bp), axis=1),
                        lf=np.concatenate((self.h_lf, e_lf), axis=1),
                        mx=np.concatenate((self.h_mx, mx), axis=1),
                        clip=np.concatenate((self.h_clip, clip), axis=1),
                        flat=np.concatenate((self.h_flat, flat), axis=1))
            for c in range(C):
                self._segment_channel(c, env[c], level[c], level_lf[c], flat[c] == D, hist,
                                      t0, bp[c])
            # copies, so that no chunk-sized array outlives its chunk
            k = self.keep
            self.h_bp, self.h_lf = hist["bp"][:, -k:].copy(), hist["lf"][:, -k:].copy()
            self.h_mx, self.h_clip = hist["mx"][:, -k:].copy(), hist["clip"][:, -k:].copy()
            self.h_flat = hist["flat"][:, -k:].copy()
            if n >= self.R:
                self.bp_tail = bp[:, -self.R:].copy()
            else:
                self.bp_tail = np.concatenate((self.bp_tail, bp), axis=1)[:, -self.R:]
        self.ticks += nt
        self.frames += n

    def _bp_window(self, c, start, bp_c):
        """Band-passed frames [start, start + E) of channel c, from the tail
        and the current chunk."""
        tail = self.bp_tail[c]
        t_first = self.frames - tail.size          # absolute frame of tail[0]
        a = start - t_first
        if a < 0:
            return None
        if a + self.E <= tail.size:
            return tail[a:a + self.E]
        if a >= tail.size:
            b = a - tail.size
            return bp_c[b:b + self.E]
        return np.concatenate((tail[a:], bp_c[:self.E - (tail.size - a)]))

    def _add_ticks(self, h, c, hist, t0, a, b):
        """Adds ticks [a, b) of channel c to the open segment's sums."""
        if b <= a:
            return
        i, k = a - t0, b - t0
        h["s_bp"] += hist["bp"][c, i:k].sum()
        h["s_lf"] += hist["lf"][c, i:k].sum()
        h["peak"] = max(h["peak"], float(hist["mx"][c, i:k].max()))
        h["s_clip"] += hist["clip"][c, i:k].sum()
        h["s_flat"] += hist["flat"][c, i:k].sum()
        h["next_add"] = b

    def _segment_channel(self, c, env, level, level_lf, flat_tick, hist, t0, bp_c):
        """Hysteresis for one channel over this chunk's ticks: searches for
        the next crossing with NumPy rather than looping over ticks."""
        h = self.ch[c]
        base = self.ticks                           # absolute tick of env[0]
        nt = env.size
        end = base + nt
        half = self.W // 2
        # flat lines (a lost electrode): runs of wholly flat ticks, the run
        # open at the end of the previous chunk carried in flat_n / flat_start
        if h["flat_n"] and not flat_tick[0]:
            self._end_flat(c, h, base)
        if flat_tick.any():
            edges = np.diff(np.concatenate(([0], flat_tick.view(np.int8), [0])))
            for s, e in zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)):
                if s > 0 or not h["flat_n"]:
                    h["flat_start"], h["flat_n"] = base + int(s), 0
                h["flat_n"] += int(e - s)
                if e < nt:
                    self._end_flat(c, h, base + int(e))

        i = 0
        while i < nt:
            if not h["active"]:
                thr = level[i:] + np.maximum(ONSET_UV, ONSET_K * level[i:])
                hit = np.flatnonzero((env[i:] >= thr) & ~flat_tick[i:])
                if hit.size == 0:
                    break
                i += int(hit[0])
                j = base + i
                L = float(level[i])
                thr_on = L + max(ONSET_UV, ONSET_K * L)
                # onset: first tick of the crossing window whose own RMS reaches thr
                first = max(j + 1 - self.W, 0, h["last_end"])
                on = max(j + 1 - half, first)
                own = np.sqrt(hist["bp"][c, first - t0:j + 1 - t0] / self.D)
                up = np.flatnonzero(own >= thr_on)
                if up.size:
                    on = first + int(up[0])
                thr_off = L + max(OFFSET_UV, OFFSET_K * L)
                lead = self._lead_back(hist["bp"][c], t0, on, thr_off, h["last_end"])
                h.update(active=True, on=on, lead=lead, next_add=on, quiet_n=0, rest=L,
                         thr_off=thr_off,
                         rest_lf=float(level_lf[i]), s_bp=0.0, s_lf=0.0, peak=0.0,
                         s_clip=0, s_flat=0, mnf0=math.nan, mdf0=math.nan, start_done=False)
                i += 1
                continue
            # active: look for >= hold quiet ticks
            s, e = runs_reaching(env[i:] <= h["thr_off"], h["quiet_n"], self.hold)
            if s is None:
                h["quiet_n"] = e
                i = nt
                break
            first_quiet = base + i + s
            off = max(first_quiet + 1 - half, h["on"] + 1)
            self._close(c, h, hist, t0, off, bp_c)
            i += e + 1
        if h["active"]:
            on_f = h["on"] * self.D
            if not h["start_done"] and self.frames + bp_c.size >= on_f + self.E:
                w = self._bp_window(c, on_f, bp_c)
                if w is not None:
                    h["mnf0"], h["mdf0"] = mnf_mdf(w, self.fs)
                h["start_done"] = True
            self._add_ticks(h, c, hist, t0, h["next_add"], end - self.lag)

    def _lead_back(self, energy, t0, on, thr_off, last_end):
        """Where the envelope left rest before the onset tick `on`: the top of
        the latest run of >= 0.5 s of 0.1-s windows at or under the offset
        threshold, at most BACKTRACK_S back, not before the channel's last
        segment ended (the AASM offset rule read backwards; double threshold,
        Bonato 1998). energy: the channel's tick band energies from tick t0."""
        W, hold = self.W, self.hold
        floor_t = max(on - self.reach, 0, last_end, t0 + W)
        if on <= floor_t + W or hold == 0:
            return on
        seg = energy[floor_t + 1 - t0:on - t0]
        cs = np.concatenate(([0.0], np.cumsum(seg)))
        # window sums of ticks [t - W, t) for t = floor_t + W + 1 .. on
        quiet = (cs[W:] - cs[:-W]) <= thr_off * thr_off * W * self.D
        ts = np.arange(floor_t + W + 1, on + 1)
        # runs of quiet windows, latest first: the first that reaches `hold`
        edges = np.diff(np.concatenate(([0], quiet.view(np.int8), [0])))
        starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
        long_runs = np.flatnonzero(ends - starts >= hold)
        if long_runs.size == 0:
            return on                               # no rest within reach
        return int(ts[ends[long_runs[-1]] - 1])

    def _end_flat(self, c, h, end_tick):
        """The flat run of channel c ends before end_tick: a segment if long."""
        if h["flat_n"] >= self.flat_ticks:
            tick_s = self.D / self.fs
            self.segments.append(dict(kind="flat", channel=c, on=h["flat_start"] * tick_s,
                                      off=end_tick * tick_s))
        h["flat_n"] = 0

    def _close(self, c, h, hist, t0, off, bp_c):
        self._add_ticks(h, c, hist, t0, h["next_add"], off)
        h["active"] = False
        h["last_end"] = off
        h["quiet_n"] = 0
        if off - h["on"] < self.min_ticks:
            return
        n = (off - h["on"]) * self.D
        ms_bp, ms_lf = h["s_bp"] / n, h["s_lf"] / n
        rl = h["rest_lf"] if math.isfinite(h["rest_lf"]) else 0.0
        seg = dict(kind="emg", channel=c, on=h["lead"] * self.D / self.fs,
                   off=off * self.D / self.fs, rms=math.sqrt(ms_bp), rest=h["rest"],
                   peak=h["peak"], bp_ex=max(0.0, ms_bp - h["rest"] ** 2),
                   lf_ex=max(0.0, ms_lf - rl * rl), clip=h["s_clip"] / n,
                   flat=h["s_flat"] / n, mnf0=math.nan, mdf0=math.nan, mnf1=math.nan,
                   mdf1=math.nan)
        if n >= self.E:
            on_f, off_f = h["on"] * self.D, off * self.D
            if not h["start_done"]:
                w = self._bp_window(c, on_f, bp_c)
                if w is not None:
                    h["mnf0"], h["mdf0"] = mnf_mdf(w, self.fs)
            w = self._bp_window(c, off_f - self.E, bp_c)
            if w is not None:
                seg["mnf1"], seg["mdf1"] = mnf_mdf(w, self.fs)
            seg["mnf0"], seg["mdf0"] = h["mnf0"], h["mdf0"]
        self.segments.append(seg)

    def finish(self):
        """Closes what is still open at the end of the recording."""
        end = self.ticks
        for c, h in enumerate(self.ch):
            if h["active"]:
                hist = dict(bp=self.h_bp, lf=self.h_lf, mx=self.h_mx, clip=self.h_clip,
                            flat=self.h_flat)
                t0 = end - self.h_bp.shape[1]
                off = end
                if h["quiet_n"]:
                    off = max(end - h["quiet_n"] + 1 - self.W // 2, h["on"] + 1)
                self._close(c, h, hist, t0, off, np.zeros(0))
            self._end_flat(c, h, end)
        return self.segments


# ---- stage 2 --------------------------------------------------------------------

def leg_of(label):
    """0 left, 1 right, -1 unknown, from an L/R word in the label."""
    words = label.replace("-", " ").replace("_", " ").lower().split()
    if any(w in ("l", "left", "lt") for w in words):
        return 0
    if any(w in ("r", "right", "rt") for w in words):
        return 1
    return -1


def other_leg(a, b, legs):
    """Channel lists a and b are on different legs (disjoint channels of
    unknown leg count as different)."""
    if set(a) & set(b):
        return False
    la, lb = {legs[c] for c in a} - {-1}, {legs[c] for c in b} - {-1}
    return not la or not lb or not la & lb


def classify(segments, labels):
    """Merges concurrent segments into episodes and labels them (see the
    module docstring). Returns the episodes sorted by onset."""
    legs = [leg_of(lab) for lab in labels]
    episodes = []
    for s in segments:
        if s["kind"] == "flat":
            episodes.append(dict(on=s["on"], off=s["off"], type="artefact",
                                 channels=[s["channel"]], main=s["channel"],
                                 reason="flat line (lost electrode)"))
    emg = sorted((s for s in segments if s["kind"] == "emg"),
                 key=lambda s: (s["on"], s["channel"]))
    i = 0
    while i < len(emg):
        start, end = emg[i]["on"], emg[i]["off"]
        per = {}
        j = i
        while j < len(emg):
            s = emg[j]
            if j > i:
                ov = min(end, s["off"]) - s["on"]
                if not ov > 0 or ov < CONCURRENT_FRACTION * min(end - start, s["off"] - s["on"]):
                    break
            end = max(end, s["off"])
            per.setdefault(s["channel"], []).append(s)
            j += 1
        i = j
        # per channel: duration-weighted excess power, first/last spectra
        agg = {}
        for c, ss in per.items():
            dur = sum(s["off"] - s["on"] for s in ss)
            agg[c] = dict(
                dur=dur, on=ss[0]["on"], off=max(s["off"] for s in ss),
                amp=math.sqrt(sum(s["bp_ex"] * (s["off"] - s["on"]) for s in ss) / dur),
                bp_ex=sum(s["bp_ex"] * (s["off"] - s["on"]) for s in ss),
                lf_ex=sum(s["lf_ex"] * (s["off"] - s["on"]) for s in ss),
                rms=math.sqrt(sum(s["rms"] ** 2 * (s["off"] - s["on"]) for s in ss) / dur),
                rest=sum(s["rest"] * (s["off"] - s["on"]) for s in ss) / dur,
                peak=max(s["peak"] for s in ss),
                clip=sum(s["clip"] * (s["off"] - s["on"]) for s in ss) / dur,
                mnf0=ss[0]["mnf0"], mdf0=ss[0]["mdf0"], mnf1=ss[-1]["mnf1"],
                mdf1=ss[-1]["mdf1"])
        main = max(agg, key=lambda c: agg[c]["amp"])
        amax = agg[main]["amp"]
        inv = sorted(c for c in agg if c == main or agg[c]["amp"] >= INVOLVE_FRACTION * amax)
        m = agg[main]
        lf = sum(agg[c]["lf_ex"] for c in inv)
        bp = sum(agg[c]["bp_ex"] for c in inv)
        e = dict(on=min(agg[c]["on"] for c in inv), off=max(agg[c]["off"] for c in inv),
                 channels=inv, main=main, rms=m["rms"], rest=m["rest"], peak=m["peak"],
                 mnf0=m["mnf0"], mnf1=m["mnf1"], mdf0=m["mdf0"], mdf1=m["mdf1"],
                 lf_ratio=lf / (lf + bp) if lf + bp > 0 else math.nan,
                 clip=max(agg[c]["clip"] for c in inv), type=None, reason=None)
        dur = e["off"] - e["on"]
        moving = MOVEMENT_S[0] <= dur <= MOVEMENT_S[1]
        lfbad = math.isfinite(e["lf_ratio"]) and e["lf_ratio"] > LF_RATIO
        one_leg = max(sum(1 for c in inv if legs[c] == g) for g in (-1, 0, 1))
        if e["clip"] >= CLIP_FRACTION:
            e.update(type="artefact", reason="clipping")
        elif one_leg >= 2 and moving:
            e.update(type="movement", reason="two or more muscles of a leg, 3-45 s")
        elif len(inv) >= 2 and dur > LM_S[1]:
            e.update(type="movement", reason="two or more muscles, longer than a leg movement")
        elif lfbad and moving:
            e.update(type="movement", reason="3-45 s with energy mostly below 20 Hz")
        elif lfbad:
            e.update(type="artefact", reason="energy mostly below 20 Hz")
        episodes.append(e)
    episodes.sort(key=lambda e: (e["on"], e["main"]))

    # leg movements on the two legs starting within 5 s are one (AASM)
    merged, last = [], None
    for e in episodes:
        dur = e["off"] - e["on"]
        if e["type"] is not None or not LM_S[0] <= dur <= LM_S[1]:
            if e["type"] is None:
                last = None
            merged.append(e)
            continue
        if last is not None and e["on"] - last["on"] < BILATERAL_S and \
                other_leg(last["channels"], e["channels"], legs):
            last["off"] = max(last["off"], e["off"])
            last["channels"] = sorted(last["channels"] + e["channels"])
            if last["off"] - last["on"] > LM_S[1]:
                last = None
            continue
        last = e
        merged.append(e)
    episodes = merged

    # PLM series among the unlabelled leg movements; a long episode ends a series
    series, n_series = [], 0

    def close_series():
        nonlocal series, n_series
        if len(series) >= PLM_MIN_COUNT:
            n_series += 1
            for q in series:
                q.update(type="plm", series=n_series,
                         reason="leg movement 0.5-10 s in a series of >= 4, 10-90 s apart")
        series = []

    for e in episodes:
        if e["type"] == "artefact":
            continue
        dur = e["off"] - e["on"]
        if e["type"] is None and LM_S[0] <= dur <= LM_S[1]:
            if series and not (PLM_INTERVAL_S[0] <= e["on"] - series[-1]["on"]
                               <= PLM_INTERVAL_S[1]):
                close_series()
            series.append(e)
        elif dur > LM_S[1]:
            close_series()
    close_series()

    for e in episodes:
        if e["type"] is not None:
            continue
        dur = e["off"] - e["on"]
        strong = e["rms"] >= e["rest"] + max(ONSET_UV, ONSET_K * e["rest"])
        if dur >= CRAMP_MIN_S and len(e["channels"]) == 1 and strong:
            e.update(type="cramp", reason="sustained >= 5 s on one muscle")
        else:
            e.update(type="burst", reason="other activity")
    return episodes


def fmt(v, digits=3):
    return "n/a" if v is None or not math.isfinite(v) else f"{v:.{digits}f}"


def write_tsv(path, episodes, labels):
    """BIDS events table, the columns `cramp detect` shares with it; written
    to a temporary file then renamed, so a failed run leaves no half file."""
    cols = ("onset", "duration", "trial_type", "channel", "main_channel", "rms_uv",
            "rest_uv", "rms_x_rest", "peak_uv", "mnf_start_hz", "mnf_end_hz",
            "mdf_start_hz", "mdf_end_hz", "lf_ratio", "clip_fraction", "series", "reason")
    lines = ["\t".join(cols)]
    for e in episodes:
        rest = e.get("rest", math.nan)
        rms = e.get("rms", math.nan)
        lines.append("\t".join((
            f"{e['on']:.3f}", f"{e['off'] - e['on']:.3f}", e["type"],
            ",".join(labels[c] for c in e["channels"]), labels[e["main"]],
            fmt(rms), fmt(rest), fmt(rms / rest if rest > 0 else math.nan),
            fmt(e.get("peak", math.nan)), fmt(e.get("mnf0", math.nan)),
            fmt(e.get("mnf1", math.nan)), fmt(e.get("mdf0", math.nan)),
            fmt(e.get("mdf1", math.nan)), fmt(e.get("lf_ratio", math.nan), 4),
            fmt(e.get("clip", math.nan), 4), str(e.get("series", "n/a")), e["reason"])))
    text = "\n".join(lines) + "\n"
    if path == "-":
        sys.stdout.write(text)
        return
    tmp = f"{path}.tmp{os.getpid()}"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)


def mains_guess(x, fs):
    """50 or 60 Hz from the first minute, as cramp's --mains auto: power at
    50 + 150 Hz against 60 + 180 Hz summed over channels (a single-bin DFT,
    the quantity Goertzel's algorithm gives); 50 when undecided."""
    t = np.arange(x.shape[1]) / fs

    def power(freqs):
        return sum(float((np.abs(x @ np.exp(-2j * np.pi * f * t)) ** 2).sum())
                   for f in freqs if f < fs / 2)

    p50 = power((50.0, 150.0) if fs > 370 else (50.0,))
    p60 = power((60.0, 180.0) if fs > 370 else (60.0,))
    return 60.0 if p60 > 2 * p50 else 50.0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("edf", help="16-bit EDF/EDF+ recording, values in uV/mV/V")
    ap.add_argument("-o", "--output", default="-", help="events TSV (default stdout)")
    ap.add_argument("--chunk-s", type=float, default=10.0,
                    help="seconds read and filtered per step, rounded to whole data "
                         "records (default 10)")
    ap.add_argument("--mains", default="auto", choices=("auto", "50", "60", "none"))
    a = ap.parse_args()
    t_start = time.perf_counter()

    try:
        h = read_edf_header(a.edf)
        sel = data_signals(h)
    except (OSError, ValueError) as e:
        sys.exit(f"scipy_detect: {e}")
    labels = [h["labels"][i] for i in sel]
    spr = h["spr"][sel[0]]
    fs = spr / h["record_s"]
    if fs < 100:
        sys.exit(f"scipy_detect: {fs:g} Hz; the detector needs at least 100 Hz")
    k = max(1, cround(a.chunk_s / h["record_s"]))
    reader = EdfChunks(a.edf, h, sel, k)
    rails = tuple(np.array([(h[key][i]) * UNIT_TO_UV.get(h["units"][i].lower(), 1.0)
                            for i in sel]) for key in ("pmin", "pmax"))
    span = rails[1] - rails[0]
    rails = (rails[0] + 1e-3 * span, rails[1] - 1e-3 * span)

    # the first minute: the mains guess, then the resting levels are primed
    n_prime = min(cround(PRIME_S * fs), h["n_records"] * spr)
    prime = np.empty((len(sel), 0))
    while prime.shape[1] < n_prime:
        x = reader.read()
        if x is None:
            break
        prime = np.concatenate((prime, x[:, :n_prime - prime.shape[1]]), axis=1)
    if a.mains == "auto":
        mains = mains_guess(prime, fs)
    else:
        mains = {"50": 50.0, "60": 60.0, "none": 0.0}[a.mains]
    det = Detector(fs, len(sel), mains, rails)
    for p in range(0, prime.shape[1], k * spr):
        det.process(prime[:, p:p + k * spr])
    del prime
    det.restart(priming=False)
    reader.rewind()

    frames = 0
    while (x := reader.read()) is not None:
        det.process(x)
        frames += x.shape[1]
    reader.close()
    episodes = classify(det.finish(), labels)
    write_tsv(a.output, episodes, labels)

    wall = time.perf_counter() - t_start
    counts = {}
    for e in episodes:
        counts[e["type"]] = counts.get(e["type"], 0) + 1
    samples = frames * len(sel)
    print(json.dumps(dict(
        tool="scipy_detect", file=a.edf, channels=len(sel), fs_hz=fs, frames=frames,
        samples=samples, wall_s=round(wall, 3), msamples_per_s=round(samples / wall / 1e6, 2),
        peak_rss_mib=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        chunk_s=k * h["record_s"], band_hz=list(det.band), mains_hz=mains,
        notches=det.notches, episodes=len(episodes), counts=counts)), file=sys.stderr)


if __name__ == "__main__":
    main()
