/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The cramp detector's streaming front end (stage 1): the filters, 10-ms
 * ticks, envelopes, resting baselines and the hysteresis that opens and
 * closes segments per channel. Closing a segment and measuring it is in
 * segments.c; the rules are listed in cramp/detect.h, their reasons in
 * docs/detect.md. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "detect/detect_internal.h"
#include "detect/baseline_internal.h"
#include "dsp/comb.h"
#include "dsp/internal.h"

/* ---- life cycle --------------------------------------------------------- */

static void reset_front(cramp_detector *d)
{
    cramp_filter_reset(d->band_filter);
    cramp__comb_reset(d->comb);
    cramp_filter_reset(d->motion_filter);
    cramp__tick_lanes *ln = &d->lanes;
    for (size_t c = 0; c < d->channels; c++) {
        cramp__det_channel *h = &d->chan[c];
        float lo = h->rail_lo, hi = h->rail_hi;
        int rails = h->has_rails;
        memset(h, 0, sizeof *h);
        h->rail_lo = lo;
        h->rail_hi = hi;
        h->has_rails = rails;
        h->mnf_start_hz = h->mdf_start_hz = (double)NAN;
        h->motion_thr_rest_uv = (double)NAN; /* the motion onset threshold is made on first use */
        ln->band_sq[c] = ln->motion_sq[c] = ln->band_max[c] = ln->prev_raw[c] =
            ln->band_fourth[c] = 0;
        ln->clipped[c] = ln->flat[c] = 0;
        ln->rail_lo[c] = rails ? lo : -HUGE_VALF;
        ln->rail_hi[c] = rails ? hi : HUGE_VALF;
    }
    const size_t nt = d->channels * CRAMP__TICK_RING;
    memset(d->tick_band_energy, 0, nt * sizeof *d->tick_band_energy);
    memset(d->tick_motion_energy, 0, nt * sizeof *d->tick_motion_energy);
    memset(d->tick_band_fourth, 0, nt * sizeof *d->tick_band_fourth);
    memset(d->kurtosis_hist, 0, d->channels * CRAMP__KBINS * sizeof *d->kurtosis_hist);
    memset(d->tick_band_max, 0, nt * sizeof *d->tick_band_max);
    memset(d->tick_clipped, 0, nt * sizeof *d->tick_clipped);
    memset(d->tick_flat, 0, nt * sizeof *d->tick_flat);
    /* the band ring is not cleared: only frames written since (d->frames)
       are read (cramp__seg_spectrum_at); clearing its 1-6 MB here, three
       times before a run (create or ring_ahead, prime, begin), was serial
       work in front of the threads (bench/README.md, h16aa) */
    memset(d->env_window_energy, 0, sizeof d->env_window_energy);
    memset(d->motion_window_energy, 0, sizeof d->motion_window_energy);
    d->frames = 0;
    d->ticks = 0;
    d->tick_pos = 0;
    d->started = 0;
}

void cramp_detector_destroy(cramp_detector *d)
{
    if (!d) return;
    cramp_filter_destroy(d->band_filter);
    cramp__comb_destroy(d->comb);
    cramp_filter_destroy(d->motion_filter);
    cramp_baseline_destroy(d->rest_band);
    cramp_baseline_destroy(d->rest_motion);
    cramp_spectral_destroy(d->spectral);
    free(d->finite_in);
    free(d->motion);
    free(d->band_ring);
    free(d->tick_band_energy);
    free(d->tick_motion_energy);
    free(d->tick_band_fourth);
    free(d->kurtosis_hist);
    free(d->tick_band_max);
    free(d->tick_clipped);
    free(d->tick_flat);
    free(d->env_uv);
    free(d->motion_tick_rms_uv);
    free(d->spectral_buf);
    free(d->chan);
    free(d);
}

static int pos_finite(double x) { return isfinite(x) && x > 0; }

static cramp_status check_config(const cramp_detect_config *cfg, cramp_error *err)
{
    const double fs = cfg->fs;
    if (!pos_finite(fs)) return cramp__fail(err, CRAMP_EINVAL, "detector: fs %g, expected > 0", fs);
    struct {
        const char *name;
        double v;
    } pos[] = {{"band_hi_hz", cfg->band_hi_hz},       {"notch_q", cfg->notch_q},
               {"tick_s", cfg->tick_s},               {"env_window_s", cfg->env_window_s},
               {"onset_uv", cfg->onset_uv},           {"off_hold_s", cfg->off_hold_s},
               {"flat_min_s", cfg->flat_min_s},       {"spectral_window_s", cfg->spectral_window_s},
               {"lf_onset_uv", cfg->lf_onset_uv},     {"lf_hold_s", cfg->lf_hold_s},
               {"lf_min_s", cfg->lf_min_s}};
    for (size_t i = 0; i < sizeof pos / sizeof pos[0]; i++)
        if (!pos_finite(pos[i].v))
            return cramp__fail(err, CRAMP_EINVAL, "detector: %s %g, expected a number > 0",
                               pos[i].name, pos[i].v);
    if (!(cfg->band_lo_hz >= 0) || !isfinite(cfg->band_lo_hz) || !(cfg->onset_k >= 0) ||
        !(cfg->offset_uv >= 0) || !(cfg->offset_k >= 0) || !(cfg->min_duration_s >= 0) ||
        !(cfg->mains_hz >= 0) || !isfinite(cfg->onset_k) || !isfinite(cfg->offset_k) ||
        !(cfg->lf_onset_k >= 0) || !isfinite(cfg->lf_onset_k) || !(cfg->lf_offset_uv >= 0) ||
        !isfinite(cfg->lf_offset_uv) || !(cfg->lf_offset_k >= 0) || !isfinite(cfg->lf_offset_k))
        return cramp__fail(err, CRAMP_EINVAL,
                           "detector: band_lo_hz, onset_k, offset_uv, offset_k, min_duration_s, "
                           "mains_hz and the lf_ thresholds must be finite and >= 0");
    if (!(cfg->sparse_block_s >= 0) || !isfinite(cfg->sparse_block_s) ||
        !isfinite(cfg->sparse_kurtosis) || !(cfg->sparse_min_hz >= 0) ||
        !isfinite(cfg->sparse_min_hz))
        return cramp__fail(err, CRAMP_EINVAL,
                           "detector: sparse_block_s and sparse_min_hz must be finite and >= 0, "
                           "sparse_kurtosis finite");
    if (cfg->band_order < 1 || cfg->band_order > 5)
        return cramp__fail(err, CRAMP_EINVAL, "detector: band_order %d, expected 1..5",
                           cfg->band_order);
    return CRAMP_OK;
}

