/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cramp detect --profile: the night driver's stage times (cramp/profile.h)
 * as a table on stderr and as a JSON object. */
#include <stdio.h>

#include "cmd_detect.h"

/* M samples/s if the night had gone through this stage alone: the night's
 * samples over the stage's seconds (so 1 / sum(1 / rate) is the rate of the
 * stages together). */
static double rate(const cramp_profile *p, double s)
{
    return s > 0 ? (double)p->samples / s / 1e6 : 0;
}

void cmd_detect_print_profile(FILE *f, const cramp_profile *p)
{
    double staged = 0;
    for (int s = 0; s < CRAMP_STAGES; s++) staged += p->wall_s[s];
    const double total = p->total_wall_s + p->wall_s[CRAMP_STAGE_OUTPUT];
    /* the run's CPU share, applied to each stage: an estimate of its CPU
       time when the machine is shared (waits fall on stages in proportion
       to their time) */
    const double share = p->total_wall_s > 0 ? p->cpu_s / p->total_wall_s : 0;
    fprintf(f, "profile: %.1f M samples; stage wall time (monotonic clock), its share of the "
               "run, M samples/s through it alone; CPU s estimated as wall x the run's CPU "
               "share (%.0f%%: %.4f CPU s in %.4f s)\n",
            (double)p->samples / 1e6, 100 * share, p->cpu_s, p->total_wall_s);
    fprintf(f, "  %-10s %9s %7s %12s %9s %12s\n", "stage", "wall_s", "share", "M samples/s",
            "cpu_s~", "M/s of CPU~");
    /* On more than one thread the stages are timed on each thread and
       summed, so they can add up past the run's wall time (the calling
       thread primes while the worker filters): that excess is printed as
       "overlap", negative, so that the rows still add up to the total, and
       "other" (what no stage timed) is then 0. */
    const double other = total > staged ? total - staged : 0;
    const double overlap = staged > total ? staged - total : 0;
    for (int s = 0; s <= CRAMP_STAGES + (overlap > 0); s++) {
        const char *name = s < CRAMP_STAGES    ? cramp_stage_name((cramp_stage)s)
                           : s == CRAMP_STAGES ? "other"
                                               : "overlap";
        const double w = s < CRAMP_STAGES ? p->wall_s[s] : s == CRAMP_STAGES ? other : -overlap;
        fprintf(f, "  %-10s %9.4f %6.1f%% %12.0f %9.4f %12.0f\n", name, w,
                total > 0 ? 100 * w / total : 0, w > 0 ? rate(p, w) : 0, w * share,
                w > 0 ? rate(p, w * share) : 0);
    }
    fprintf(f, "  %-10s %9.4f %6.1f%% %12.0f %9.4f %12.0f\n", "total", total, 100.0,
            rate(p, total), total * share, rate(p, total * share));
}

void cmd_detect_json_profile(FILE *f, const cramp_profile *p)
{
    fprintf(f, "{\"samples\": %llu, \"total_wall_s\": %.6f, \"cpu_s\": %.6f, \"stages\": {",
            (unsigned long long)p->samples, p->total_wall_s, p->cpu_s);
    /* output is still being written when this is: on stderr only */
    for (int s = 0; s < CRAMP_STAGE_OUTPUT; s++)
        fprintf(f, "%s\"%s\": {\"wall_s\": %.6f, \"m_samples_per_s\": %.3f}", s ? ", " : "",
                cramp_stage_name((cramp_stage)s), p->wall_s[s], rate(p, p->wall_s[s]));
    fputs("}}", f);
}
