/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Spectral fatigue indices per epoch: Welch PSD through FFTW (fftw_plan.c)
 * and MNF, MDF, peak, FInsm5, moments, band powers and spectral entropy. The
 * definitions, and what exactly matches scipy.signal.welch, are in
 * cramp/spectral.h. */
#include "cramp/spectral.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dsp/fftw_plan.h"
#include "dsp/internal.h"
#include "dsp/spectral_kernels.h"

struct cramp_spectral {
    cramp_spectral_info info;
    size_t ch, L, S, E, H, M, nfft, K;
    cramp_window_kind window;
    cramp_detrend detrend;
    cramp_mdf_method mdf;
    float *win;          /* L window values as applied */
    double *freq;        /* K bin frequencies */
    double *fpow;        /* 4 * K: f^1, f^2, f^3, f^4 per bin */
    double *bin_scale;   /* K: PSD scale / M, doubled where one-sided */
    double integ;        /* I: df (density) or 1 (spectrum) */
    double ln_k;         /* ln K, for the entropy */
    size_t fin_lo, fin_n; /* FInsm5 bins [fin_lo, fin_lo + fin_n) */
    double *fin_inv;     /* fin_n: f^-1 */
    double *fin_f5;      /* fin_n: f^5 */
    size_t band_lo[CRAMP_SPECTRAL_MAX_BANDS], band_n[CRAMP_SPECTRAL_MAX_BANDS];
    double lin_tt;       /* sum of t_i^2, t_i = i - (L-1)/2 (linear detrend) */
    float *buf;          /* ch * E: the epoch being filled, channel-major */
    size_t fill;         /* frames in buf */
    size_t skip;         /* frames to drop before filling again (H > E) */
    uint64_t epoch;      /* epochs emitted */
    double *psd;         /* ch * K: each channel's last PSD */
    double *scratch;     /* K: entropy terms */
    cramp__fft *fft;
    unsigned wisdom;
    cramp_simd simd;     /* path the kernels run on */
    const cramp__spec_kernels *kern;
};

void cramp_spectral_config_default(cramp_spectral_config *cfg)
{
    if (!cfg) return;
    memset(cfg, 0, sizeof *cfg);
    cfg->fs = 0.0;
    cfg->segment_s = 0.5;
    cfg->overlap_s = -1.0;
    cfg->epoch_s = 1.0;
    cfg->epoch_step_s = 0.0;
    cfg->window = CRAMP_WINDOW_HANN;
    cfg->tukey_alpha = 0.5;
    cfg->detrend = CRAMP_DETREND_CONSTANT;
    cfg->scaling = CRAMP_PSD_DENSITY;
    cfg->nfft = 0;
    cfg->finsm5_band.lo_hz = 8.0;
    cfg->finsm5_band.hi_hz = 500.0;
    cfg->n_bands = 0;
    cfg->axis = CRAMP_FREQ_AXIS_STANDARD;
    cfg->mdf = CRAMP_MDF_INTERPOLATED;
    cfg->effort = CRAMP_FFT_ESTIMATE;
    cfg->wisdom_path = NULL;
    cfg->simd = CRAMP_SIMD_AUTO;
}

/* ---- create -------------------------------------------------------------- */

/* round(seconds * fs) frames into *frames; what names the parameter. */
static cramp_status to_frames(double seconds, double fs, const char *what, size_t *frames,
                              cramp_error *err)
{
    if (!isfinite(seconds) || seconds <= 0.0)
        return cramp__fail(err, CRAMP_EINVAL, "spectral %s = %g s (expected a finite duration > 0)",
                           what, seconds);
    const double n = round(seconds * fs);
    if (n < 1.0)
        return cramp__fail(err, CRAMP_ERANGE,
                           "spectral %s = %g s rounds to 0 frames at fs = %g Hz (expected at "
                           "least %g s)", what, seconds, fs, 0.5 / fs);
    if (n > (double)(INT32_MAX / 2))
        return cramp__fail(err, CRAMP_ERANGE, "spectral %s = %g s is %g frames at fs = %g Hz, "
                           "more than this analyser supports (%d)", what, seconds, n, fs,
                           INT32_MAX / 2);
    *frames = (size_t)n;
    return CRAMP_OK;
}

