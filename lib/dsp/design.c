/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Butterworth, notch and comb design in double.
 *
 * The steps are those of scipy.signal.butter(N, Wn, btype, output='sos', fs)
 * (SciPy 1.10), so the sections agree with SciPy's to rounding and come in
 * the same order: analog prototype poles, pre-warping at an internal rate of
 * 2, the low-pass to band transform, the bilinear transform, then pairing of
 * poles and zeros into sections with the "nearest" rule (poles closest to the
 * unit circle go last, each with its nearest zeros). Written from the
 * published algorithm; no SciPy code is used. */
#include <complex.h>
#include <float.h>
#include <math.h>
#include <string.h>

#include "dsp/internal.h"

#define MAXR (2 * CRAMP_BUTTER_MAX_ORDER + 2)

static const double PI = 3.14159265358979323846;

typedef struct roots {
    double complex v[MAXR];
    size_t n;
} roots;

static void push(roots *r, double complex x) { r->v[r->n++] = x; }

static void remove_at(roots *r, size_t i)
{
    memmove(&r->v[i], &r->v[i + 1], (r->n - i - 1) * sizeof r->v[0]);
    r->n--;
}

static int is_real(double complex x) { return cimag(x) == 0.0; }

/* A complex from its parts. CMPLX is not declared for every compiler (clang
 * with glibc), and re + im * I promotes through float complex; a complex is
 * laid out as two doubles (C17 6.2.5p13). */
static double complex mkc(double re, double im)
{
    double complex z;
    double *parts = (double *)&z;
    parts[0] = re;
    parts[1] = im;
    return z;
}

/* Complex division as Smith's algorithm with a reciprocal scale (the form
 * NumPy uses). The C library's division rounds differently in the last bit,
 * and for bands symmetric about fs/4 the pairing step compares pole radii that
 * are equal in exact arithmetic, so the last bit decides the section order. */
static double complex cdiv(double complex a, double complex b)
{
    const double ar = creal(a), ai = cimag(a), br = creal(b), bi = cimag(b);
    if (fabs(br) >= fabs(bi)) {
        const double rat = bi / br, scl = 1.0 / (br + bi * rat);
        return mkc((ar + ai * rat) * scl, (ai - ar * rat) * scl);
    }
    const double rat = br / bi, scl = 1.0 / (bi + br * rat);
    return mkc((ar * rat + ai) * scl, (ai * rat - ar) * scl);
}

size_t cramp_butter_sections(cramp_band_type type, int order)
{
    if (order < 1 || order > CRAMP_BUTTER_MAX_ORDER) return 0;
    switch (type) {
    case CRAMP_LOWPASS:
    case CRAMP_HIGHPASS: return (size_t)(order + 1) / 2;
    case CRAMP_BANDPASS:
    case CRAMP_BANDSTOP: return (size_t)order;
    }
    return 0;
}

/* Splits r into complex roots with positive imaginary part (each the mean of
 * itself and its conjugate's conjugate), sorted by real part then |imag|,
 * followed by the real roots sorted ascending: the order _cplxreal gives. */
static int complex_then_real(roots *r)
{
    const double tol = 100.0 * DBL_EPSILON;
    roots pos = {.n = 0}, neg = {.n = 0}, re = {.n = 0};
    for (size_t i = 0; i < r->n; i++) {
        const double complex x = r->v[i];
        if (fabs(cimag(x)) <= tol * cabs(x))
            push(&re, creal(x));
        else if (cimag(x) > 0)
            push(&pos, x);
        else
            push(&neg, x);
    }
    if (pos.n != neg.n) return -1;
    /* Sort by (real, |imag|): insertion sort, stable, at most 22 items. */
    roots *lists[3] = {&pos, &neg, &re};
    for (int l = 0; l < 3; l++) {
        roots *a = lists[l];
        for (size_t i = 1; i < a->n; i++) {
            const double complex key = a->v[i];
            size_t j = i;
            while (j > 0 && (creal(a->v[j - 1]) > creal(key) ||
                             (creal(a->v[j - 1]) == creal(key) &&
                              fabs(cimag(a->v[j - 1])) > fabs(cimag(key))))) {
                a->v[j] = a->v[j - 1];
                j--;
            }
            a->v[j] = key;
        }
    }
    r->n = 0;
    for (size_t i = 0; i < pos.n; i++) {
        if (cabs(pos.v[i] - conj(neg.v[i])) > tol * cabs(neg.v[i])) return -1;
        push(r, (pos.v[i] + conj(neg.v[i])) / 2.0);
    }
    for (size_t i = 0; i < re.n; i++) push(r, creal(re.v[i]));
    return 0;
}