/* Band-pass, mains comb, DC removal and motion band. */
static cramp_status make_filters(cramp_detector *d, cramp_error *err)
{
    const cramp_detect_config *cfg = &d->cfg;
    const double fs = d->fs;
    cramp_biquad sos[CRAMP__MAX_SECTIONS];
    size_t ns = 0, n1 = 0;
    unsigned flags = 0;
    cramp_status st = cramp_band_clamp(fs, cfg->band_lo_hz, cfg->band_hi_hz, CRAMP__BAND_NYQUIST,
                                       &d->band_lo_hz, &d->band_hi_hz, &flags, err);
    if (st != CRAMP_OK) return st;
    cramp_butter_spec bs = {d->band_lo_hz > 0 ? CRAMP_BANDPASS : CRAMP_LOWPASS, cfg->band_order,
                            fs, d->band_lo_hz > 0 ? d->band_lo_hz : d->band_hi_hz,
                            d->band_hi_hz};
    st = cramp_butter_design(&bs, sos, CRAMP__MAX_SECTIONS, &ns, err);
    if (st != CRAMP_OK) return st;
    if (cfg->mains_hz > 0 && cfg->mains_hz < fs / 2 && d->band_lo_hz > 0 &&
        cramp__comb_period(fs, cfg->mains_hz) > 0) {
        /* a whole number of samples per mains period: one recursive comb
           after the band-pass (whose zero gain at 0 Hz makes the comb's
           notch there harmless) in place of a notch per harmonic */
        st = cramp__comb_create(&d->comb, fs, cfg->mains_hz, cfg->notch_q, d->channels,
                                d->simd);
        if (st != CRAMP_OK)
            return cramp__fail(err, st, "detector: mains comb: %s", cramp_strerror(st));
        d->notches = cramp_comb_sections(fs, cfg->mains_hz);
    } else if (cfg->mains_hz > 0 && cfg->mains_hz < fs / 2) {
        cramp_biquad comb[CRAMP__MAX_SECTIONS * 4];
        size_t nc = 0;
        size_t need = cramp_comb_sections(fs, cfg->mains_hz);
        if (need > sizeof comb / sizeof comb[0]) need = sizeof comb / sizeof comb[0];
        st = cramp_comb_design(fs, cfg->mains_hz, cfg->notch_q, comb, need, &nc, err);
        if (st != CRAMP_OK && st != CRAMP_ERANGE) return st;
        for (size_t k = 0; k < nc && ns < CRAMP__MAX_SECTIONS; k++) {
            if ((double)(k + 1) * cfg->mains_hz > CRAMP__COMB_REACH * d->band_hi_hz) break;
            sos[ns++] = comb[k];
            d->notches++;
        }
    }
    st = cramp_filter_create(&d->band_filter, sos, ns, d->channels, NULL);
    if (st != CRAMP_OK)
        return cramp__fail(err, st, "detector: band-pass filter: %s", cramp_strerror(st));
    /* the motion band: the DC high-pass and the low-pass as one cascade, so
       that their sections overlap in one pass (two one-section passes each
       wait on their own feedback) */
    cramp_butter_spec hs = {CRAMP_HIGHPASS, 1, fs, CRAMP__DC_HP_HZ, 0};
    st = cramp_butter_design(&hs, sos, CRAMP__MAX_SECTIONS, &n1, err);
    if (st != CRAMP_OK) return st;
    size_t n2 = 0;
    cramp_butter_spec ls = {CRAMP_LOWPASS, 2, fs, fmin(CRAMP__MOTION_LP_HZ, 0.45 * fs), 0};
    st = cramp_butter_design(&ls, sos + n1, CRAMP__MAX_SECTIONS - n1, &n2, err);
    if (st != CRAMP_OK) return st;
    return cramp_filter_create(&d->motion_filter, sos, n1 + n2, d->channels, NULL);
}

const cramp__detect_kernels *cramp__detect_kernels_for(cramp_simd s)
{
#if defined(CRAMP_HAVE_X86_KERNELS)
    if (s == CRAMP_SIMD_AVX2 || s == CRAMP_SIMD_AVX512) return &cramp__detect_kernels_avx2;
#else
    (void)s;
#endif
    return &cramp__detect_kernels_base;
}

/* The spectral stage: FFT plans (about 1.5 ms on 1 h x 8 ch, most of the
 * time of creating a detector) and the window's buffer. */
cramp_status cramp__detector_add_spectral(cramp_detector *d, cramp_error *err)
{
    if (d->spectral) return CRAMP_OK;
    cramp_spectral_config sc;
    cramp_spectral_config_default(&sc);
    sc.fs = d->fs;
    sc.epoch_s = (double)d->spectral_frames / d->fs;
    sc.segment_s = sc.epoch_s / 2;
    sc.effort = d->cfg.fft_effort;
    sc.wisdom_path = d->cfg.fft_wisdom ? d->cfg.fft_wisdom : "";
    cramp_status st = cramp_spectral_create(&d->spectral, 1, &sc, err);
    if (st != CRAMP_OK) return st;
    d->spectral_buf =
        malloc((d->spectral_frames ? d->spectral_frames : 1) * sizeof *d->spectral_buf);
    if (!d->spectral_buf) return cramp__fail(err, CRAMP_ENOMEM, "detector: out of memory");
    return CRAMP_OK;
}

cramp_status cramp_detector_create(cramp_detector **out, size_t channels,
                                   const cramp_detect_config *cfg,
                                   const cramp_detect_channel *chi, cramp_error *err)
{
    return cramp__detector_create_parts(out, channels, cfg, chi, CRAMP__DETECTOR_SPECTRAL, err);
}