/* The SciPy periodic window of length L (get_window(kind, L, fftbins=True)):
 * the symmetric window of length L + 1 without its last point. */
static void make_window(cramp_window_kind kind, double alpha, size_t L, float *w)
{
    const double pi = 3.14159265358979323846;
    const double m1 = (double)L; /* (L + 1) - 1 */
    for (size_t i = 0; i < L; i++) {
        const double n = (double)i;
        double v = 1.0;
        switch (kind) {
        case CRAMP_WINDOW_HANN: v = 0.5 - 0.5 * cos(2.0 * pi * n / m1); break;
        case CRAMP_WINDOW_HAMMING: v = 0.54 - 0.46 * cos(2.0 * pi * n / m1); break;
        case CRAMP_WINDOW_RECTANGULAR: v = 1.0; break;
        case CRAMP_WINDOW_TUKEY:
            if (alpha <= 0.0) {
                v = 1.0;
            } else if (alpha >= 1.0) {
                v = 0.5 - 0.5 * cos(2.0 * pi * n / m1);
            } else {
                /* Taper over the first and last floor(alpha (M-1) / 2) + 1
                 * points of the symmetric window of M = L + 1 points. */
                const double width = floor(alpha * m1 / 2.0);
                if (n <= width)
                    v = 0.5 * (1.0 + cos(pi * (-1.0 + 2.0 * n / alpha / m1)));
                else if (n >= m1 - width)
                    v = 0.5 * (1.0 + cos(pi * (-2.0 / alpha + 1.0 + 2.0 * n / alpha / m1)));
                else
                    v = 1.0;
            }
            break;
        }
        w[i] = (float)v;
    }
}

/* Bins [*lo, *lo + *n) with band.lo <= f_k <= band.hi. */
static void band_bins(const double *f, size_t K, cramp_freq_band b, size_t *lo, size_t *n)
{
    size_t a = 0;
    while (a < K && f[a] < b.lo_hz) a++;
    size_t e = a;
    while (e < K && f[e] <= b.hi_hz) e++;
    *lo = a;
    *n = e - a;
}

/* Checks a band and clamps its upper edge to Nyquist. */
static cramp_status check_band(const char *what, cramp_freq_band in, double fs,
                               cramp_freq_band *out, cramp_error *err)
{
    if (!isfinite(in.lo_hz) || !isfinite(in.hi_hz) || in.lo_hz <= 0.0 || in.hi_hz <= in.lo_hz)
        return cramp__fail(err, CRAMP_EINVAL,
                           "spectral %s %g-%g Hz (expected 0 < lo < hi, finite)", what, in.lo_hz,
                           in.hi_hz);
    const double nyq = 0.5 * fs;
    if (in.lo_hz >= nyq)
        return cramp__fail(err, CRAMP_ERANGE,
                           "spectral %s %g-%g Hz starts at or above Nyquist (%g Hz at fs = %g Hz)",
                           what, in.lo_hz, in.hi_hz, nyq, fs);
    out->lo_hz = in.lo_hz;
    out->hi_hz = in.hi_hz < nyq ? in.hi_hz : nyq;
    return CRAMP_OK;
}

