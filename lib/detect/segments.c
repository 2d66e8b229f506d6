/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Closing a segment of the cramp detector's front end: the sums a segment
 * gathers tick by tick, its sparseness (block kurtosis), the spectra of its
 * first and last windows, and the activity record it becomes. The rules are
 * listed in cramp/detect.h, their reasons in docs/detect.md. */
#include <math.h>
#include <string.h>

#include "detect/detect_internal.h"
#include "detect/short_bursts_internal.h"

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

/* Opt-in lm_onset_power (h12ai). AASM scoring manual (v2.6), leg
   movements: the onset is "the point at which there is an 8 uV increase in
   EMG voltage above resting EMG" (WASM 2016, Ferri et al., Sleep Med
   2016;26:86-95, keeps it). The envelope is the 0.1-s RMS of rest and
   activity together, and independent sources add in power: an LM of A uV
   RMS over a resting level L reads sqrt(L^2 + A^2), so the threshold
   L + 8 asked the LM itself for sqrt(16 L + 64) uV (10.6 at L = 3), not 8.
   With the key the segment opens where the envelope's power above rest
   reaches onset_uv^2, the LM's own 8 uV (the reading the simulator's
   `plm_truth aasm` scorer takes), and never under the noise guard
   (1 + onset_k) L: the resting envelope's 0.1-s fluctuations (docs/
   detect.md) keep the same margin, so only channels whose rest is under
   onset_uv / onset_k (4 uV) are touched. A segment opened so that reaches
   thr starts again at that crossing (detector.c, emg_continue), as it
   would have opened without the key: the sparse start of a cramp (its
   first units, a precursor) counted from the lower opening made its tonic
   share fail (development traces, bench/README.md). */
double cramp__seg_open_thr_power(const cramp_detect_config *cfg, double L, double thr)
{
    const double own = sqrt(L * L + cfg->onset_uv * cfg->onset_uv);
    const double guard = L + cfg->onset_k * L;
    return fmin(thr, fmax(own, guard));
}

static void emit(cramp_detector *d, const cramp_activity *a)
{
    if (d->n_out < d->out_cap) d->out[d->n_out++] = *a;
}

/* Adds tick j to channel c's open EMG segment; every sparse_block_ticks
   ticks, a block's kurtosis goes into the segment's histogram. */
/* Precursor activity (rising calf sEMG before a cramp; Chaney and Sherman's
   pilot): a segment whose lower-level start turns, without a pause, into a
   much stronger contraction of the same muscle. Watched in windows of
   precursor_window_s: the first window, after a lead of at least two
   windows, whose mean power above rest reaches that of the lead's strongest
   window over precursor_ratio^2 marks the step, at the window's first tick
   that reaches that level itself. Whether the segment then starts there is
   decided when it closes (cramp__seg_close_emg). */
static void step_watch(cramp_detector *d, cramp__det_channel *h, size_t c, uint64_t j, size_t k)
{
    const double r = d->cfg.precursor_ratio;
    if (j == h->emg_onset_tick) {
        h->step_tick = 0;
        h->step_win_ticks = 0;
        h->step_lead_max = 0;
    }
    /* found already (the usual state once found: nothing to compute) */
    if (h->step_tick) return;
    const double wt = d->cfg.precursor_window_s * d->fs / (double)d->tick_frames;
    /* off, or a window the tick ring cannot look back over */
    if (!(r > 0) || !(wt >= 1 && wt <= 256)) return;
    /* llround(wt) without the libm call: for 1 <= wt <= 256 the fraction
       wt - trunc(wt) is exact, and a half rounds up, as llround does for a
       positive value */
    uint64_t w = (uint64_t)wt;
    if (wt - (double)w >= 0.5) w++;
    if (h->step_win_ticks == 0) {
        h->step_win_start = j;
        h->step_win_energy = 0;
        h->step_base_energy = h->seg_band_energy;
        h->step_base_motion = h->seg_motion_energy;
    }
    h->step_win_energy += d->tick_band_energy[k];
    if (++h->step_win_ticks < w) return;
    h->step_win_ticks = 0;
    const uint64_t lead = h->step_win_start - h->emg_onset_tick;
    const double tf = (double)d->tick_frames, v = h->emg_rest_uv * h->emg_rest_uv;
    const double win = h->step_win_energy / ((double)w * tf) - v;
    const double thr = h->step_lead_max / (r * r);
    if (lead < 2 * w || !(h->step_lead_max > 0) || win < thr) {
        if (win > h->step_lead_max) h->step_lead_max = win;
        return;
    }
    double e = h->step_base_energy, m = h->step_base_motion;
    uint64_t t = h->step_win_start;
    for (; t < j; t++) {
        const size_t q = cramp__tick_at(d, c, t);
        if (d->tick_band_energy[q] / tf - v >= thr) break;
        e += d->tick_band_energy[q];
        m += d->tick_motion_energy[q];
    }
    h->step_tick = t;
    h->step_pre_energy = e;
    h->step_pre_motion = m;
}