/* Index of the root closest to the unit circle (first on ties). */
static size_t idx_worst(const roots *r, int only_real)
{
    size_t best = (size_t)-1;
    double bd = (double)INFINITY;
    for (size_t i = 0; i < r->n; i++) {
        if (only_real && !is_real(r->v[i])) continue;
        const double d = fabs(1.0 - cabs(r->v[i]));
        if (d < bd) {
            bd = d;
            best = i;
        }
    }
    return best;
}

enum which { ANY, REAL, COMPLEX };

/* Index of the root of `from` nearest to `to` among the wanted kind. */
static size_t nearest(const roots *from, double complex to, enum which w)
{
    size_t best = (size_t)-1;
    double bd = (double)INFINITY;
    for (size_t i = 0; i < from->n; i++) {
        const int r = is_real(from->v[i]);
        if ((w == REAL && !r) || (w == COMPLEX && r)) continue;
        const double d = cabs(from->v[i] - to);
        if (d < bd) {
            bd = d;
            best = i;
        }
    }
    return best;
}

/* One section from up to two zeros and two poles: coefficients of
 * prod(1 - r z^-1), right-aligned as SciPy's _single_zpksos does. */
static void single_section(const double complex *z, size_t nz, const double complex *p,
                           size_t np_, cramp_biquad *out)
{
    double b[3] = {0, 0, 0}, a[3] = {0, 0, 0};
    double complex pb[3] = {1, 0, 0}, pa[3] = {1, 0, 0};
    for (size_t i = 0; i < nz; i++) {
        pb[i + 1] = -z[i] * pb[i];
        for (size_t j = i; j > 0; j--) pb[j] -= z[i] * pb[j - 1];
    }
    for (size_t i = 0; i < np_; i++) {
        pa[i + 1] = -p[i] * pa[i];
        for (size_t j = i; j > 0; j--) pa[j] -= p[i] * pa[j - 1];
    }
    for (size_t i = 0; i <= nz; i++) b[3 - (nz + 1) + i] = creal(pb[i]);
    for (size_t i = 0; i <= np_; i++) a[3 - (np_ + 1) + i] = creal(pa[i]);
    /* a[0] is 1 whenever two poles are given (always, here). */
    out->b0 = b[0] / a[0];
    out->b1 = b[1] / a[0];
    out->b2 = b[2] / a[0];
    out->a1 = a[1] / a[0];
    out->a2 = a[2] / a[0];
}

static int zpk_to_sos(roots *z, roots *p, double k, cramp_biquad *sos, size_t *n_out)
{
    while (p->n < z->n) push(p, 0.0);
    while (z->n < p->n) push(z, 0.0);
    const size_t n_sec = (p->n + 1) / 2;
    if (p->n % 2 == 1) {
        push(p, 0.0);
        push(z, 0.0);
    }
    if (complex_then_real(z) || complex_then_real(p)) return -1;

    for (size_t si = n_sec; si-- > 0;) {
        const size_t i1 = idx_worst(p, 0);
        const double complex p1 = p->v[i1];
        remove_at(p, i1);
        size_t p_real = 0, z_real = 0;
        for (size_t i = 0; i < p->n; i++) p_real += (size_t)is_real(p->v[i]);
        for (size_t i = 0; i < z->n; i++) z_real += (size_t)is_real(z->v[i]);

        if (is_real(p1) && p_real == 0) {
            /* The last real pole: pair it with the nearest real zero. */
            const size_t zi = nearest(z, p1, REAL);
            if (zi == (size_t)-1) return -1;
            const double complex zz[2] = {z->v[zi], 0.0}, pp[2] = {p1, 0.0};
            remove_at(z, zi);
            single_section(zz, 2, pp, 2, &sos[si]);
        } else if (p->n + 1 == z->n && !is_real(p1) && p_real == 1 && z_real == 1) {
            /* One real pole and one real zero left: this pair must take a
             * complex zero. */
            const size_t zi = nearest(z, p1, COMPLEX);
            if (zi == (size_t)-1) return -1;
            const double complex zz[2] = {z->v[zi], conj(z->v[zi])}, pp[2] = {p1, conj(p1)};
            remove_at(z, zi);
            single_section(zz, 2, pp, 2, &sos[si]);
        } else {
            double complex p2;
            if (is_real(p1)) {
                const size_t i2 = idx_worst(p, 1);
                if (i2 == (size_t)-1) return -1;
                p2 = p->v[i2];
                remove_at(p, i2);
            } else {
                p2 = conj(p1);
            }
            const double complex pp[2] = {p1, p2};
            if (z->n > 0) {
                const size_t zi = nearest(z, p1, ANY);
                const double complex z1 = z->v[zi];
                remove_at(z, zi);
                if (!is_real(z1)) {
                    const double complex zz[2] = {z1, conj(z1)};
                    single_section(zz, 2, pp, 2, &sos[si]);
                } else if (z->n > 0) {
                    const size_t zj = nearest(z, p1, REAL);
                    if (zj == (size_t)-1) return -1;
                    const double complex zz[2] = {z1, z->v[zj]};
                    remove_at(z, zj);
                    single_section(zz, 2, pp, 2, &sos[si]);
                } else {
                    single_section(&z1, 1, pp, 2, &sos[si]);
                }
            } else {
                single_section(NULL, 0, pp, 2, &sos[si]);
            }
        }
    }
    if (p->n != 0 || z->n != 0) return -1;
    sos[0].b0 *= k;
    sos[0].b1 *= k;
    sos[0].b2 *= k;
    *n_out = n_sec;
    return 0;
}