static cramp_status validate(const cramp_spectral_config *cfg, size_t channels, cramp_error *err)
{
    if (channels == 0)
        return cramp__fail(err, CRAMP_EINVAL, "spectral channels is 0 (expected at least 1)");
    if (!isfinite(cfg->fs) || cfg->fs <= 0.0)
        return cramp__fail(err, CRAMP_EINVAL, "spectral fs = %g Hz (expected a finite rate > 0)",
                           cfg->fs);
    switch (cfg->window) {
    case CRAMP_WINDOW_HANN:
    case CRAMP_WINDOW_HAMMING:
    case CRAMP_WINDOW_TUKEY:
    case CRAMP_WINDOW_RECTANGULAR: break;
    default:
        return cramp__fail(err, CRAMP_EINVAL, "spectral window %d is unknown", (int)cfg->window);
    }
    if (cfg->window == CRAMP_WINDOW_TUKEY &&
        !(cfg->tukey_alpha >= 0.0 && cfg->tukey_alpha <= 1.0))
        return cramp__fail(err, CRAMP_EINVAL, "spectral tukey_alpha = %g (expected 0 .. 1)",
                           cfg->tukey_alpha);
    if ((unsigned)cfg->detrend > (unsigned)CRAMP_DETREND_LINEAR)
        return cramp__fail(err, CRAMP_EINVAL, "spectral detrend %d is unknown", (int)cfg->detrend);
    if ((unsigned)cfg->scaling > (unsigned)CRAMP_PSD_SPECTRUM)
        return cramp__fail(err, CRAMP_EINVAL, "spectral scaling %d is unknown", (int)cfg->scaling);
    if ((unsigned)cfg->axis > (unsigned)CRAMP_FREQ_AXIS_LIBEMG)
        return cramp__fail(err, CRAMP_EINVAL, "spectral axis %d is unknown", (int)cfg->axis);
    if ((unsigned)cfg->mdf > (unsigned)CRAMP_MDF_BIN)
        return cramp__fail(err, CRAMP_EINVAL, "spectral mdf method %d is unknown", (int)cfg->mdf);
    if ((unsigned)cfg->effort > (unsigned)CRAMP_FFT_EXHAUSTIVE)
        return cramp__fail(err, CRAMP_EINVAL, "spectral FFT effort %d is unknown",
                           (int)cfg->effort);
    cramp_simd path;
    const cramp_status sst = cramp__simd_resolve(cfg->simd, &path);
    if (sst != CRAMP_OK)
        return cramp__fail(err, sst, "spectral SIMD path %s is %s", cramp_simd_name(cfg->simd),
                           sst == CRAMP_EINVAL ? "unknown" : "not available on this CPU or build");
    if (cfg->n_bands > CRAMP_SPECTRAL_MAX_BANDS)
        return cramp__fail(err, CRAMP_EINVAL, "spectral n_bands = %zu (at most %d)", cfg->n_bands,
                           CRAMP_SPECTRAL_MAX_BANDS);
    return CRAMP_OK;
}

