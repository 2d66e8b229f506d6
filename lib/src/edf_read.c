/* PLACEHOLDER until the edf backend lands. */
#include "internal.h"
#include "recording_internal.h"
cramp_status cramp__edf_open(const char *path, const cramp_recording_options *opt, void **impl,
                             const cramp_rec_header **header, const cramp__rec_ops **ops,
                             cramp_error *err)
{
    (void)opt; (void)impl; (void)header; (void)ops;
    return cramp__fail(err, CRAMP_EUNSUPPORTED, "%s: reader not written yet", path);
}