/* Where the envelope left rest before the onset crossing at tick `on`: the
   end of the last run of >= off_hold_s of 0.1-s windows at or under the
   offset threshold (the AASM offset rule read backwards), at most
   CRAMP__EMG_BACKTRACK_S before the crossing, not before the channel's last
   segment ended nor before the oldest tick the ring still holds. A
   threshold crossing is late on a slow rise by construction (Staude et al.
   2001); the lower threshold dates the rise (the double threshold of Bonato
   et al. 1998, as the motion band does). */
static uint64_t lead_back(const cramp_detector *d, const cramp__det_channel *h, size_t c,
                          uint64_t on)
{
    const uint64_t W = d->env_ticks ? d->env_ticks : 1, hold = d->off_hold_ticks;
    const uint64_t reach = (uint64_t)(CRAMP__EMG_BACKTRACK_S * d->fs / (double)d->tick_frames);
    uint64_t floor_t = on > reach ? on - reach : 0;
    if (floor_t < h->emg_last_end_tick) floor_t = h->emg_last_end_tick;
    const uint64_t oldest = d->ticks + 2 > CRAMP__TICK_RING ? d->ticks + 2 - CRAMP__TICK_RING : 0;
    if (floor_t < oldest + W) floor_t = oldest + W;
    if (on <= floor_t + W || hold == 0) return on;
    const double thr2 = h->emg_offset_thr_uv * h->emg_offset_thr_uv * (double)(W * d->tick_frames);
    /* window [t - W, t) sums, walked back from the one just before the onset */
    double e = 0;
    for (uint64_t i = on - W; i < on; i++) e += d->tick_band_energy[cramp__tick_at(d, c, i)];
    uint64_t run = 0;
    for (uint64_t t = on; t > floor_t + W; t--) {
        if (e <= thr2) {
            if (++run >= hold) {
                /* the last tick of the first window after the quiet run:
                   the one that lifted it over (for an abrupt rise, the
                   first active tick) */
                const uint64_t q = t + run - 1;
                return q < on ? q : on;
            }
        } else {
            run = 0;
        }
        e += d->tick_band_energy[cramp__tick_at(d, c, t - W - 1)] -
             d->tick_band_energy[cramp__tick_at(d, c, t - 1)];
    }
    return on; /* no rest within reach: the crossing stands */
}

/* Sub-bursts measured against their own peak (h12j): the rises the
   rhythm check of a train counts (rises, their intervals' mean and CV).
   The AASM places a leg movement's offset at 2 uV and its onset at 8 uV
   above rest, a ratio of 1 : CRAMP__RISE_RATIO; the detector's own rise
   count takes it at the onset threshold (a dip to the offset threshold).
   A burst well above the onset threshold is read on its own scale: a dip
   counts when the envelope above rest falls to 1 / RATIO of the peak
   since the last rise (or to the offset threshold), and the next rise
   when it climbs back to the onset threshold and to RATIO times the dip's
   floor. What this sees that the absolute levels miss: the gaps of a
   train of strong bursts that the mains filter's ringing (tens of ms to
   tenths of a second after a burst) or low-level activity keeps above the
   offset threshold. Gaps shorter than the 0.1-s envelope window stay
   unseen. Window: the envelope's own (env_ticks ticks ending at j). */