cramp_status cramp_spectral_create(cramp_spectral **out, size_t channels,
                                   const cramp_spectral_config *cfg, cramp_error *err)
{
    if (!out) return cramp__fail(err, CRAMP_EINVAL, "spectral create: out is NULL");
    *out = NULL;
    if (!cfg) return cramp__fail(err, CRAMP_EINVAL, "spectral create: cfg is NULL");
    cramp_status st = validate(cfg, channels, err);
    if (st != CRAMP_OK) return st;
    const double fs = cfg->fs;

    size_t L = 0, O = 0, E = 0, H = 0;
    if ((st = to_frames(cfg->segment_s, fs, "segment_s", &L, err)) != CRAMP_OK) return st;
    if ((st = to_frames(cfg->epoch_s, fs, "epoch_s", &E, err)) != CRAMP_OK) return st;
    if (cfg->epoch_step_s == 0.0) H = E;
    else if ((st = to_frames(cfg->epoch_step_s, fs, "epoch_step_s", &H, err)) != CRAMP_OK)
        return st;
    if (cfg->overlap_s < 0.0) {
        O = L / 2;
    } else if (!isfinite(cfg->overlap_s)) {
        return cramp__fail(err, CRAMP_EINVAL, "spectral overlap_s = %g s (expected a finite "
                           "duration >= 0, or < 0 for half a segment)", cfg->overlap_s);
    } else {
        O = (size_t)round(cfg->overlap_s * fs);
    }
    if (O >= L)
        return cramp__fail(err, CRAMP_ERANGE,
                           "spectral overlap_s = %g s is %zu frames, not less than the segment "
                           "(%zu frames)", cfg->overlap_s, O, L);
    if (E < L)
        return cramp__fail(err, CRAMP_ERANGE,
                           "spectral epoch_s = %g s (%zu frames) is shorter than segment_s = %g s "
                           "(%zu frames)", cfg->epoch_s, E, cfg->segment_s, L);
    const size_t nfft = cfg->nfft ? cfg->nfft : L;
    if (nfft < L)
        return cramp__fail(err, CRAMP_ERANGE, "spectral nfft = %zu is less than the segment "
                           "(%zu frames)", nfft, L);
    if (nfft > (size_t)INT32_MAX / 2)
        return cramp__fail(err, CRAMP_ERANGE, "spectral nfft = %zu is too large", nfft);
    const int libemg = cfg->axis == CRAMP_FREQ_AXIS_LIBEMG;
    if (libemg && (nfft % 2 != 0 || nfft < 4))
        return cramp__fail(err, CRAMP_ERANGE, "spectral LIBEMG axis needs an even nfft >= 4, "
                           "not %zu", nfft);
    if (channels > SIZE_MAX / sizeof(double) / (E > nfft ? E : nfft))
        return cramp__fail(err, CRAMP_ERANGE, "spectral: %zu channels of %zu frames cannot be "
                           "held", channels, E);
    const size_t K = libemg ? nfft / 2 : nfft / 2 + 1;
    if (K < 2)
        return cramp__fail(err, CRAMP_ERANGE, "spectral nfft = %zu gives a single bin (expected "
                           "nfft >= 2)", nfft);

    cramp_spectral *s = calloc(1, sizeof *s);
    if (!s) return cramp__fail(err, CRAMP_ENOMEM, "spectral create: out of memory");
    s->ch = channels;
    s->L = L;
    s->S = L - O;
    s->E = E;
    s->H = H;
    s->M = (E - L) / s->S + 1;
    s->nfft = nfft;
    s->K = K;
    s->window = cfg->window;
    s->detrend = cfg->detrend;
    s->mdf = cfg->mdf;
    cramp__simd_resolve(cfg->simd, &s->simd);
    s->kern = &cramp__spec_kernels_base;
#if defined(CRAMP_HAVE_X86_KERNELS)
    /* AVX-512 runs the AVX2 loops: four double lanes are what the sums use. */
    if (s->simd == CRAMP_SIMD_AVX2 || s->simd == CRAMP_SIMD_AVX512)
        s->kern = &cramp__spec_kernels_avx2;
#endif
    s->win = malloc(L * sizeof *s->win);
    s->freq = malloc(K * sizeof *s->freq);
    s->fpow = malloc(4 * K * sizeof *s->fpow);
    s->bin_scale = malloc(K * sizeof *s->bin_scale);
    s->buf = calloc(channels * E, sizeof *s->buf);
    s->psd = calloc(channels * K, sizeof *s->psd);
    s->scratch = calloc(K, sizeof *s->scratch);
    if (!s->win || !s->freq || !s->fpow || !s->bin_scale || !s->buf || !s->psd || !s->scratch)
        goto nomem;

    /* Frequencies and their powers. */
    const double df = libemg ? (fs / 2.0) / (double)(nfft / 2 - 1) : fs / (double)nfft;
    for (size_t k = 0; k < K; k++) {
        s->freq[k] = libemg ? (double)k * (fs / 2.0) / (double)(nfft / 2 - 1)
                            : (double)k * fs / (double)nfft;
        const double f = s->freq[k];
        s->fpow[k] = f;
        s->fpow[K + k] = f * f;
        s->fpow[2 * K + k] = f * f * f;
        s->fpow[3 * K + k] = (f * f) * (f * f);
    }

    /* Window and PSD scale, from the window as applied (float). */
    make_window(cfg->window, cfg->tukey_alpha, L, s->win);
    double sw = 0.0, sw2 = 0.0;
    for (size_t i = 0; i < L; i++) {
        sw += (double)s->win[i];
        sw2 += (double)s->win[i] * (double)s->win[i];
    }
    double scale;
    if (cfg->scaling == CRAMP_PSD_DENSITY) {
        if (!(sw2 > 0.0)) goto zero_window;
        scale = 1.0 / (fs * sw2);
        s->integ = df;
    } else {
        if (!(sw != 0.0)) goto zero_window;
        scale = 1.0 / (sw * sw);
        s->integ = 1.0;
    }
    for (size_t k = 0; k < K; k++) {
        int twice = 0;
        if (!libemg) twice = k > 0 && !(nfft % 2 == 0 && k == nfft / 2);
        s->bin_scale[k] = scale / (double)s->M * (twice ? 2.0 : 1.0);
    }
    s->ln_k = log((double)K);
    {
        const double c = ((double)L - 1.0) / 2.0;
        double tt = 0.0;
        for (size_t i = 0; i < L; i++) tt += ((double)i - c) * ((double)i - c);
        s->lin_tt = tt;
    }

    /* Bands. */
    cramp_spectral_info *in = &s->info;
    if ((st = check_band("FInsm5 band", cfg->finsm5_band, fs, &in->finsm5_band, err)) != CRAMP_OK)
        goto fail;
    band_bins(s->freq, K, in->finsm5_band, &s->fin_lo, &s->fin_n);
    if (s->fin_n == 0) {
        st = cramp__fail(err, CRAMP_ERANGE, "spectral FInsm5 band %g-%g Hz holds no bin of the "
                         "spectrum (bins every %g Hz)", in->finsm5_band.lo_hz,
                         in->finsm5_band.hi_hz, df);
        goto fail;
    }
    s->fin_inv = malloc(s->fin_n * sizeof *s->fin_inv);
    s->fin_f5 = malloc(s->fin_n * sizeof *s->fin_f5);
    if (!s->fin_inv || !s->fin_f5) goto nomem;
    for (size_t i = 0; i < s->fin_n; i++) {
        const double f = s->freq[s->fin_lo + i];
        s->fin_inv[i] = 1.0 / f;
        s->fin_f5[i] = (f * f) * (f * f) * f;
    }
    for (size_t b = 0; b < cfg->n_bands; b++) {
        char what[32];
        snprintf(what, sizeof what, "band %zu", b + 1);
        if ((st = check_band(what, cfg->bands[b], fs, &in->bands[b], err)) != CRAMP_OK) goto fail;
        band_bins(s->freq, K, in->bands[b], &s->band_lo[b], &s->band_n[b]);
        if (s->band_n[b] == 0) {
            st = cramp__fail(err, CRAMP_ERANGE, "spectral band %zu %g-%g Hz holds no bin of the "
                             "spectrum (bins every %g Hz)", b + 1, in->bands[b].lo_hz,
                             in->bands[b].hi_hz, df);
            goto fail;
        }
    }
    in->n_bands = cfg->n_bands;
    in->fs = fs;
    in->channels = channels;
    in->segment_frames = L;
    in->overlap_frames = O;
    in->epoch_frames = E;
    in->epoch_step_frames = H;
    in->segments_per_epoch = s->M;
    in->nfft = nfft;
    in->bins = K;
    in->df_hz = df;

    /* The FFT plan, last: the only step that takes the global lock. */
    const char *wisdom = cfg->wisdom_path;
    if (!wisdom) wisdom = getenv("CRAMP_FFTW_WISDOM");
    st = cramp__fft_create(&s->fft, nfft, cfg->effort, wisdom, &s->wisdom);
    if (st == CRAMP_ENOMEM) goto nomem;
    if (st != CRAMP_OK) {
        st = cramp__fail(err, st, "spectral: FFTW could not plan a real FFT of length %zu", nfft);
        goto fail;
    }
    *out = s;
    return CRAMP_OK;

zero_window:
    st = cramp__fail(err, CRAMP_ERANGE, "spectral: the window of %zu frames sums to 0", L);
    goto fail;
nomem:
    st = cramp__fail(err, CRAMP_ENOMEM, "spectral create: out of memory");
fail:
    cramp_spectral_destroy(s);
    return st;
}

