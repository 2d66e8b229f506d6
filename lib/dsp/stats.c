/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Least-squares trends with confidence intervals: the library's only use of
 * GSL. GSL's default error handler aborts, so every argument is checked here
 * first and GSL is only called where it cannot fail. */
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_fit.h>
#include <math.h>

#include "cramp/spectral.h"

cramp_status cramp_slope_fit(const double *t, const double *y, size_t n, double level,
                             cramp_slope *out)
{
    if (!t || !y || !out || !(level > 0.0 && level < 1.0)) return CRAMP_EINVAL;
    for (size_t i = 0; i < n; i++)
        if (!isfinite(t[i]) || !isfinite(y[i])) return CRAMP_EINVAL;
    if (n < 2) return CRAMP_ERANGE;
    int spread = 0;
    for (size_t i = 1; i < n && !spread; i++) spread = t[i] != t[0];
    if (!spread) return CRAMP_ERANGE;

    double c0 = 0.0, c1 = 0.0, cov00 = 0.0, cov01 = 0.0, cov11 = 0.0, rss = 0.0;
    gsl_fit_linear(t, 1, y, 1, n, &c0, &c1, &cov00, &cov01, &cov11, &rss);

    out->n = n;
    out->slope = c1;
    out->intercept = c0;
    out->level = level;
    out->slope_se = (double)NAN;
    out->ci_low = out->ci_high = (double)NAN;
    if (n > 2) {
        /* gsl_fit_linear's cov11 is RSS / (n - 2) / sum (t - mean t)^2. */
        const double se = sqrt(cov11);
        const double q = gsl_cdf_tdist_Pinv(0.5 + 0.5 * level, (double)(n - 2));
        out->slope_se = se;
        out->ci_low = c1 - q * se;
        out->ci_high = c1 + q * se;
    }
    double my = 0.0;
    for (size_t i = 0; i < n; i++) my += y[i];
    my /= (double)n;
    double tss = 0.0;
    for (size_t i = 0; i < n; i++) tss += (y[i] - my) * (y[i] - my);
    out->r2 = tss > 0.0 ? 1.0 - rss / tss : (double)NAN;
    return CRAMP_OK;
}