static void rel_rise_watch(cramp_detector *d, cramp__det_channel *h, size_t c, uint64_t j)
{
    const uint64_t W = d->env_ticks ? d->env_ticks : 1;
    const uint64_t oldest = d->ticks + 2 > CRAMP__TICK_RING ? d->ticks + 2 - CRAMP__TICK_RING : 0;
    uint64_t t0 = j + 1 >= W ? j + 1 - W : 0;
    if (t0 < oldest) t0 = oldest;
    /* the window's ticks in order (the sum's bits), walked by pointer
       through the ring's rows: no index product or modulo per tick */
    const size_t C = d->channels;
    double e = 0;
    for (uint64_t t = t0; t <= j;) {
        const size_t r = (size_t)(t % CRAMP__TICK_RING);
        const uint64_t run = CRAMP__TICK_RING - r < j + 1 - t ? CRAMP__TICK_RING - r : j + 1 - t;
        const double *p = d->tick_band_energy + r * C + c;
        for (uint64_t q = 0; q < run; q++, p += C) e += *p;
        t += run;
    }
    const double env = sqrt(e / ((double)(j + 1 - t0) * (double)d->tick_frames));
    const double rest = h->emg_rest_uv, x = env - rest;
    const double on_ex = h->emg_onset_thr_uv - rest, off_ex = h->emg_offset_thr_uv - rest;
    if (j == h->emg_onset_tick) {
        h->rel_dipped = 0;
        h->rel_rises = 1;
        h->rel_last_rise_tick = j;
        h->rel_peak_uv = x;
        h->rel_iv_sum = h->rel_iv_sq = 0;
        h->rel_up_ticks = 1;
        return;
    }
    if (!h->rel_dipped) {
        h->rel_up_ticks++;
        if (x > h->rel_peak_uv) h->rel_peak_uv = x;
        if (x <= fmax(off_ex, h->rel_peak_uv / CRAMP__RISE_RATIO)) {
            h->rel_dipped = 1;
            h->rel_floor_uv = x;
        }
        return;
    }
    if (x < h->rel_floor_uv) h->rel_floor_uv = x;
    if (x >= on_ex && x >= CRAMP__RISE_RATIO * h->rel_floor_uv) {
        const double iv = (double)(j - h->rel_last_rise_tick);
        h->rel_iv_sum += iv;
        h->rel_iv_sq += iv * iv;
        h->rel_last_rise_tick = j;
        h->rel_rises++;
        h->rel_up_ticks++;
        h->rel_dipped = 0;
        h->rel_peak_uv = x;
    }
}