cramp_status cramp__detector_create_parts(cramp_detector **out, size_t channels,
                                          const cramp_detect_config *cfg,
                                          const cramp_detect_channel *chi, unsigned parts,
                                          cramp_error *err)
{
    if (!out) return cramp__fail(err, CRAMP_EINVAL, "detector: out is NULL");
    *out = NULL;
    if (!cfg) return cramp__fail(err, CRAMP_EINVAL, "detector: cfg is NULL");
    if (channels == 0 || channels > CRAMP_DETECT_MAX_CHANNELS)
        return cramp__fail(err, CRAMP_EINVAL, "detector: channels %zu, expected 1..%d", channels,
                           CRAMP_DETECT_MAX_CHANNELS);
    cramp_status st = check_config(cfg, err);
    if (st != CRAMP_OK) return st;
    cramp_simd simd;
    st = cramp__simd_resolve(cfg->simd, &simd);
    if (st != CRAMP_OK)
        return cramp__fail(err, st, "detector: SIMD path %s is %s", cramp_simd_name(cfg->simd),
                           st == CRAMP_EUNSUPPORTED ? "not available here" : "unknown");
    const double fs = cfg->fs;

    cramp_detector *d = calloc(1, sizeof *d);
    if (!d) return cramp__fail(err, CRAMP_ENOMEM, "detector: out of memory");
    d->cfg = *cfg;
    d->channels = channels;
    d->fs = fs;
    d->simd = simd;
    d->kernels = cramp__detect_kernels_for(simd);
    double dd = round(cfg->tick_s * fs);
    if (dd < 1) dd = 1;
    d->tick_frames = (size_t)dd;
    const double tick = (double)d->tick_frames / fs;
    d->env_ticks = (size_t)fmax(1, round(cfg->env_window_s / tick));
    d->off_hold_ticks = (size_t)fmax(1, round(cfg->off_hold_s / tick));
    d->min_segment_ticks = (size_t)round(cfg->min_duration_s / tick);
    d->pause_ticks = (size_t)fmax(1, round(CRAMP__PAUSE_S / tick));
    d->flat_min_ticks = (size_t)fmax(1, round(cfg->flat_min_s / tick));
    d->motion_hold_ticks = (size_t)fmax(1, round(cfg->lf_hold_s / tick));
    d->motion_min_ticks = (size_t)fmax(1, round(cfg->lf_min_s / tick));
    /* the 0.5-Hz high-pass starts in the steady state of the first sample,
       which carries that sample's noise (or EMG): an offset decaying with
       tau = 1 / (2 pi 0.5 Hz) = 0.32 s. After 3 s (9.4 tau) it is below
       1e-4 of itself, so motion-band onsets are not taken before then. */
    d->motion_settle_ticks = (size_t)ceil(CRAMP__MOTION_SETTLE_S / tick);
    d->add_lag_ticks = d->off_hold_ticks + d->env_ticks + 4;
    if (d->add_lag_ticks + d->env_ticks + 8 > CRAMP__TICK_RING) {
        st = cramp__fail(err, CRAMP_ERANGE,
                         "detector: off_hold_s + env_window_s span %zu ticks of %g s; at most %u",
                         d->add_lag_ticks + d->env_ticks, tick, CRAMP__TICK_RING - 8);
        goto bad;
    }
    d->spectral_frames = (size_t)round(cfg->spectral_window_s * fs);
    d->history_frames =
        d->spectral_frames + (d->add_lag_ticks + d->env_ticks + 4) * d->tick_frames;
    if (d->history_frames < (size_t)(2 * fs)) d->history_frames = (size_t)(2 * fs);
    /* a primer's ring holds the chunk being filtered only: it never reads
       the history (no segments, no spectra while priming) */
    d->ring_frames = (parts & CRAMP__DETECTOR_PRIMER) ? CRAMP__CHUNK
                                                      : d->history_frames + CRAMP__CHUNK;

    st = make_filters(d, err);
    if (st != CRAMP_OK) goto bad;
    if (cfg->sparse_block_s > 0 && d->band_hi_hz >= cfg->sparse_min_hz)
        d->sparse_block_ticks = (size_t)fmax(1, round(cfg->sparse_block_s / tick));

    cramp_baseline_config bc = cfg->baseline;
    bc.fs = fs / (double)d->tick_frames;
    bc.statistic = CRAMP_BASELINE_MEAN;
    bc.level_only = 1; /* the detector uses the level only */
    st = cramp_baseline_create(&d->rest_band, channels, &bc, err);
    if (st != CRAMP_OK) goto bad;
    st = cramp_baseline_create(&d->rest_motion, channels, &bc, err);
    if (st != CRAMP_OK) goto bad;
    d->rest_band_level = cramp__baseline_level_array(d->rest_band);
    d->rest_motion_level = cramp__baseline_level_array(d->rest_motion);

    if ((parts & CRAMP__DETECTOR_SPECTRAL) && (st = cramp__detector_add_spectral(d, err)) != CRAMP_OK)
        goto bad;

    const size_t nt = CRAMP__TICK_RING * channels;
    d->finite_in = malloc(CRAMP__CHUNK * channels * sizeof *d->finite_in);
    d->motion = malloc(CRAMP__CHUNK * channels * sizeof *d->motion);
    d->band_ring = malloc(d->ring_frames * channels * sizeof *d->band_ring);
    d->tick_band_energy = malloc(nt * sizeof *d->tick_band_energy);
    d->tick_motion_energy = malloc(nt * sizeof *d->tick_motion_energy);
    d->tick_band_fourth = malloc(nt * sizeof *d->tick_band_fourth);
    d->kurtosis_hist = malloc(CRAMP__KBINS * channels * sizeof *d->kurtosis_hist);
    d->tick_band_max = malloc(nt * sizeof *d->tick_band_max);
    d->tick_clipped = malloc(nt * sizeof *d->tick_clipped);
    d->tick_flat = malloc(nt * sizeof *d->tick_flat);
    d->env_uv = malloc(channels * sizeof *d->env_uv);
    d->motion_tick_rms_uv = malloc(channels * sizeof *d->motion_tick_rms_uv);
    d->chan = calloc(channels, sizeof *d->chan);
    if (!d->finite_in || !d->motion || !d->band_ring ||
        !d->tick_band_energy || !d->tick_motion_energy || !d->tick_band_fourth ||
        !d->kurtosis_hist || !d->tick_band_max || !d->tick_clipped || !d->tick_flat ||
        !d->env_uv || !d->motion_tick_rms_uv || !d->chan) {
        st = cramp__fail(err, CRAMP_ENOMEM, "detector: out of memory");
        goto bad;
    }
    for (size_t c = 0; c < channels; c++) {
        cramp__det_channel *h = &d->chan[c];
        if (chi && isfinite(chi[c].phys_min) && isfinite(chi[c].phys_max) &&
            chi[c].phys_max > chi[c].phys_min) {
            double r = chi[c].phys_max - chi[c].phys_min;
            h->rail_lo = (float)(chi[c].phys_min + CRAMP__RAIL_MARGIN * r);
            h->rail_hi = (float)(chi[c].phys_max - CRAMP__RAIL_MARGIN * r);
            h->has_rails = 1;
        }
    }
    reset_front(d);
    *out = d;
    return CRAMP_OK;
bad:
    cramp_detector_destroy(d);
    return st;
}

