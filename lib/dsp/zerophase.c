/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Bounded-memory zero-phase filtering of a stream.
 *
 * Ext coordinates are those of cramp_filtfilt: edge frames of odd extension,
 * the signal, edge frames of odd extension. The forward pass runs causally
 * into `buf`, which holds forward output for signal frames [base, base+held).
 * Whenever held reaches block + overlap, the backward pass starts at the
 * newest of those frames from the steady state of its forward value, runs
 * `overlap` frames to let that guess decay (output discarded), then writes
 * `block` finished frames; the newest `overlap` frames move to the front.
 * Because a block always spans exactly block + overlap frames, the output does
 * not depend on how the input is split into calls. The last frames are
 * finished exactly, through the right extension, by finish(). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dsp/internal.h"

#define WARM_CHUNK 512 /* frames of discarded backward output per kernel call */
#define MAX_DECAY_FRAMES ((size_t)1 << 26)

struct cramp_zerophase {
    size_t channels, n_sec, edge, overlap, block;
    cramp__biquad_kernel kernel;
    cramp_biquad *sos;
    double *zi;     /* 2 n_sec */
    double *fstate; /* forward pass, 2 n_sec cpad */
    double *bstate; /* backward pass, 2 n_sec cpad */
    float *buf;     /* (block + overlap + edge) frames */
    float *head;    /* first edge + 1 input frames, until the forward pass starts */
    float *tail;    /* last edge + 1 input frames */
    float *scratch; /* WARM_CHUNK frames */
    size_t n_head;  /* frames in head while not started */
    size_t n_tail;  /* valid frames in tail (<= edge + 1) */
    size_t held;    /* frames in buf */
    int started;
    int finished;
};

void cramp_zerophase_config_default(cramp_zerophase_config *cfg)
{
    if (!cfg) return;
    memset(cfg, 0, sizeof *cfg);
    cfg->simd = CRAMP_SIMD_AUTO;
    cfg->block_frames = 0;
    cfg->tol = 1e-9;
}

/* The first n after which the zero-input response from every unit state
 * stays below tol. All 2 n_sec unit states are run at once (one column each,
 * which the compiler vectorises) through the cascade on zero input until every
 * state has decayed below tol * 1e-3, after which no output can reach tol
 * again for a stable cascade of this kind. Returns 0 if the response does not
 * decay within MAX_DECAY_FRAMES or memory runs out. */
static size_t decay_length(const cramp_biquad *sos, size_t n_sec, double tol)
{
    const size_t K = 2 * n_sec;
    /* z[(2 s + j) * K + k]: delay j of section s for the run started at unit
     * state k; v[k]: the signal between sections. */
    double *z = calloc(K * K + K, sizeof *z);
    if (!z) return 0;
    double *restrict v = z + K * K;
    for (size_t k = 0; k < K; k++) z[k * K + k] = 1.0;
    size_t last_big = 0, n = 0;
    for (; n < MAX_DECAY_FRAMES; n++) {
        for (size_t k = 0; k < K; k++) v[k] = 0.0;
        double mag = 0.0;
        for (size_t s = 0; s < n_sec; s++) {
            const cramp_biquad q = sos[s];
            double *restrict z0 = z + (2 * s) * K, *restrict z1 = z + (2 * s + 1) * K;
            for (size_t k = 0; k < K; k++) {
                const double y = q.b0 * v[k] + z0[k];
                z0[k] = q.b1 * v[k] - q.a1 * y + z1[k];
                z1[k] = q.b2 * v[k] - q.a2 * y;
                v[k] = y;
                const double m0 = fabs(z0[k]), m1 = fabs(z1[k]);
                mag = m0 > mag ? m0 : mag;
                mag = m1 > mag ? m1 : mag;
            }
        }
        double out = 0.0;
        for (size_t k = 0; k < K; k++) out = fabs(v[k]) > out ? fabs(v[k]) : out;
        if (out >= tol) last_big = n;
        if (mag < tol * 1e-3) break;
    }
    free(z);
    return n == MAX_DECAY_FRAMES ? 0 : (last_big + 1 > 1 ? last_big + 1 : 1);
}

