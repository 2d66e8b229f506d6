/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Closing a segment of the cramp detector's front end: the sums a segment
 * gathers tick by tick, its sparseness (block kurtosis), the spectra of its
 * first and last windows, and the activity record it becomes. The rules are
 * listed in cramp/detect.h, their reasons in docs/detect.md. */
#include <math.h>
#include <string.h>

#include "detect/detect_internal.h"

/* MNF and MDF of frames [f0, f0 + spectral_frames) of channel c from the ring. */
void cramp__seg_spectrum_at(cramp_detector *d, size_t c, uint64_t f0, double *mnf, double *mdf)
{
    const size_t E = d->spectral_frames;
    const double t0 = d->profiling ? cramp_clock_s() : 0;
    *mnf = *mdf = (double)NAN;
    if (E < 4 || f0 + E > d->frames || d->frames - f0 > d->history_frames) return;
    for (size_t i = 0; i < E; i++)
        d->spectral_buf[i] = d->band_ring[(size_t)((f0 + i) % d->ring_frames) * d->channels + c];
    cramp_spectral_reset(d->spectral);
    cramp_spectral_result res;
    size_t n = 0;
    if (cramp_spectral_process(d->spectral, d->spectral_buf, E, &res, 1, &n) == CRAMP_OK &&
        n == 1) {
        *mnf = res.mnf_hz;
        *mdf = res.mdf_hz;
    }
    if (d->profiling) d->prof_s[CRAMP_STAGE_SPECTRAL] += cramp_clock_s() - t0;
}

static void emit(cramp_detector *d, const cramp_activity *a)
{
    if (d->n_out < d->out_cap) d->out[d->n_out++] = *a;
}

/* Adds tick j to channel c's open EMG segment; every sparse_block_ticks
   ticks, a block's kurtosis goes into the segment's histogram. */
void cramp__seg_add_tick(cramp_detector *d, size_t c, uint64_t j)
{
    cramp__det_channel *h = &d->chan[c];
    const size_t k = cramp__tick_at(d, c, j);
    h->seg_band_energy += d->tick_band_energy[k];
    h->seg_motion_energy += d->tick_motion_energy[k];
    if (d->tick_band_max[k] > h->seg_peak_uv) h->seg_peak_uv = d->tick_band_max[k];
    h->seg_clipped += d->tick_clipped[k];
    h->seg_flat += d->tick_flat[k];
    h->seg_samples += d->tick_frames;
    if (d->sparse_block_ticks == 0) return;
    h->block_band_sq += d->tick_band_energy[k];
    h->block_band_fourth += d->tick_band_fourth[k];
    if (++h->block_ticks < d->sparse_block_ticks) return;
    /* a finished block: excess kurtosis of the activity, the resting noise
       (variance rest^2, Gaussian: no fourth cumulant) taken out; blocks
       whose power is under twice the noise's are too noisy to use */
    const double n = (double)(d->sparse_block_ticks * d->tick_frames);
    const double m2 = h->block_band_sq / n, m4 = h->block_band_fourth / n,
                 v = h->emg_rest_uv * h->emg_rest_uv;
    h->block_band_sq = h->block_band_fourth = 0;
    h->block_ticks = 0;
    if (!(m2 > 2 * v) || !(m2 > 0)) return;
    const double kurt = (m4 - 3 * m2 * m2) / ((m2 - v) * (m2 - v));
    double b = floor((kurt - CRAMP__KBIN_LO) / CRAMP__KBIN_W);
    if (!(b >= 0)) b = 0; /* also NaN */
    if (b > CRAMP__KBINS - 1) b = CRAMP__KBINS - 1;
    d->kurtosis_hist[c * CRAMP__KBINS + (size_t)b]++;
    h->kurtosis_blocks++;
}

/* Median of channel c's block kurtosis histogram (linear within the bin). */
static double kurtosis_median(const cramp_detector *d, size_t c, uint64_t n)
{
    const uint32_t *hst = d->kurtosis_hist + c * CRAMP__KBINS;
    const double half = 0.5 * (double)n;
    double below = 0;
    for (size_t b = 0; b < CRAMP__KBINS; b++) {
        if (below + hst[b] >= half && hst[b] > 0)
            return CRAMP__KBIN_LO + CRAMP__KBIN_W * ((double)b + (half - below) / hst[b]);
        below += hst[b];
    }
    return (double)NAN;
}

