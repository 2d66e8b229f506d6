/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A PLM series' first and last LM in its rhythm (opt-in plm_edge_rhythm;
 * issue 12, h12an; bench/README.md).
 *
 * A PLM series is a periodic motor pattern (Ferri et al., Sleep
 * 2006;29:759, the periodicity index: an interval is periodic when it
 * lies in a run of intervals of like length). The series pass takes any
 * candidate LM 10-90 s (5-90 s across legs) from the last member, so a
 * lone LM-length event next to a series (an isolated arousal burst, a short
 * cramp, an awakening, a piece of an HFT or ALMA train) joins it at either
 * end wherever it falls in that 80-s window, though the series' own LMs
 * come every 20 or 30 s: on development nights (bench/README.md, h12an)
 * such events were a third of the false PLMs, many 75-90 s from the
 * series' next LM. A member inside a series is held by two intervals; the
 * first and the last by one alone, so that one interval is asked to keep
 * the series' rhythm: the first member's interval within PLM_BRIDGE_RATIO
 * (the 95th percentile of the ratio of consecutive true intervals,
 * classify_internal.h) of the second interval, the last member's of the
 * one before it. An edge member out of step is taken out (it is no PLM;
 * the rows after the series label it), once at each end; intervals over
 * plm_max_interval_s (a bridged missed LM) are read halved, as counted.
 * The edges are trimmed only while plm_min_count members are left (a
 * series is never lost, only shortened). Value 1: an edge interval out of
 * step either way; 2: only one longer than PLM_BRIDGE_RATIO times the inner
 * one (a weak LM missed inside a series lengthens the inner interval, so a
 * short edge interval beside it is the series' own LM: h12an's trace).
 * No new constant. Limits: a true first or last LM whose interval departs
 * from the next by more than PLM_BRIDGE_RATIO (1 in 20 by the ratio's
 * definition) is lost; an event in step with the series still joins. */
#include <math.h>
#include <string.h>

#include "detect/classify_internal.h"

/* The onset interval from member a to member b as the series counts it
   (halved over a bridged missed LM). */
static double counted_iv(const rule_ctx *x, size_t a, size_t b)
{
    double iv = x->ep[b].onset_s - x->ep[a].onset_s;
    return iv > x->cfg->plm_max_interval_s ? iv / 2 : iv;
}

/* Whether the edge interval e is out of step with the inner interval in:
   mode 1, either way (ratio over PLM_BRIDGE_RATIO); mode 2, only when e is
   the longer (a missed LM inside the series lengthens the inner one, so a
   short edge interval against a long inner one is the series' own LM). */
static int out_of_step(int mode, double e, double in)
{
    if (cramp__plm_within_ratio(e, in)) return 0;
    return mode == 1 || e > in;
}

size_t cramp__plm_trim_edges(const rule_ctx *x, size_t *ser, size_t ns)
{
    const int mode = x->cfg->plm_edge_rhythm;
    if (!mode || ns < 3) return ns;
    const size_t keep = x->cfg->plm_min_count;
    const int first_off =
        out_of_step(mode, counted_iv(x, ser[0], ser[1]), counted_iv(x, ser[1], ser[2]));
    const int last_off = out_of_step(mode, counted_iv(x, ser[ns - 2], ser[ns - 1]),
                                     counted_iv(x, ser[ns - 3], ser[ns - 2]));
    size_t lo = 0, hi = ns;
    if (first_off && hi - lo - 1 >= keep) lo++;
    if (last_off && hi - lo - 1 >= keep) hi--;
    if (lo) memmove(ser, ser + lo, (hi - lo) * sizeof *ser);
    return hi - lo;
}