cramp_status cramp_zerophase_create(cramp_zerophase **out, const cramp_biquad *sos,
                                    size_t n_sections, size_t channels,
                                    const cramp_zerophase_config *cfg, cramp_error *err)
{
    if (!out) return cramp__fail(err, CRAMP_EINVAL, "zero-phase stream: NULL argument");
    *out = NULL;
    if (!sos || n_sections == 0 || channels == 0)
        return cramp__fail(err, CRAMP_EINVAL, "zero-phase stream: no sections or no channels");
    if (!cramp__sos_finite(sos, n_sections))
        return cramp__fail(err, CRAMP_EINVAL, "zero-phase stream: non-finite coefficient");
    cramp_zerophase_config def;
    if (!cfg) {
        cramp_zerophase_config_default(&def);
        cfg = &def;
    }
    if (!(cfg->tol > 0 && cfg->tol < 1))
        return cramp__fail(err, CRAMP_EINVAL, "zero-phase stream: tol %g must be in (0, 1)",
                           cfg->tol);
    cramp_simd path;
    cramp_status st = cramp__simd_resolve(cfg->simd, &path);
    if (st != CRAMP_OK)
        return cramp__fail(err, st, "zero-phase stream: SIMD path %s is not available here",
                           cramp_simd_name(cfg->simd));
    const size_t overlap = decay_length(sos, n_sections, cfg->tol);
    if (overlap == 0)
        return cramp__fail(err, CRAMP_ERANGE,
                           "zero-phase stream: the filter's response does not decay below %g "
                           "within %zu frames (unstable, or a cutoff too close to 0 Hz)",
                           cfg->tol, MAX_DECAY_FRAMES);
    const size_t edge = cramp_filtfilt_padlen(sos, n_sections);
    size_t block = cfg->block_frames;
    if (block == 0) block = 8 * overlap > 4096 ? 8 * overlap : 4096;
    if (block <= edge)
        return cramp__fail(err, CRAMP_EINVAL,
                           "zero-phase stream: block_frames %zu must exceed the edge padding "
                           "(%zu frames)",
                           block, edge);
    const size_t cap = block + overlap + edge;
    const size_t cpad = cramp__pad_channels(channels);
    if (cap > ((size_t)-1) / sizeof(float) / cpad)
        return cramp__fail(err, CRAMP_ERANGE, "zero-phase stream: block too large");

    cramp_zerophase *z = calloc(1, sizeof *z);
    if (!z) return cramp__fail(err, CRAMP_ENOMEM, "zero-phase stream: out of memory");
    z->sos = malloc(n_sections * sizeof *z->sos);
    z->zi = malloc(2 * n_sections * sizeof *z->zi);
    z->fstate = malloc(2 * n_sections * cpad * sizeof *z->fstate);
    z->bstate = malloc(2 * n_sections * cpad * sizeof *z->bstate);
    z->buf = malloc(cap * channels * sizeof *z->buf);
    z->head = malloc((edge + 1) * channels * sizeof *z->head);
    z->tail = malloc((edge + 1) * channels * sizeof *z->tail);
    z->scratch = malloc((WARM_CHUNK > edge ? WARM_CHUNK : edge) * channels * sizeof *z->scratch);
    if (!z->sos || !z->zi || !z->fstate || !z->bstate || !z->buf || !z->head || !z->tail || !z->scratch) {
        cramp_zerophase_destroy(z);
        return cramp__fail(err, CRAMP_ENOMEM, "zero-phase stream: out of memory");
    }
    memcpy(z->sos, sos, n_sections * sizeof *sos);
    cramp__sos_zi(sos, n_sections, z->zi);
    z->channels = channels;
    z->n_sec = n_sections;
    z->edge = edge;
    z->overlap = overlap;
    z->block = block;
    z->kernel = cramp__biquad_kernel_for(path);
    *out = z;
    return CRAMP_OK;
}

size_t cramp_zerophase_max_output(const cramp_zerophase *z, size_t in_frames)
{
    if (!z) return 0;
    if (in_frames == 0) return z->block + z->overlap;
    return (in_frames / z->block + 1) * z->block;
}

size_t cramp_zerophase_overlap(const cramp_zerophase *z) { return z ? z->overlap : 0; }

/* Runs the kernel over n frames and throws the output away. */
static void run_discard(cramp_zerophase *z, const float *in, ptrdiff_t step, size_t n)
{
    const size_t C = z->channels;
    while (n > 0) {
        const size_t m = n < WARM_CHUNK ? n : WARM_CHUNK;
        if (step > 0) {
            z->kernel(z->sos, z->n_sec, z->bstate, C, in, z->scratch, step, m);
        } else {
            z->kernel(z->sos, z->n_sec, z->bstate, C, in, z->scratch + (m - 1) * C, step, m);
        }
        in += (ptrdiff_t)m * step;
        n -= m;
    }
}

/* Forward-filters n signal frames into buf. */
static void forward(cramp_zerophase *z, const float *in, size_t n)
{
    const size_t C = z->channels;
    z->kernel(z->sos, z->n_sec, z->fstate, C, in, z->buf + z->held * C, (ptrdiff_t)C, n);
    z->held += n;
}

/* Keeps the last edge + 1 input frames for the right extension. */
static void remember_tail(cramp_zerophase *z, const float *in, size_t n)
{
    const size_t C = z->channels, keep = z->edge + 1;
    if (n >= keep) {
        memcpy(z->tail, in + (n - keep) * C, keep * C * sizeof *in);
        z->n_tail = keep;
        return;
    }
    size_t have = z->n_tail;
    if (have + n > keep) {
        const size_t drop = have + n - keep;
        memmove(z->tail, z->tail + drop * C, (have - drop) * C * sizeof *in);
        have -= drop;
    }
    memcpy(z->tail + have * C, in, n * C * sizeof *in);
    z->n_tail = have + n;
}

/* Starts the forward pass once head holds edge + 1 frames: filters the left
 * extension from its steady state, then the head frames. */