void cramp__seg_add_tick(cramp_detector *d, size_t c, uint64_t j)
{
    cramp__det_channel *h = &d->chan[c];
    const size_t k = cramp__tick_at(d, c, j);
    if (j == h->emg_onset_tick) h->emg_lead_tick = lead_back(d, h, c, j);
    rel_rise_watch(d, h, c, j);
    const uint64_t step = h->step_tick;
    step_watch(d, h, c, j, k);
    /* movement rhythm (envmod.c): from the onset, and anew from a precursor
       step (the step itself would read as a slow modulation) */
    const double pw = d->tick_band_energy[k] / (double)d->tick_frames;
    if (j == h->emg_onset_tick || h->step_tick != step)
        cramp__envmod_start(&h->envmod, d->fs / (double)d->tick_frames, pw);
    cramp__envmod_add(&h->envmod, pw);
    h->seg_band_energy += d->tick_band_energy[k];
    h->seg_motion_energy += d->tick_motion_energy[k];
    if (d->tick_band_max[k] > h->seg_peak_uv) h->seg_peak_uv = d->tick_band_max[k];
    h->seg_clipped += d->tick_clipped[k];
    h->seg_flat += d->tick_flat[k];
    h->seg_samples += d->tick_frames;
    cramp__rise_add(d, h, c, j, k); /* onset_rise.c */
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
    if (off_tick < h->emg_onset_tick + (d->min_segment_ticks ? d->min_segment_ticks : 1)) {
        cramp__short_burst_emit(d, c, off_tick); /* short_bursts.c */
        return;
    }
    const double tick = (double)d->tick_frames / d->fs;
    cramp_activity a;
    memset(&a, 0, sizeof a);
    a.channel = c;
    a.kind = CRAMP_ACTIVITY_EMG;
    a.onset_s = (double)h->emg_lead_tick * tick;
    a.offset_s = (double)off_tick * tick;
    double n = h->seg_samples ? (double)h->seg_samples : 1.0;
    const double n_all = n;
    /* a precursor step: the segment starts where the stronger contraction
       does when that lasts a cramp's minimum and its mean power above rest
       stays at the step's level (the truth of a cramp starts there too) */
    uint64_t cut = 0;
    double cut_e = 0, cut_m = 0;
    if (cramp__cut_holds(d, h, h->step_tick, h->step_pre_energy, off_tick)) {
        cut = h->step_tick;
        cut_e = h->step_pre_energy;
        cut_m = h->step_pre_motion;
    }
    /* a later rise out of the precursor (onset_rise.c) */
    cramp__rise_cut(d, h, c, off_tick, &cut, &cut_e, &cut_m);
    if (cut) {
        a.onset_s = (double)cut * tick;
        a.precursor_s = (double)(cut - h->emg_lead_tick) * tick;
        h->seg_band_energy -= cut_e;
        h->seg_motion_energy -= cut_m;
        n -= (double)(cut - h->emg_onset_tick) * (double)d->tick_frames;
    }
    a.rms_uv = sqrt(h->seg_band_energy / n);
    a.rest_uv = h->emg_rest_uv;
    a.peak_uv = (double)h->seg_peak_uv;
    a.env_peak_uv = h->seg_env_peak_uv;
    a.bp_excess_uv2 = fmax(0, h->seg_band_energy / n - h->emg_rest_uv * h->emg_rest_uv);
    double rl = isfinite(h->emg_rest_motion_uv) ? h->emg_rest_motion_uv : 0;
    a.lf_excess_uv2 = fmax(0, h->seg_motion_energy / n - rl * rl);
    a.kurtosis_blocks = (size_t)h->kurtosis_blocks;
    a.kurtosis = h->kurtosis_blocks ? kurtosis_median(d, c, h->kurtosis_blocks) : (double)NAN;
    a.clip_fraction = (double)h->seg_clipped / n_all;
    a.flat_fraction = (double)h->seg_flat / n_all;
    /* the closing run of quiet ticks (never added to the pauses) is not
       part of the segment */
    const uint64_t seen = h->seg_ticks > h->seg_quiet_run ? h->seg_ticks - h->seg_quiet_run : 1;
    a.tonic_fraction = 1.0 - (double)h->seg_low_ticks / (double)seen;
    a.env_mod_ratio = cramp__envmod_ratio(&h->envmod, d->fs / (double)d->tick_frames);
    a.sub_bursts = h->seg_bursts;
    /* the longest run without a pause, the last one (to the closing quiet)
       included, never longer than the segment with its recruitment ramp (h12ao) */
    uint64_t run = h->seg_longest_run;
    if (off_tick > h->seg_run_start_tick && off_tick - h->seg_run_start_tick > run)
        run = off_tick - h->seg_run_start_tick;
    const double ramp = cramp__recruitment_ramp_s(&d->cfg, a.precursor_s);
    a.longest_run_s = fmin((double)run * tick, a.offset_s - a.onset_s + ramp);
    /* rises on the bursts' own scale (rel_rise_watch) */
    a.rises = h->rel_rises;
    if (h->rel_rises >= 3) {
        const double m = h->rel_iv_sum / (double)(h->rel_rises - 1);
        const double v = h->rel_iv_sq / (double)(h->rel_rises - 1) - m * m;
        a.rise_interval_s = m * tick;
        a.rise_cv = m > 0 ? sqrt(v > 0 ? v : 0) / m : (double)NAN;
    } else {
        a.rise_interval_s = a.rise_cv = (double)NAN;
    }
    a.rise_burst_s = (double)h->rel_up_ticks / (double)h->rel_rises * tick;
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