void cramp_detector_band(const cramp_detector *d, double *lo, double *hi, size_t *notches)
{
    if (lo) *lo = d ? d->band_lo_hz : (double)NAN;
    if (hi) *hi = d ? d->band_hi_hz : (double)NAN;
    if (notches) *notches = d ? d->notches : 0;
}

cramp_simd cramp_detector_simd(const cramp_detector *d)
{
    return d ? d->simd : CRAMP_SIMD_AUTO;
}

double cramp_detector_rest(const cramp_detector *d, size_t c)
{
    if (!d || c >= d->channels) return (double)NAN;
    return cramp_baseline_level(d->rest_band, c);
}

uint64_t cramp_detector_frames(const cramp_detector *d) { return d ? d->frames : 0; }

size_t cramp_detector_max_output(const cramp_detector *d, size_t frames)
{
    if (!d) return 0;
    size_t ticks = frames / d->tick_frames + 2;
    size_t gap = d->off_hold_ticks < d->flat_min_ticks ? d->off_hold_ticks : d->flat_min_ticks;
    if (d->motion_hold_ticks < gap) gap = d->motion_hold_ticks;
    return d->channels * 3 * (ticks / gap + 2);
}

void cramp_detector_reset(cramp_detector *d)
{
    if (!d) return;
    cramp_baseline_reset(d->rest_band);
    cramp_baseline_reset(d->rest_motion);
    reset_front(d);
    d->priming = 0;
}

/* ---- stage timers (cramp/profile.h) ----------------------------------- */

/* Adds the time since the last stamp to stage s and stamps. */
static void prof_stamp(cramp_detector *d, cramp_stage s)
{
    const double t = cramp_clock_s();
    d->prof_s[s] += t - d->prof_t;
    d->prof_t = t;
}

void cramp_detector_set_profile(cramp_detector *d, int on)
{
    if (!d) return;
    d->profiling = on != 0;
    if (on) memset(d->prof_s, 0, sizeof d->prof_s);
}

void cramp_detector_profile_add(const cramp_detector *d, cramp_profile *acc)
{
    if (!d || !acc) return;
    for (int s = CRAMP_STAGE_FILTER; s <= CRAMP_STAGE_SPECTRAL; s++) {
        double v = d->prof_s[s];
        /* spectral windows are measured inside the segment stage */
        if (s == CRAMP_STAGE_SEGMENT) v -= d->prof_s[CRAMP_STAGE_SPECTRAL];
        acc->wall_s[s] += v > 0 ? v : 0;
    }
}

/* ---- ticks -------------------------------------------------------------- */

#if defined(__GNUC__)
#define TICK_INLINE static inline __attribute__((always_inline))
#else
#define TICK_INLINE static inline
#endif

/* Brings s[c], the sum of ring (tick band or motion energy) over the
 * window's ticks j, j - 1, ..., j - w + 1, up to date: a running sum (add
 * tick j, drop tick j - env_ticks), summed afresh from the ring every
 * WINDOW_REFRESH ticks so rounding cannot build up. The same for every
 * channel count and any split of the input (it depends on tick numbers
 * only); channels innermost. */
TICK_INLINE void window_sum(const cramp_detector *d, const double *ring, const float *lane,
                            uint64_t j, size_t w, double *restrict s, size_t NC)
{
    /* tick j's values are taken from the lanes, converted as tick_lanes
       stored them (the same doubles), not read back from the ring just
       written */
    if (j % CRAMP__WINDOW_REFRESH == 0) {
        for (size_t c = 0; c < NC; c++) s[c] = 0;
        for (size_t i = 0; i < w; i++) {
            const double *restrict t = ring + cramp__tick_at(d, 0, j - i);
            for (size_t c = 0; c < NC; c++) s[c] += t[c];
        }
    } else if (j >= d->env_ticks) {
        const double *restrict to = ring + cramp__tick_at(d, 0, j - d->env_ticks);
        for (size_t c = 0; c < NC; c++) s[c] += (double)lane[c] - to[c];
    } else {
        for (size_t c = 0; c < NC; c++) s[c] += (double)lane[c];
    }
}

/* Moves the finished tick j's lanes into the tick ring and updates the
 * window sums of the band and the motion band. NC is a constant at the
 * common call sites, so the loops become straight vector code rather than
 * runtime-trip-count loops with epilogues or memcpy calls. */