static const char *type_name(cramp_band_type t)
{
    switch (t) {
    case CRAMP_LOWPASS: return "low-pass";
    case CRAMP_HIGHPASS: return "high-pass";
    case CRAMP_BANDPASS: return "band-pass";
    case CRAMP_BANDSTOP: return "band-stop";
    }
    return "unknown";
}

cramp_status cramp_butter_design(const cramp_butter_spec *spec, cramp_biquad *sos, size_t cap,
                                 size_t *n_sections, cramp_error *err)
{
    if (!spec || !sos || !n_sections)
        return cramp__fail(err, CRAMP_EINVAL, "Butterworth design: NULL argument");
    const cramp_band_type type = spec->type;
    if (type != CRAMP_LOWPASS && type != CRAMP_HIGHPASS && type != CRAMP_BANDPASS &&
        type != CRAMP_BANDSTOP)
        return cramp__fail(err, CRAMP_EINVAL, "Butterworth design: unknown filter type %d",
                           (int)type);
    const int order = spec->order;
    if (order < 1 || order > CRAMP_BUTTER_MAX_ORDER)
        return cramp__fail(err, CRAMP_EINVAL,
                           "Butterworth %s: order %d is outside 1..%d", type_name(type), order,
                           CRAMP_BUTTER_MAX_ORDER);
    const double fs = spec->fs;
    if (!(fs > 0) || !isfinite(fs))
        return cramp__fail(err, CRAMP_EINVAL,
                           "Butterworth %s: sampling rate %g Hz must be finite and > 0",
                           type_name(type), fs);
    const double nyq = fs / 2.0;
    const int band = type == CRAMP_BANDPASS || type == CRAMP_BANDSTOP;
    const double f[2] = {spec->f1, spec->f2};
    for (int i = 0; i < 1 + band; i++) {
        if (!isfinite(f[i]) || f[i] <= 0)
            return cramp__fail(err, CRAMP_EINVAL, "Butterworth %s: %s %g Hz must be finite and > 0",
                               type_name(type), band ? (i ? "upper edge" : "lower edge") : "cutoff",
                               f[i]);
        if (f[i] >= nyq)
            return cramp__fail(err, CRAMP_ERANGE,
                               "Butterworth %s: %s %g Hz is at or above Nyquist (%g Hz at fs = %g Hz)",
                               type_name(type), band ? (i ? "upper edge" : "lower edge") : "cutoff",
                               f[i], nyq, fs);
    }
    if (band && !(f[0] < f[1]))
        return cramp__fail(err, CRAMP_EINVAL,
                           "Butterworth %s: lower edge %g Hz must be below upper edge %g Hz",
                           type_name(type), f[0], f[1]);
    const size_t need = cramp_butter_sections(type, order);
    if (cap < need)
        return cramp__fail(err, CRAMP_ERANGE,
                           "Butterworth %s order %d needs %zu sections, room for %zu",
                           type_name(type), order, need, cap);

    /* Analog prototype: poles -exp(j pi m / 2N), m = -N+1, -N+3, ..., N-1. */
    roots z = {.n = 0}, p = {.n = 0};
    for (int m = -order + 1; m < order; m += 2)
        push(&p, -cexp(mkc(0.0, PI * (double)m * (1.0 / (2.0 * order)))));
    double k = 1.0;

    /* Pre-warp at an internal rate of 2 (cutoffs as fractions of Nyquist).
     * Rounding is kept in SciPy's order (2 f / fs; the angle as pi m times
     * 1 / 2N, the way NumPy divides a complex by a real) so that ties in the
     * pairing break the same way. */
    const double wn[2] = {2.0 * f[0] / fs, 2.0 * f[1] / fs};
    const double warped[2] = {4.0 * tan(PI * wn[0] / 2.0), 4.0 * tan(PI * wn[1] / 2.0)};
    const size_t degree = p.n; /* no finite zeros in the prototype */
    switch (type) {
    case CRAMP_LOWPASS:
        for (size_t i = 0; i < p.n; i++) p.v[i] *= warped[0];
        k *= pow(warped[0], (double)degree);
        break;
    case CRAMP_HIGHPASS: {
        double complex prod = 1.0;
        for (size_t i = 0; i < p.n; i++) {
            prod *= -p.v[i];
            p.v[i] = cdiv(warped[0], p.v[i]);
        }
        for (size_t i = 0; i < degree; i++) push(&z, 0.0);
        k *= creal(cdiv(1.0, prod));
        break;
    }
    case CRAMP_BANDPASS: {
        const double bw = warped[1] - warped[0], wo = sqrt(warped[0] * warped[1]);
        roots q = {.n = 0};
        for (size_t i = 0; i < p.n; i++) {
            const double complex pl = p.v[i] * bw / 2.0;
            push(&q, pl + csqrt(pl * pl - wo * wo));
        }
        for (size_t i = 0; i < p.n; i++) {
            const double complex pl = p.v[i] * bw / 2.0;
            push(&q, pl - csqrt(pl * pl - wo * wo));
        }
        p = q;
        for (size_t i = 0; i < degree; i++) push(&z, 0.0);
        k *= pow(bw, (double)degree);
        break;
    }
    case CRAMP_BANDSTOP: {
        const double bw = warped[1] - warped[0], wo = sqrt(warped[0] * warped[1]);
        roots q = {.n = 0};
        double complex prod = 1.0;
        for (size_t i = 0; i < p.n; i++) prod *= -p.v[i];
        for (size_t i = 0; i < p.n; i++) {
            const double complex ph = cdiv(bw / 2.0, p.v[i]);
            push(&q, ph + csqrt(ph * ph - wo * wo));
        }
        for (size_t i = 0; i < p.n; i++) {
            const double complex ph = cdiv(bw / 2.0, p.v[i]);
            push(&q, ph - csqrt(ph * ph - wo * wo));
        }
        p = q;
        for (size_t i = 0; i < degree; i++) push(&z, mkc(0.0, wo));
        for (size_t i = 0; i < degree; i++) push(&z, mkc(0.0, -wo));
        k *= creal(cdiv(1.0, prod));
        break;
    }
    }

    /* Bilinear transform at the internal rate 2 (fs2 = 4). */
    {
        const double fs2 = 4.0;
        double complex num = 1.0, den = 1.0;
        for (size_t i = 0; i < z.n; i++) {
            num *= fs2 - z.v[i];
            z.v[i] = cdiv(fs2 + z.v[i], fs2 - z.v[i]);
        }
        for (size_t i = 0; i < p.n; i++) {
            den *= fs2 - p.v[i];
            p.v[i] = cdiv(fs2 + p.v[i], fs2 - p.v[i]);
        }
        const size_t extra = p.n - z.n;
        for (size_t i = 0; i < extra; i++) push(&z, -1.0);
        k *= creal(cdiv(num, den));
    }

    if (zpk_to_sos(&z, &p, k, sos, n_sections) != 0)
        return cramp__fail(err, CRAMP_ERANGE,
                           "Butterworth %s order %d at fs = %g Hz: poles could not be paired "
                           "(numerically degenerate request)",
                           type_name(type), order, fs);
    return CRAMP_OK;
}

