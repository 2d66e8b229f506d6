/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The two-signs-of-movement row (issue 12, h12ak; opt-in,
 * cramp_detect_config.movement_signs_rule; bench/README.md, h12ak): a
 * would-be cramp (sustained, tonic, one muscle, 3-45 s) whose movement
 * rhythm and motion artefact together reach one full limit,
 *     env_mod_ratio / env_mod_max + lf_ratio / lf_ratio_limit >= 1,
 * is a movement (turning over), not a cramp.
 *
 * Why: turning over moves the limb. Its muscles are driven at the
 * movement's rhythm (the modulated-contraction row: env_mod_ratio, the
 * 0.5-3 Hz power of the envelope over its 3-8 Hz power; AASM RMD 0.5-2 Hz;
 * patient leaflets) and the moving limb shakes the skin and the cable
 * (the motion rows: the share of the energy below 20 Hz, De Luca et al.
 * 2010). A cramp is a tonic contraction of a muscle at rest otherwise
 * (Minetto et al. 2013): neither. The detector's two rows each ask one
 * sign alone to pass its own limit (env_mod_max, lf_ratio); a turn whose
 * rhythm is under env_mod_max and whose artefact is under lf_ratio shows
 * both at once, and both are evidence of the same movement. The row adds
 * them, each on the scale of its own limit, and asks for one limit's
 * worth: no new constant. The duration window is the IRLSSG large muscle
 * movement's (movement_min_s-movement_max_s), as for motion-with-activity.
 *
 * Limits: a cramp that shakes its own electrode (a cable pulled by a
 * plantar-flexed foot) while its amplitude swings is a movement; both
 * signs come from the simulator's movement model (a modulation depth and a
 * motion amplitude the robustness variants do not sweep), so the gain is
 * that model's until real turns are measured; an awakening held steady
 * has neither sign and is untouched (bench/README.md, h12ak). */
#include <math.h>

#include "detect/classify_internal.h"

/* The two movement signs of e, each over its row's limit, added; NAN when
   either cannot be read (a limit off, a measure not finite). */
double cramp__movement_signs(const cramp_detect_config *cfg, const cramp_episode *e)
{
    if (!(cfg->env_mod_max > 0) || !(cfg->lf_ratio > 0)) return NAN;
    if (!isfinite(e->env_mod_ratio) || !isfinite(e->lf_ratio)) return NAN;
    return e->env_mod_ratio / cfg->env_mod_max + e->lf_ratio / cfg->lf_ratio;
}

const char *cramp__movement_signs_row(const rule_ctx *x, size_t k, double *conf)
{
    const cramp_detect_config *cfg = x->cfg;
    const cramp_episode *e = &x->ep[k];
    if (!cfg->movement_signs_rule || !cramp__cramp_candidate(x, e)) return NULL;
    if (e->duration_s < cfg->movement_min_s || e->duration_s > cfg->movement_max_s) return NULL;
    const double s = cramp__movement_signs(cfg, e);
    if (!(s >= 1)) return NULL;
    *conf = conf_of(margin(s, 1));
    return "sustained on one muscle, 3-45 s, with a movement's rhythm and a motion artefact "
           "together at one limit's worth (turning over; --movement-signs-rule)";
}