TICK_INLINE void tick_lanes(cramp_detector *d, uint64_t j, size_t w, size_t NC)
{
    const size_t k0 = cramp__tick_at(d, 0, j);
    const cramp__tick_lanes *ln = &d->lanes;
    /* not restrict: window_sum reads these ticks back through the ring */
    double *bp = d->tick_band_energy + k0, *lf = d->tick_motion_energy + k0;
    double *restrict tq = d->tick_band_fourth + k0;
    float *restrict tmax = d->tick_band_max + k0;
    uint32_t *restrict tclip = d->tick_clipped + k0, *restrict tflat = d->tick_flat + k0;
    for (size_t c = 0; c < NC; c++) {
        bp[c] = (double)ln->band_sq[c];
        lf[c] = (double)ln->motion_sq[c];
        tq[c] = (double)ln->band_fourth[c];
        tmax[c] = ln->band_max[c];
        tclip[c] = ln->clipped[c];
        tflat[c] = ln->flat[c];
    }
    window_sum(d, d->tick_band_energy, ln->band_sq, j, w, d->env_window_energy, NC);
    window_sum(d, d->tick_motion_energy, ln->motion_sq, j, w, d->motion_window_energy, NC);
}

/* The motion band's hysteresis on channel c at tick j (centre: the tick at
   the centre of the envelope window ending at j). */
static void motion_tick(cramp_detector *d, size_t c, uint64_t j, uint64_t centre)
{
    cramp__det_channel *h = &d->chan[c];
    const double le2 = d->motion_env2[c];
    const size_t W = d->env_ticks;
    const uint64_t half = W / 2;
    if (!h->motion_active) {
        const double L = d->rest_motion_level[c];
        if (L != h->motion_thr_rest_uv) { /* changes once per baseline block */
            h->motion_thr_rest_uv = L;
            const double t = cramp__above_rest(L, d->cfg.lf_onset_uv, d->cfg.lf_onset_k);
            h->motion_onset_thr2 = t * t;
        }
        if (!(le2 >= h->motion_onset_thr2 && isfinite(L) && h->flat_run_ticks == 0 &&
              j >= d->motion_settle_ticks))
            return;
        h->motion_active = 1;
        /* the onset: back from the crossing while the envelope stays above
           the offset threshold (a motion artefact rises slowly, so the
           crossing of the higher threshold is late), at most 5 s and not
           before the last motion segment or the settling time */
        const double thr_off = cramp__above_rest(L, d->cfg.lf_offset_uv, d->cfg.lf_offset_k);
        const double lim2 = thr_off * thr_off * (double)(W * d->tick_frames);
        uint64_t floor_t = h->motion_last_end_tick > d->motion_settle_ticks
                               ? h->motion_last_end_tick
                               : d->motion_settle_ticks;
        const uint64_t back =
            (uint64_t)(CRAMP__MOTION_BACKTRACK_S * d->fs / (double)d->tick_frames);
        if (j > back && j - back > floor_t) floor_t = j - back;
        uint64_t ib = j;
        while (ib > floor_t + W) {
            double e2 = 0;
            for (size_t q = 0; q < W; q++)
                e2 += d->tick_motion_energy[cramp__tick_at(d, c, ib - 1 - q)];
            if (!(e2 > lim2)) break;
            ib--;
        }
        uint64_t on = ib + 1 >= half ? ib + 1 - half : 0;
        h->motion_onset_tick = on > floor_t ? on : floor_t;
        h->motion_cross_tick = centre > h->motion_onset_tick ? centre : h->motion_onset_tick;
        h->motion_rest_uv = L;
        h->motion_offset_thr2 = thr_off * thr_off;
        h->motion_quiet_ticks = 0;
        h->motion_energy = h->motion_energy_at_quiet = 0;
        for (uint64_t i = h->motion_onset_tick; i <= j; i++)
            h->motion_energy += d->tick_motion_energy[cramp__tick_at(d, c, i)];
        h->motion_env_peak2 = le2;
        return;
    }
    h->motion_energy += d->tick_motion_energy[cramp__tick_at(d, c, j)];
    if (le2 > h->motion_env_peak2) h->motion_env_peak2 = le2;
    if (le2 <= h->motion_offset_thr2) {
        if (h->motion_quiet_ticks == 0) {
            h->motion_quiet_start_tick =
                centre > h->motion_onset_tick ? centre : h->motion_onset_tick + 1;
            h->motion_energy_at_quiet = h->motion_energy;
        }
        h->motion_quiet_ticks++;
    } else {
        h->motion_quiet_ticks = 0;
    }
    if (h->motion_quiet_ticks >= d->motion_hold_ticks)
        cramp__seg_close_motion(d, c, h->motion_quiet_start_tick);
}

/* Opens an EMG segment on channel c at tick j when the envelope reaches the
   onset threshold over its resting level L. */
TICK_INLINE void emg_open(cramp_detector *d, size_t c, uint64_t j, uint64_t centre, double env)
{
    cramp__det_channel *h = &d->chan[c];
    const double L = d->rest_band_level[c];
    if (!isfinite(L)) return;
    const double thr = cramp__above_rest(L, d->cfg.onset_uv, d->cfg.onset_k);
    const double open = cramp__seg_open_thr(&d->cfg, L, thr); /* segments.c */
    if (env < open || h->flat_run_ticks > 0) return;
    /* onset: first tick of the window whose own RMS reaches thr */
    const double Dd = (double)d->tick_frames;
    uint64_t first = j + 1 >= d->env_ticks ? j + 1 - d->env_ticks : 0;
    if (first < h->emg_last_end_tick) first = h->emg_last_end_tick;
    uint64_t on = centre > first ? centre : first;
    for (uint64_t i = first; i <= j; i++) {
        double e = d->tick_band_energy[cramp__tick_at(d, c, i)];
        if (sqrt(e / Dd) >= open) {
            on = i;
            break;
        }
    }
    h->emg_active = 1;
    h->emg_onset_tick = on;
    h->emg_next_add_tick = on;
    h->emg_quiet_ticks = 0;
    h->emg_rest_uv = L;
    h->emg_rest_motion_uv = d->rest_motion_level[c];
    h->emg_onset_thr_uv = thr;
    h->emg_offset_thr_uv = cramp__above_rest(L, d->cfg.offset_uv, d->cfg.offset_k);
    h->seg_band_energy = h->seg_motion_energy = 0;
    h->seg_peak_uv = 0;
    h->seg_clipped = h->seg_flat = h->seg_samples = 0;
    h->seg_env_peak_uv = env;
    h->seg_ticks = 1;
    h->seg_low_ticks = 0;
    h->seg_quiet_run = 0;
    h->seg_dipped = 0;
    h->seg_rises = 1;
    h->seg_last_rise_tick = on;
    h->seg_rise_iv_sum = h->seg_rise_iv_sq = 0;
    h->seg_bursts = 1;
    h->seg_below = 0;
    h->seg_run_start_tick = on;
    h->seg_longest_run = 0;
    h->start_spectrum_done = 0;
    h->mnf_start_hz = h->mdf_start_hz = (double)NAN;
    h->block_band_sq = h->block_band_fourth = 0;
    h->block_ticks = 0;
    if (h->kurtosis_blocks)
        memset(d->kurtosis_hist + c * CRAMP__KBINS, 0, CRAMP__KBINS * sizeof *d->kurtosis_hist);
    h->kurtosis_blocks = 0;
}

