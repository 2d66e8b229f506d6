/* PLACEHOLDER: being written. */
#include "internal.h"
size_t cramp_butter_sections(cramp_band_type type, int order) { (void)type; (void)order; return 0; }
cramp_status cramp_butter_design(const cramp_butter_spec *spec, cramp_biquad *sos, size_t cap, size_t *n_sections, cramp_error *err)
{ (void)spec; (void)sos; (void)cap; (void)n_sections; return cramp__fail(err, CRAMP_EUNSUPPORTED, "not yet"); }
