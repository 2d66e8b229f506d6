/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Movement rhythm in a segment's amplitude (issue 12; docs/detect.md,
 * "Movement modulation"): the 10-ms tick power of the band-passed signal
 * through two band-passes at the tick rate, 0.5-3 Hz (the rhythm of
 * movements: AASM rhythmic movement disorder 0.5-2 Hz, hypnagogic foot
 * tremor 0.3-4 Hz, a stride about 1 Hz) and 3-8 Hz (a reference band), and
 * the ratio of their energies over the segment. The tick power of an
 * unmodulated contraction (an interference pattern of a steady level)
 * fluctuates about as white noise, so the ratio is near the ratio of the
 * bands' widths, 2.5 / 5 = 0.5; a movement that modulates the level at
 * 0.5-3 Hz raises it. Each band is a first-order Butterworth band-pass (one
 * biquad, bilinear transform with prewarped edges), started at the first
 * tick's power; the squared outputs are summed from 1 s after the start to
 * 1 s before the end (a lag ring), so the onset and the offset, steps that
 * a band-pass turns into low-frequency energy, stay out. Per tick: two
 * biquads and a ring store; constant memory. */
#include <math.h>
#include <string.h>

#include "detect/detect_internal.h"

#define PI 3.14159265358979323846

/* b0, b1 (= 0), b2 (= -b0), a1, a2 of a first-order Butterworth band-pass
   lo..hi Hz at rate fs (bilinear, both edges prewarped). */
static void bandpass(double fs, double lo, double hi, double c[5])
{
    const double wl = 2 * fs * tan(PI * lo / fs), wh = 2 * fs * tan(PI * hi / fs);
    const double bw = wh - wl, w0 = wl * wh, k = 2 * fs;
    const double a0 = k * k + bw * k + w0;
    c[0] = bw * k / a0;
    c[1] = 0;
    c[2] = -c[0];
    c[3] = 2 * (w0 - k * k) / a0;
    c[4] = (k * k - bw * k + w0) / a0;
}

void cramp__envmod_start(cramp__envmod *m, double tick_hz, double p0)
{
    memset(m, 0, sizeof *m);
    const double lag = round(CRAMP__ENVMOD_EDGE_S * tick_hz);
    /* a tick rate the ring cannot cover, or whose Nyquist is under the
       reference band: not measured */
    if (!(lag >= 1 && lag <= CRAMP__ENVMOD_RING) || !(tick_hz > 2 * CRAMP__ENVMOD_HI_HZ)) return;
    m->lag = (uint32_t)lag;
    m->p0 = p0;
    bandpass(tick_hz, CRAMP__ENVMOD_LO_HZ, CRAMP__ENVMOD_MID_HZ, m->c[0]);
    bandpass(tick_hz, CRAMP__ENVMOD_MID_HZ, CRAMP__ENVMOD_HI_HZ, m->c[1]);
}

void cramp__envmod_add(cramp__envmod *m, double p)
{
    if (!m->lag) return;
    const double x = p - m->p0;
    const size_t slot = (size_t)(m->n % m->lag);
    /* the tick lag ticks ago leaves the ring: counted when it lay at least
       lag ticks after the start (and, being lag ticks old, before the end) */
    if (m->n >= 2 * (uint64_t)m->lag) {
        m->e[0] += (double)m->ring[0][slot];
        m->e[1] += (double)m->ring[1][slot];
        m->counted++;
    }
    for (int b = 0; b < 2; b++) {
        double *c = m->c[b], *z = m->z[b];
        /* transposed direct form II */
        const double y = c[0] * x + z[0];
        z[0] = c[1] * x - c[3] * y + z[1];
        z[1] = c[2] * x - c[4] * y;
        m->ring[b][slot] = (float)(y * y);
    }
    m->n++;
}

double cramp__envmod_ratio(const cramp__envmod *m, double tick_hz)
{
    if (!m->lag || (double)m->counted < CRAMP__ENVMOD_MIN_S * tick_hz || !(m->e[1] > 0))
        return (double)NAN;
    return m->e[0] / m->e[1];
}