/* An open EMG segment on channel c at tick j: the offset hysteresis, the
   start spectrum once its window has passed, the lagging sums. */
static void emg_continue(cramp_detector *d, size_t c, uint64_t j, uint64_t centre, double env)
{
    cramp__det_channel *h = &d->chan[c];
    /* lm_onset_power (segments.c): a segment opened under the onset
       threshold that now reaches it starts again here, as it would have
       opened without the key, so that only segments that never reach it
       (weak LMs) are new; a cramp's sparse start (its recruitment, a
       precursor) stays out of its tonic share and sub-bursts (h12ai) */
    if (d->cfg.lm_onset_power && env >= h->emg_onset_thr_uv &&
        h->seg_env_peak_uv < h->emg_onset_thr_uv) {
        h->emg_active = 0;
        emg_open(d, c, j, centre, env);
        if (h->emg_active) return;
        h->emg_active = 1; /* not reopened (a flat tick): carry on */
    }
    if (env > h->seg_env_peak_uv) h->seg_env_peak_uv = env;
    h->seg_ticks++;
    if (env <= h->emg_offset_thr_uv) {
        h->seg_quiet_run++;
        h->seg_dipped = 1;
    } else {
        if (h->seg_dipped && env >= h->emg_onset_thr_uv) {
            const double iv = (double)(j - h->seg_last_rise_tick);
            h->seg_rise_iv_sum += iv;
            h->seg_rise_iv_sq += iv * iv;
            h->seg_last_rise_tick = j;
            h->seg_rises++;
            h->seg_dipped = 0;
        }
        if (h->seg_quiet_run >= d->pause_ticks) { /* a pause ended */
            h->seg_low_ticks += h->seg_quiet_run;
            h->seg_below = 1;
            const uint64_t ps = centre > h->seg_quiet_run ? centre - h->seg_quiet_run : 0;
            if (ps > h->seg_run_start_tick && ps - h->seg_run_start_tick > h->seg_longest_run)
                h->seg_longest_run = ps - h->seg_run_start_tick; /* h12ao */
            h->seg_run_start_tick = centre;
        }
        h->seg_quiet_run = 0;
        if (h->seg_below && env >= h->emg_onset_thr_uv) {
            h->seg_bursts++;
            h->seg_below = 0;
        }
    }
    if (env <= h->emg_offset_thr_uv) {
        if (h->emg_quiet_ticks == 0)
            h->emg_quiet_start_tick =
                centre > h->emg_onset_tick ? centre : h->emg_onset_tick + 1;
        h->emg_quiet_ticks++;
    } else {
        h->emg_quiet_ticks = 0;
    }
    if (!h->start_spectrum_done &&
        d->frames >= h->emg_onset_tick * d->tick_frames + d->spectral_frames) {
        cramp__seg_spectrum_at(d, c, h->emg_onset_tick * d->tick_frames, &h->mnf_start_hz,
                               &h->mdf_start_hz);
        h->start_spectrum_done = 1;
    }
    if (h->emg_quiet_ticks >= d->off_hold_ticks) {
        cramp__seg_close_emg(d, c, h->emg_quiet_start_tick);
        return;
    }
    while (h->emg_next_add_tick + d->add_lag_ticks <= j)
        cramp__seg_add_tick(d, c, h->emg_next_add_tick++);
}

/* Tick j (frames [j D, (j + 1) D)) is complete. */
static void tick_done(cramp_detector *d)
{
    const uint64_t j = d->ticks;
    const size_t C = d->channels;
    const double Dd = (double)d->tick_frames;
    {
        /* channels innermost throughout, each channel summed in the same
           order as one channel at a time would be */
        const size_t w = (size_t)((j + 1) < d->env_ticks ? (j + 1) : d->env_ticks);
        switch (C) {
        case 1: tick_lanes(d, j, w, 1); break;
        case 2: tick_lanes(d, j, w, 2); break;
        case 4: tick_lanes(d, j, w, 4); break;
        case 8: tick_lanes(d, j, w, 8); break;
        case 16: tick_lanes(d, j, w, 16); break;
        default: tick_lanes(d, j, w, C); break;
        }
        d->kernels->envelopes(d->env_window_energy,
                              d->tick_motion_energy + cramp__tick_at(d, 0, j),
                              d->motion_window_energy, (double)w * Dd, Dd, d->env_uv,
                              d->motion_tick_rms_uv, d->motion_env2, C);
    }
    if (d->profiling) prof_stamp(d, CRAMP_STAGE_ENVELOPE);
    {
        /* A flat line (lost electrode, amplifier off) is not rest: its ticks
           go to the resting levels as NaN, which the baseline leaves out (a
           block of more than half such ticks is no level). Counted in, they
           pulled a channel's level down to the flat line's zero, and an
           episode that opened over that level never came back under its
           offset threshold. */
        const float *band_in = d->env_uv, *motion_in = d->motion_tick_rms_uv;
        float band_rest[CRAMP_DETECT_MAX_CHANNELS], motion_rest[CRAMP_DETECT_MAX_CHANNELS];
        for (size_t c = 0; c < C; c++) {
            if (d->tick_flat[cramp__tick_at(d, c, j)] != d->tick_frames) continue;
            if (band_in == d->env_uv) {
                memcpy(band_rest, d->env_uv, C * sizeof *band_rest);
                memcpy(motion_rest, d->motion_tick_rms_uv, C * sizeof *motion_rest);
                band_in = band_rest;
                motion_in = motion_rest;
            }
            band_rest[c] = motion_rest[c] = (float)NAN;
        }
        cramp_baseline_process(d->rest_band, band_in, 1);
        cramp_baseline_process(d->rest_motion, motion_in, 1);
    }
    d->ticks = j + 1;
    if (d->profiling) prof_stamp(d, CRAMP_STAGE_BASELINE);
    if (d->priming) return;

    const uint64_t half = d->env_ticks / 2;
    for (size_t c = 0; c < C; c++) {
        cramp__det_channel *h = &d->chan[c];
        /* flat line */
        if (d->tick_flat[cramp__tick_at(d, c, j)] == d->tick_frames) {
            if (h->flat_run_ticks == 0) h->flat_start_tick = j;
            h->flat_run_ticks++;
        } else {
            if (h->flat_run_ticks >= d->flat_min_ticks)
                cramp__seg_emit_flat(d, c, h->flat_start_tick, j);
            h->flat_run_ticks = 0;
        }
        const uint64_t centre = j + 1 >= half ? j + 1 - half : 0;
        motion_tick(d, c, j, centre);
        const double env = (double)d->env_uv[c];
        if (!h->emg_active)
            emg_open(d, c, j, centre, env);
        else
            emg_continue(d, c, j, centre, env);
    }
    if (d->profiling) prof_stamp(d, CRAMP_STAGE_SEGMENT);
}