cramp_status cramp_band_clamp(double fs, double f_lo, double f_hi, double max_fraction,
                              double *used_lo, double *used_hi, unsigned *flags, cramp_error *err)
{
    if (!used_lo || !used_hi)
        return cramp__fail(err, CRAMP_EINVAL, "band clamp: NULL argument");
    if (!(fs > 0) || !isfinite(fs))
        return cramp__fail(err, CRAMP_EINVAL, "band clamp: sampling rate %g Hz must be > 0", fs);
    if (!(max_fraction > 0 && max_fraction < 1))
        return cramp__fail(err, CRAMP_EINVAL,
                           "band clamp: max_fraction %g must be in (0, 1)", max_fraction);
    if (!isfinite(f_lo) || !isfinite(f_hi) || f_lo < 0 || !(f_hi > 0))
        return cramp__fail(err, CRAMP_EINVAL, "band clamp: band %g-%g Hz is not a valid band",
                           f_lo, f_hi);
    unsigned fl = CRAMP_CLAMP_NONE;
    double lo = f_lo, hi = f_hi;
    const double top = max_fraction * fs / 2.0;
    if (hi > top) {
        hi = top;
        fl |= CRAMP_CLAMP_HIGH_LOWERED;
    }
    if (lo <= 0) {
        lo = 0;
        fl |= CRAMP_CLAMP_LOW_RAISED;
    }
    if (lo >= hi)
        return cramp__fail(err, CRAMP_ERANGE,
                           "band %g-%g Hz leaves nothing at fs = %g Hz: the upper edge can be at "
                           "most %g Hz",
                           f_lo, f_hi, fs, top);
    *used_lo = lo;
    *used_hi = hi;
    if (flags) *flags = fl;
    return CRAMP_OK;
}