/* ---- per epoch ----------------------------------------------------------- */

/* Indices of one PSD (K bins) into r. */
static void indices(cramp_spectral *s, const double *restrict P, cramp_spectral_result *r)
{
    const size_t K = s->K;
    const cramp__spec_kernels *kern = s->kern;
    double mo[6];
    kern->moments(P, s->fpow, K, mo);
    const double t = mo[0], I = s->integ;
    r->total_power = t * I;
    for (size_t j = 0; j < CRAMP_SPECTRAL_MOMENTS; j++) r->moment[j] = mo[j] * I;
    const int some = t > 0.0 && isfinite(t);
    r->mnf_hz = some ? mo[1] / t : (double)NAN;
    r->peak_hz = (double)NAN;
    if (some) {
        size_t kmax = 0;
        while (kmax + 1 < K && P[kmax] != mo[5]) kmax++;
        r->peak_hz = s->freq[kmax];
    }

    /* Median: the first bin whose cumulative power reaches half; the scan
     * skips four bins at a time while their sum stays below half. */
    r->mdf_hz = (double)NAN;
    if (some) {
        const double half = 0.5 * t;
        double cum = 0.0;
        size_t k = 0;
        while (k + 4 <= K) {
            const double b = (P[k] + P[k + 1]) + (P[k + 2] + P[k + 3]);
            if (cum + b >= half) break;
            cum += b;
            k += 4;
        }
        while (k + 1 < K && cum + P[k] < half) cum += P[k++];
        if (s->mdf == CRAMP_MDF_BIN) {
            r->mdf_hz = s->freq[k];
        } else {
            const double df = s->info.df_hz;
            double frac = P[k] > 0.0 ? (half - cum) / P[k] : 0.5;
            if (frac > 1.0) frac = 1.0;
            if (frac < 0.0) frac = 0.0;
            double f = s->freq[k] - 0.5 * df + frac * df;
            if (f < s->freq[0]) f = s->freq[0];
            if (f > s->freq[K - 1]) f = s->freq[K - 1];
            r->mdf_hz = f;
        }
    }

    /* FInsm5 = M(-1) / M(5) over its band. */
    double fm[2];
    kern->dot2(P + s->fin_lo, s->fin_inv, s->fin_f5, s->fin_n, fm);
    r->finsm5 = fm[1] > 0.0 ? fm[0] / fm[1] : (double)NAN;

    /* Normalised Shannon entropy -sum p ln p / ln K, p = P / T. */
    r->entropy = (double)NAN;
    if (some) {
        const double h = -kern->plogp_sum(P, 1.0 / t, s->scratch, K) / s->ln_k;
        r->entropy = h < 0.0 ? 0.0 : h;
    }

    for (size_t b = 0; b < s->info.n_bands; b++)
        r->band_power[b] = kern->sum(P + s->band_lo[b], s->band_n[b]) * I;
    for (size_t b = s->info.n_bands; b < CRAMP_SPECTRAL_MAX_BANDS; b++) r->band_power[b] = 0.0;
}