void cramp__seg_close_emg(cramp_detector *d, size_t c, uint64_t off_tick)
{
    cramp__det_channel *h = &d->chan[c];
    while (h->emg_next_add_tick < off_tick) cramp__seg_add_tick(d, c, h->emg_next_add_tick++);
    h->emg_active = 0;
    h->emg_last_end_tick = off_tick;
    if (off_tick < h->emg_onset_tick + (d->min_segment_ticks ? d->min_segment_ticks : 1)) return;
    const double tick = (double)d->tick_frames / d->fs;
    cramp_activity a;
    memset(&a, 0, sizeof a);
    a.channel = c;
    a.kind = CRAMP_ACTIVITY_EMG;
    a.onset_s = (double)h->emg_onset_tick * tick;
    a.offset_s = (double)off_tick * tick;
    double n = h->seg_samples ? (double)h->seg_samples : 1.0;
    a.rms_uv = sqrt(h->seg_band_energy / n);
    a.rest_uv = h->emg_rest_uv;
    a.peak_uv = (double)h->seg_peak_uv;
    a.env_peak_uv = h->seg_env_peak_uv;
    a.bp_excess_uv2 = fmax(0, h->seg_band_energy / n - h->emg_rest_uv * h->emg_rest_uv);
    double rl = isfinite(h->emg_rest_motion_uv) ? h->emg_rest_motion_uv : 0;
    a.lf_excess_uv2 = fmax(0, h->seg_motion_energy / n - rl * rl);
    a.kurtosis_blocks = (size_t)h->kurtosis_blocks;
    a.kurtosis = h->kurtosis_blocks ? kurtosis_median(d, c, h->kurtosis_blocks) : (double)NAN;
    a.clip_fraction = (double)h->seg_clipped / n;
    a.flat_fraction = (double)h->seg_flat / n;
    /* the closing run of quiet ticks (never added to the pauses) is not
       part of the segment */
    const uint64_t seen = h->seg_ticks > h->seg_quiet_run ? h->seg_ticks - h->seg_quiet_run : 1;
    a.tonic_fraction = 1.0 - (double)h->seg_low_ticks / (double)seen;
    a.sub_bursts = h->seg_bursts;
    a.rises = h->seg_rises;
    if (h->seg_rises >= 3) {
        const double m = h->seg_rise_iv_sum / (double)(h->seg_rises - 1);
        const double v = h->seg_rise_iv_sq / (double)(h->seg_rises - 1) - m * m;
        a.rise_interval_s = m * tick;
        a.rise_cv = m > 0 ? sqrt(v > 0 ? v : 0) / m : (double)NAN;
    } else {
        a.rise_interval_s = a.rise_cv = (double)NAN;
    }
    const uint64_t on_f = h->emg_onset_tick * d->tick_frames, off_f = off_tick * d->tick_frames;
    if (off_f - on_f >= d->spectral_frames) {
        if (!h->start_spectrum_done)
            cramp__seg_spectrum_at(d, c, on_f, &h->mnf_start_hz, &h->mdf_start_hz);
        a.mnf_start_hz = h->mnf_start_hz;
        a.mdf_start_hz = h->mdf_start_hz;
        cramp__seg_spectrum_at(d, c, off_f - d->spectral_frames, &a.mnf_end_hz, &a.mdf_end_hz);
    } else {
        a.mnf_start_hz = a.mdf_start_hz = a.mnf_end_hz = a.mdf_end_hz = (double)NAN;
    }
    emit(d, &a);
}

void cramp__seg_emit_flat(cramp_detector *d, size_t c, uint64_t t0, uint64_t t1)
{
    const double tick = (double)d->tick_frames / d->fs;
    cramp_activity a;
    memset(&a, 0, sizeof a);
    a.channel = c;
    a.kind = CRAMP_ACTIVITY_FLAT;
    a.onset_s = (double)t0 * tick;
    a.offset_s = (double)t1 * tick;
    a.rest_uv = cramp_baseline_level(d->rest_band, c);
    a.flat_fraction = 1;
    a.kurtosis = (double)NAN;
    a.mnf_start_hz = a.mdf_start_hz = a.mnf_end_hz = a.mdf_end_hz = (double)NAN;
    emit(d, &a);
}

void cramp__seg_close_motion(cramp_detector *d, size_t c, uint64_t off_tick)
{
    cramp__det_channel *h = &d->chan[c];
    h->motion_active = 0;
    h->motion_last_end_tick = off_tick;
    /* lf_min_s counts from the crossing of the onset threshold, so the
       backtracked start does not lengthen a brief crossing into a segment */
    if (off_tick < h->motion_cross_tick + d->motion_min_ticks) return;
    const double tick = (double)d->tick_frames / d->fs;
    cramp_activity a;
    memset(&a, 0, sizeof a);
    a.channel = c;
    a.kind = CRAMP_ACTIVITY_LF;
    a.onset_s = (double)h->motion_onset_tick * tick;
    a.offset_s = (double)off_tick * tick;
    a.rest_uv = h->motion_rest_uv;
    a.env_peak_uv = sqrt(h->motion_env_peak2);
    const double n = (double)(off_tick - h->motion_onset_tick) * (double)d->tick_frames;
    a.lf_excess_uv2 =
        fmax(0, h->motion_energy_at_quiet / n - h->motion_rest_uv * h->motion_rest_uv);
    a.kurtosis = (double)NAN;
    a.mnf_start_hz = a.mdf_start_hz = a.mnf_end_hz = a.mdf_end_hz = (double)NAN;
    emit(d, &a);
}