size_t cramp_comb_sections(double fs, double f0)
{
    if (!(fs > 0) || !isfinite(fs) || !(f0 > 0) || !isfinite(f0) || f0 >= fs / 2) return 0;
    size_t n = 0;
    for (double k = 1; k * f0 < fs / 2.0; k += 1) n++;
    return n;
}

cramp_status cramp_notch_design(double fs, double f0, double q, cramp_biquad *sos,
                                cramp_error *err)
{
    if (!sos) return cramp__fail(err, CRAMP_EINVAL, "notch design: NULL argument");
    if (!(fs > 0) || !isfinite(fs))
        return cramp__fail(err, CRAMP_EINVAL, "notch: sampling rate %g Hz must be finite and > 0",
                           fs);
    if (!(f0 > 0) || !isfinite(f0))
        return cramp__fail(err, CRAMP_EINVAL, "notch: frequency %g Hz must be finite and > 0", f0);
    if (f0 >= fs / 2)
        return cramp__fail(err, CRAMP_ERANGE,
                           "notch: frequency %g Hz is at or above Nyquist (%g Hz at fs = %g Hz)",
                           f0, fs / 2, fs);
    if (!(q > 0) || !isfinite(q))
        return cramp__fail(err, CRAMP_EINVAL, "notch: quality factor %g must be finite and > 0", q);
    /* iirnotch: -3 dB bandwidth f0/q; beta = tan(bw/2) for a gain of
     * 1/sqrt(2) at the band edges. */
    const double w0 = 2.0 * f0 / fs;
    const double bw = w0 / q * PI;
    const double beta = tan(bw / 2.0);
    const double gain = 1.0 / (1.0 + beta);
    const double c = cos(w0 * PI);
    sos->b0 = gain;
    sos->b1 = -2.0 * c * gain;
    sos->b2 = gain;
    sos->a1 = -2.0 * gain * c;
    sos->a2 = 2.0 * gain - 1.0;
    return CRAMP_OK;
}

cramp_status cramp_comb_design(double fs, double f0, double q, cramp_biquad *sos, size_t cap,
                               size_t *n_sections, cramp_error *err)
{
    if (!sos || !n_sections) return cramp__fail(err, CRAMP_EINVAL, "comb design: NULL argument");
    cramp_status st = cramp_notch_design(fs, f0, q, sos, err);
    if (st != CRAMP_OK) return st;
    const size_t need = cramp_comb_sections(fs, f0);
    if (cap < need)
        return cramp__fail(err, CRAMP_ERANGE,
                           "comb at %g Hz and fs = %g Hz has %zu harmonics below Nyquist, room "
                           "for %zu sections",
                           f0, fs, need, cap);
    for (size_t h = 0; h < need; h++) {
        st = cramp_notch_design(fs, f0 * (double)(h + 1), q, &sos[h], err);
        if (st != CRAMP_OK) return st;
    }
    *n_sections = need;
    return CRAMP_OK;
}