static void compute_epoch(cramp_spectral *s, cramp_spectral_result *out)
{
    const size_t K = s->K;
    float *fin = cramp__fft_in(s->fft);
    const float *fout = cramp__fft_out(s->fft);
    const double fs = s->info.fs;
    const uint64_t j = s->epoch;
    const double start = (double)j * (double)s->H / fs;
    const double end = ((double)j * (double)s->H + (double)s->E) / fs;
    for (size_t c = 0; c < s->ch; c++) {
        const float *x = s->buf + c * s->E;
        double *restrict acc = s->psd + c * K;
        for (size_t m = 0; m < s->M; m++) {
            s->kern->prepare(x + m * s->S, s->win, s->L, (int)s->detrend, s->lin_tt, fin);
            cramp__fft_execute(s->fft);
            int mode = m == 0 ? CRAMP__POWER_SET : CRAMP__POWER_ADD;
            if (m + 1 == s->M) mode = m == 0 ? CRAMP__POWER_SET_SCALE : CRAMP__POWER_ADD_SCALE;
            s->kern->power(fout, K, acc, mode, s->bin_scale);
        }
        cramp_spectral_result *r = &out[c];
        r->epoch = j;
        r->channel = c;
        r->start_s = start;
        r->end_s = end;
        r->centre_s = 0.5 * (start + end);
        indices(s, acc, r);
    }
    s->epoch++;
}

/* dst[c * E + k] = src[k * ch + c] for k < n, c < ch; four channels by four
 * frames at a time, which the compiler turns into a vector transpose. */