/* ---- streaming ---------------------------------------------------------- */

/* The two stages (detect_internal.h): the filter stage owns the filters,
 * `started` and finite_in; the rest stage owns everything else. Neither
 * touches the other's fields, so they may run on two threads on different
 * blocks. */

const float *cramp__detector_filter(cramp_detector *d, unsigned stages, const float *in, size_t n,
                                    float *raw_buf, float *band, float *motion, cramp_status *st)
{
    const size_t C = d->channels;
    const double t0 = d->profiling ? cramp_clock_s() : 0;
    /* non-finite samples read as 0; a block without any (the rule) is used
       in place */
    const float *raw = in;
    if (!d->input_finite && !d->kernels->all_finite(in, n * C)) {
        for (size_t i = 0; i < n * C; i++) raw_buf[i] = isfinite(in[i]) ? in[i] : 0.0f;
        raw = raw_buf;
    }
    if (!d->started && n > 0) {
        double x0[CRAMP_DETECT_MAX_CHANNELS];
        for (size_t c = 0; c < C; c++) x0[c] = (double)raw[c];
        cramp_filter_set_steady_state(d->band_filter, x0);
        /* the high-pass's zero gain at 0 Hz leaves the low-pass at rest */
        cramp_filter_set_steady_state(d->motion_filter, x0);
        d->started = 1;
    }
    if (stages & CRAMP__FILTER_MOTION) {
        /* the band-pass, the comb on it (unless a cut between threads,
           night_threads.c, leaves it to the other thread) and the motion
           band, in one pass over raw where the filters allow it
           (dsp/internal.h) */
        *st = cramp__filter_process_pair(d->band_filter, d->motion_filter,
                                         (stages & CRAMP__FILTER_COMB) ? d->comb : NULL, raw,
                                         band, motion, n);
    } else {
        /* a cut between threads: the band-pass here, the motion band on the
           other thread */
        *st = cramp_filter_process(d->band_filter, raw, band, n);
        if (*st == CRAMP_OK) *st = cramp__detector_filter_late(d, stages, raw, band, motion, n);
    }
    if (d->profiling) d->prof_s[CRAMP_STAGE_FILTER] += cramp_clock_s() - t0;
    return raw;
}

cramp_status cramp__detector_filter_late(cramp_detector *d, unsigned stages, const float *raw,
                                         float *band, float *motion, size_t n)
{
    if ((stages & CRAMP__FILTER_COMB) && d->comb) cramp__comb_process(d->comb, band, n);
    if (stages & CRAMP__FILTER_MOTION)
        return cramp_filter_process(d->motion_filter, raw, motion, n);
    return CRAMP_OK;
}

void cramp__detector_consume(cramp_detector *d, const float *raw, const float *band,
                             const float *motion, size_t frames)
{
    const size_t C = d->channels;
    const cramp__detect_kernels *kern = d->kernels;
    if (frames > 0 && d->frames == 0 && d->tick_pos == 0)
        for (size_t c = 0; c < C; c++) d->lanes.prev_raw[c] = raw[c];
    while (frames > 0) {
        /* the band-passed frames go to the ring (a piece ends at the ring's
           end); the frames they overwrite are more than history_frames old */
        const size_t rp = (size_t)(d->frames % d->ring_frames);
        size_t n = frames < CRAMP__CHUNK ? frames : CRAMP__CHUNK;
        if (n > d->ring_frames - rp) n = d->ring_frames - rp;
        float *xb = d->band_ring + rp * C;
        if (d->profiling) d->prof_t = cramp_clock_s();
        if (band && band != xb) memcpy(xb, band, n * C * sizeof *xb);
        size_t i = 0;
        while (i < n) {
            size_t span = d->tick_frames - d->tick_pos;
            if (span > n - i) span = n - i;
            /* per-channel sums of the tick, in frame order (any split of
               the input gives the same sums) */
            kern->accumulate(&d->lanes, C, raw + i * C, xb + i * C, motion + i * C, span,
                             d->tick_pos == 0);
            d->frames += span;
            d->tick_pos += span;
            i += span;
            if (d->tick_pos == d->tick_frames) {
                d->tick_pos = 0;
                tick_done(d);
            }
        }
        if (d->profiling) prof_stamp(d, CRAMP_STAGE_ENVELOPE);
        raw += n * C;
        if (band) band += n * C;
        motion += n * C;
        frames -= n;
    }
}

void cramp__detector_ticks(cramp_detector *d, const float *rec, size_t ticks, size_t tail)
{
    const size_t C = d->channels;
    cramp__tick_lanes *ln = &d->lanes;
    if (d->profiling) d->prof_t = cramp_clock_s();
    for (size_t t = 0; t < ticks; t++, rec += CRAMP__TICK_RECORD * C) {
        cramp__tick_record_get(rec, C, ln);
        d->frames += d->tick_frames - d->tick_pos;
        d->tick_pos = 0;
        tick_done(d);
    }
    d->frames += tail;
    d->tick_pos += tail;
}