static void start(cramp_zerophase *z)
{
    const size_t C = z->channels, e = z->edge;
    float *ext = z->scratch; /* room for max(WARM_CHUNK, edge) frames */
    cramp__odd_extension_left(z->head, C, e, ext);
    /* The state is set from ext[0]; filtering the extension in place then
     * discards it. */
    cramp__set_state(z->fstate, z->zi, z->n_sec, C, ext);
    z->kernel(z->sos, z->n_sec, z->fstate, C, ext, ext, (ptrdiff_t)C, e);
    forward(z, z->head, z->n_head);
    z->started = 1;
}

/* Backward pass over buf[0 .. upto) ending with `warm` discarded frames at the
 * newest end, writing the oldest upto - warm frames to out. */
static void backward(cramp_zerophase *z, size_t upto, size_t warm, float *out)
{
    const size_t C = z->channels;
    const ptrdiff_t back = -(ptrdiff_t)C;
    const float *newest = z->buf + (upto - 1) * C;
    cramp__set_state(z->bstate, z->zi, z->n_sec, C, newest);
    run_discard(z, newest, back, warm);
    const size_t n = upto - warm;
    if (n)
        z->kernel(z->sos, z->n_sec, z->bstate, C, z->buf + (n - 1) * C, out + (n - 1) * C, back,
                  n);
}

/* Emits every full block buf holds; returns the frames written to out. */
static size_t emit_blocks(cramp_zerophase *z, float *out)
{
    const size_t C = z->channels, span = z->block + z->overlap;
    size_t written = 0;
    while (z->held >= span) {
        backward(z, span, z->overlap, out + written * C);
        written += z->block;
        memmove(z->buf, z->buf + z->block * C, (z->held - z->block) * C * sizeof *z->buf);
        z->held -= z->block;
    }
    return written;
}

cramp_status cramp_zerophase_process(cramp_zerophase *z, const float *in, size_t in_frames,
                                     float *out, size_t out_cap, size_t *out_frames)
{
    if (!z || !out_frames) return CRAMP_EINVAL;
    *out_frames = 0;
    if (in_frames == 0) return CRAMP_OK;
    if (!in || !out || z->finished) return CRAMP_EINVAL;
    if (out_cap < cramp_zerophase_max_output(z, in_frames)) return CRAMP_ERANGE;
    const size_t C = z->channels, e = z->edge;
    remember_tail(z, in, in_frames);
    if (!z->started) {
        const size_t want = e + 1 - z->n_head;
        const size_t m = in_frames < want ? in_frames : want;
        memcpy(z->head + z->n_head * C, in, m * C * sizeof *in);
        z->n_head += m;
        in += m * C;
        in_frames -= m;
        if (z->n_head < e + 1) return CRAMP_OK;
        start(z);
    }
    size_t written = emit_blocks(z, out);
    const size_t cap = z->block + z->overlap + e;
    while (in_frames > 0) {
        const size_t room = cap - z->held; /* > edge, since held < block + overlap here */
        const size_t m = in_frames < room ? in_frames : room;
        forward(z, in, m);
        in += m * C;
        in_frames -= m;
        written += emit_blocks(z, out + written * C);
    }
    *out_frames = written;
    return CRAMP_OK;
}

cramp_status cramp_zerophase_finish(cramp_zerophase *z, float *out, size_t out_cap,
                                    size_t *out_frames, cramp_error *err)
{
    if (!z || !out_frames) return cramp__fail(err, CRAMP_EINVAL, "zero-phase stream: NULL argument");
    *out_frames = 0;
    if (z->finished) return cramp__fail(err, CRAMP_EINVAL, "zero-phase stream: already finished");
    const size_t C = z->channels, e = z->edge;
    if (!z->started)
        return cramp__fail(err, CRAMP_ERANGE,
                           "zero-phase filter: the signal has %zu frames; it must be longer than "
                           "the %zu-frame edge padding these %zu sections need",
                           z->n_head, e, z->n_sec);
    if (!out || out_cap < z->held)
        return cramp__fail(err, CRAMP_ERANGE, "zero-phase stream: output room %zu < %zu frames",
                           out_cap, z->held);
    /* Right extension, forward-filtered after the held frames (buf has room
     * for edge more), then one exact backward pass over all of it. */
    float *ext = z->buf + z->held * C;
    cramp__odd_extension_right(z->tail, z->n_tail, C, e, ext);
    z->kernel(z->sos, z->n_sec, z->fstate, C, ext, ext, (ptrdiff_t)C, e);
    const size_t n = z->held;
    z->held += e;
    backward(z, z->held, e, out);
    z->held = 0;
    z->finished = 1;
    *out_frames = n;
    return CRAMP_OK;
}

void cramp_zerophase_reset(cramp_zerophase *z)
{
    if (!z) return;
    z->n_head = z->n_tail = z->held = 0;
    z->started = z->finished = 0;
}

void cramp_zerophase_destroy(cramp_zerophase *z)
{
    if (!z) return;
    free(z->sos);
    free(z->zi);
    free(z->fstate);
    free(z->bstate);
    free(z->buf);
    free(z->head);
    free(z->tail);
    free(z->scratch);
    free(z);
}
