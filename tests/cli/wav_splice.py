#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Splices stretches of a PCM WAV into a new WAV, sample for sample.

Usage: wav_splice.py IN.wav OUT.wav PIECE...
PIECE is T0-T1 or T0-T1xN: the frames from T0 to T1 seconds, N times in a
row (default once). The pieces are written in the order given, with the
input's channels, sample width and rate; nothing is scaled or filtered.
Standard library only, so the tests need no NumPy.
"""
import sys
import wave


def main(argv):
    if len(argv) < 4:
        sys.exit(__doc__)
    with wave.open(argv[1], "rb") as src:
        fs = src.getframerate()
        nch, width = src.getnchannels(), src.getsampwidth()
        data = src.readframes(src.getnframes())
    frame = nch * width
    frames = len(data) // frame
    out = bytearray()
    for piece in argv[3:]:
        span, _, times = piece.partition("x")
        t0, t1 = (float(v) for v in span.split("-"))
        a, b = round(t0 * fs), round(t1 * fs)
        if not 0 <= a < b <= frames:
            sys.exit(f"wav_splice: {piece}: outside 0-{frames / fs:.3f} s of {argv[1]}")
        out += data[a * frame:b * frame] * int(times or 1)
    with wave.open(argv[2], "wb") as dst:
        dst.setnchannels(nch)
        dst.setsampwidth(width)
        dst.setframerate(fs)
        dst.writeframes(bytes(out))


if __name__ == "__main__":
    main(sys.argv)