static void deinterleave(const float *restrict src, size_t ch, size_t n, float *restrict dst,
                         size_t E)
{
    size_t c0 = 0;
    for (; c0 + 4 <= ch; c0 += 4) {
        size_t k = 0;
        for (; k + 4 <= n; k += 4) {
            const float *restrict q = src + k * ch + c0;
            float *restrict d = dst + c0 * E + k;
            for (size_t r = 0; r < 4; r++)
                for (size_t t = 0; t < 4; t++) d[r * E + t] = q[t * ch + r];
        }
        for (; k < n; k++)
            for (size_t r = 0; r < 4; r++) dst[(c0 + r) * E + k] = src[k * ch + c0 + r];
    }
    for (; c0 < ch; c0++) {
        float *restrict d = dst + c0 * E;
        const float *restrict p = src + c0;
        for (size_t k = 0; k < n; k++) d[k] = p[k * ch];
    }
}

size_t cramp_spectral_max_output(const cramp_spectral *s, size_t in_frames)
{
    if (!s) return 0;
    return (in_frames / s->H + (in_frames % s->H != 0)) * s->ch;
}

cramp_status cramp_spectral_process(cramp_spectral *s, const float *in, size_t in_frames,
                                    cramp_spectral_result *out, size_t out_cap, size_t *n_out)
{
    if (n_out) *n_out = 0;
    if (!s || !n_out) return CRAMP_EINVAL;
    if (in_frames == 0) return CRAMP_OK;
    if (!in || !out) return CRAMP_EINVAL;
    if (out_cap < cramp_spectral_max_output(s, in_frames)) return CRAMP_ERANGE;

    const size_t ch = s->ch, E = s->E;
    size_t i = 0, n_res = 0;
    while (i < in_frames) {
        if (s->skip) {
            const size_t d = s->skip < in_frames - i ? s->skip : in_frames - i;
            s->skip -= d;
            i += d;
            continue;
        }
        const size_t want = E - s->fill;
        const size_t n = want < in_frames - i ? want : in_frames - i;
        deinterleave(in + i * ch, ch, n, s->buf + s->fill, E);
        s->fill += n;
        i += n;
        if (s->fill == E) {
            compute_epoch(s, out + n_res);
            n_res += ch;
            if (s->H < E) {
                for (size_t c = 0; c < ch; c++)
                    memmove(s->buf + c * E, s->buf + c * E + s->H, (E - s->H) * sizeof *s->buf);
                s->fill = E - s->H;
            } else {
                s->fill = 0;
                s->skip = s->H - E;
            }
        }
    }
    *n_out = n_res;
    return CRAMP_OK;
}

cramp_status cramp_spectral_get_info(const cramp_spectral *s, cramp_spectral_info *info)
{
    if (!s || !info) return CRAMP_EINVAL;
    *info = s->info;
    return CRAMP_OK;
}

cramp_simd cramp_spectral_simd(const cramp_spectral *s)
{
    return s ? s->simd : CRAMP_SIMD_AUTO;
}

const double *cramp_spectral_frequencies(const cramp_spectral *s) { return s ? s->freq : NULL; }

const double *cramp_spectral_psd(const cramp_spectral *s, size_t channel)
{
    if (!s || channel >= s->ch || s->epoch == 0) return NULL;
    return s->psd + channel * s->K;
}

uint64_t cramp_spectral_epochs(const cramp_spectral *s) { return s ? s->epoch : 0; }

unsigned cramp_spectral_wisdom_status(const cramp_spectral *s) { return s ? s->wisdom : 0u; }

void cramp_spectral_reset(cramp_spectral *s)
{
    if (!s) return;
    s->fill = 0;
    s->skip = 0;
    s->epoch = 0;
}

void cramp_spectral_destroy(cramp_spectral *s)
{
    if (!s) return;
    cramp__fft_destroy(s->fft);
    free(s->win);
    free(s->freq);
    free(s->fpow);
    free(s->bin_scale);
    free(s->fin_inv);
    free(s->fin_f5);
    free(s->buf);
    free(s->psd);
    free(s->scratch);
    free(s);
}