unsigned cramp__detector_stages(const cramp_detector *d)
{
    return (d->comb ? CRAMP__FILTER_COMB : 0u) | CRAMP__FILTER_MOTION;
}

cramp_status cramp__detector_ring_ahead(cramp_detector *d, size_t frames)
{
    if (frames > SIZE_MAX / 2 - d->history_frames - CRAMP__CHUNK) return CRAMP_ENOMEM;
    const size_t want = d->history_frames + CRAMP__CHUNK + frames;
    if (want <= d->ring_frames) return CRAMP_OK;
    if (want > SIZE_MAX / sizeof *d->band_ring / d->channels) return CRAMP_ENOMEM;
    /* on huge pages from 2 MB on, as the night driver's rings (h16k): the
       worker touches it first, 6 MB on 1 h x 8 ch x 2 kHz, about 1500 page
       faults in 4-KB pages at the start of a 2-thread run (bench/README.md,
       h16ae) */
    float *r = cramp__alloc_huge(want * d->channels * sizeof *d->band_ring, 64);
    if (!r) return CRAMP_ENOMEM;
    free(d->band_ring);
    d->band_ring = r;
    d->ring_frames = want;
    reset_front(d); /* the history is gone: the front starts again */
    return CRAMP_OK;
}

float *cramp__detector_ring_at(cramp_detector *d, uint64_t frame, size_t *span)
{
    const size_t rp = (size_t)(frame % d->ring_frames);
    *span = d->ring_frames - rp;
    return d->band_ring + rp * d->channels;
}

/* Both stages in turn, the band-pass writing straight into the ring. */
static cramp_status run(cramp_detector *d, const float *in, size_t frames)
{
    const size_t C = d->channels;
    while (frames > 0) {
        const size_t rp = (size_t)(d->frames % d->ring_frames);
        size_t n = frames < CRAMP__CHUNK ? frames : CRAMP__CHUNK;
        if (n > d->ring_frames - rp) n = d->ring_frames - rp;
        float *xb = d->band_ring + rp * C;
        cramp_status st;
        const float *raw = cramp__detector_filter(d, CRAMP__FILTER_ALL, in, n, d->finite_in, xb,
                                                  d->motion, &st);
        if (st != CRAMP_OK) return st;
        cramp__detector_consume(d, raw, xb, d->motion, n);
        in += n * C;
        frames -= n;
    }
    return CRAMP_OK;
}

void cramp__detector_set_finite(cramp_detector *d, int finite) { d->input_finite = finite != 0; }

void cramp__detector_begin(cramp_detector *d, cramp_activity *out, size_t out_cap)
{
    if (d->priming) {
        reset_front(d);
        d->priming = 0;
    }
    d->out = out;
    d->out_cap = out_cap;
    d->n_out = 0;
}

size_t cramp__detector_outputs(const cramp_detector *d) { return d->n_out; }

void cramp__detector_take_primed(cramp_detector *d, cramp_detector *primed)
{
    /* what priming leaves that begin's reset_front keeps: the resting levels */
    cramp_baseline *b = d->rest_band, *m = d->rest_motion;
    const double *bl = d->rest_band_level, *ml = d->rest_motion_level;
    d->rest_band = primed->rest_band;
    d->rest_motion = primed->rest_motion;
    d->rest_band_level = primed->rest_band_level;
    d->rest_motion_level = primed->rest_motion_level;
    primed->rest_band = b;
    primed->rest_motion = m;
    primed->rest_band_level = bl;
    primed->rest_motion_level = ml;
}

cramp_status cramp_detector_prime(cramp_detector *d, const float *in, size_t frames)
{
    if (!d || (!in && frames)) return CRAMP_EINVAL;
    if (!d->priming) {
        reset_front(d);
        d->priming = 1;
    }
    d->out = NULL;
    d->out_cap = 0;
    d->n_out = 0;
    return run(d, in, frames);
}

cramp_status cramp_detector_process(cramp_detector *d, const float *in, size_t frames,
                                    cramp_activity *out, size_t out_cap, size_t *n_out)
{
    if (n_out) *n_out = 0;
    if (!d || !n_out || (!in && frames)) return CRAMP_EINVAL;
    if (frames == 0) return CRAMP_OK;
    if (!out || out_cap < cramp_detector_max_output(d, frames)) return CRAMP_ERANGE;
    cramp__detector_begin(d, out, out_cap);
    cramp_status st = run(d, in, frames);
    *n_out = d->n_out;
    return st;
}

cramp_status cramp_detector_finish(cramp_detector *d, cramp_activity *out, size_t out_cap,
                                   size_t *n_out)
{
    if (n_out) *n_out = 0;
    if (!d || !n_out) return CRAMP_EINVAL;
    if (out_cap < 3 * d->channels || !out) return CRAMP_ERANGE;
    d->out = out;
    d->out_cap = out_cap;
    d->n_out = 0;
    if (d->profiling) d->prof_t = cramp_clock_s();
    if (!d->priming) {
        const uint64_t end = d->ticks;
        for (size_t c = 0; c < d->channels; c++) {
            cramp__det_channel *h = &d->chan[c];
            if (h->emg_active)
                cramp__seg_close_emg(d, c, h->emg_quiet_ticks ? h->emg_quiet_start_tick : end);
            if (h->motion_active) {
                if (!h->motion_quiet_ticks) h->motion_energy_at_quiet = h->motion_energy;
                cramp__seg_close_motion(
                    d, c, h->motion_quiet_ticks ? h->motion_quiet_start_tick : end);
            }
            if (h->flat_run_ticks >= d->flat_min_ticks)
                cramp__seg_emit_flat(d, c, h->flat_start_tick, end);
            h->flat_run_ticks = 0;
        }
    }
    if (d->profiling) prof_stamp(d, CRAMP_STAGE_SEGMENT);
    *n_out = d->n_out;
    return CRAMP_OK;
}
