/* SPDX-License-Identifier: GPL-3.0-or-later */
#define _POSIX_C_SOURCE 200809L
/* cramp_recording: picks the backend from the file's first bytes and
 * forwards to it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/internal.h"
#include "io/recording_internal.h"

struct cramp_recording {
    void *impl;
    const cramp_rec_header *header;
    const cramp__rec_ops *ops;
};

const char *cramp_rec_format_name(cramp_rec_format f)
{
    switch (f) {
    case CRAMP_REC_WAV: return "WAV";
    case CRAMP_REC_EDF: return "EDF";
    case CRAMP_REC_EDFPLUS_C: return "EDF+C";
    case CRAMP_REC_EDFPLUS_D: return "EDF+D";
    case CRAMP_REC_BDF: return "BDF";
    case CRAMP_REC_BDFPLUS_C: return "BDF+C";
    case CRAMP_REC_BDFPLUS_D: return "BDF+D";
    case CRAMP_REC_TEXT: return "text";
    case CRAMP_REC_WFDB: return "WFDB";
    }
    return "unknown";
}

void cramp_recording_options_default(cramp_recording_options *opt)
{
    if (opt) memset(opt, 0, sizeof *opt);
}

int cramp__edf_sniff(const unsigned char *head, size_t n)
{
    if (n < 8) return 0;
    if (memcmp(head, "0       ", 8) == 0) return 1;
    return head[0] == 0xFF && memcmp(head + 1, "BIOSEMI", 7) == 0;
}

cramp_status cramp_recording_open(cramp_recording **out, const char *path,
                                  const cramp_recording_options *opt, cramp_error *err)
{
    if (!out || !path) return cramp__fail(err, CRAMP_EINVAL, "open recording: NULL argument");
    *out = NULL;
    cramp_recording_options def;
    if (!opt) {
        cramp_recording_options_default(&def);
        opt = &def;
    }
    struct stat sb;
    if (stat(path, &sb) != 0)
        return cramp__fail(err, CRAMP_EIO, "%s: cannot open: %s", path, strerror(errno));
    if (S_ISDIR(sb.st_mode))
        return cramp__fail(err, CRAMP_EIO, "%s: is a directory, not a recording", path);
    FILE *f = fopen(path, "rb");
    if (!f) return cramp__fail(err, CRAMP_EIO, "%s: cannot open: %s", path, strerror(errno));
    unsigned char head[4096];
    const size_t got = fread(head, 1, sizeof head, f);
    fclose(f);
    if (got == 0)
        return cramp__fail(err, CRAMP_EFORMAT, "%s: empty file (0 bytes), not a recording", path);
    const size_t plen = strlen(path);
    cramp__rec_open_fn open_fn = cramp__wav_open;
    if (cramp__edf_sniff(head, got))
        open_fn = cramp__edf_open;
    else if (plen > 4 && strcmp(path + plen - 4, ".hea") == 0)
        open_fn = cramp__wfdb_open;
    else if (cramp__text_sniff(head, got))
        open_fn = cramp__text_open;
    else if (plen > 4 && strcmp(path + plen - 4, ".dat") == 0) {
        /* a WFDB signal file has no header of its own: name the one beside it */
        char hea[4096];
        if (snprintf(hea, sizeof hea, "%.*s.hea", (int)(plen - 4), path) < (int)sizeof hea &&
            stat(hea, &sb) == 0)
            return cramp__fail(err, CRAMP_EFORMAT,
                               "%s: a WFDB signal file: open its record's header %s instead",
                               path, hea);
    }
    cramp_recording *r = calloc(1, sizeof *r);
    if (!r) return cramp__fail(err, CRAMP_ENOMEM, "%s: out of memory", path);
    const cramp_status st = open_fn(path, opt, &r->impl, &r->header, &r->ops, err);
    if (st != CRAMP_OK) {
        free(r);
        return st;
    }
    *out = r;
    return CRAMP_OK;
}

const cramp_rec_header *cramp_recording_header(const cramp_recording *r)
{
    return r ? r->header : NULL;
}

cramp_status cramp_recording_select(cramp_recording *r, const size_t *channels, size_t n,
                                    cramp_error *err)
{
    if (!r || !channels || n == 0)
        return cramp__fail(err, CRAMP_EINVAL, "select channels: NULL or empty channel list");
    return r->ops->select(r->impl, channels, n, err);
}

cramp_status cramp_recording_read(cramp_recording *r, float *out, size_t max_frames,
                                  size_t *frames, cramp_error *err)
{
    if (!r || !frames) return cramp__fail(err, CRAMP_EINVAL, "read: NULL argument");
    *frames = 0;
    if (max_frames == 0) return CRAMP_OK;
    if (!out) return cramp__fail(err, CRAMP_EINVAL, "read: NULL output buffer");
    return r->ops->read(r->impl, out, max_frames, frames, err);
}

int cramp__recording_finite(const cramp_recording *r)
{
    return r && r->ops->finite ? r->ops->finite(r->impl) : 0;
}

void cramp_recording_tell(const cramp_recording *r, size_t *frame, double *time_s)
{
    if (!r) return;
    r->ops->tell(r->impl, frame, time_s);
}

cramp_status cramp_recording_seek(cramp_recording *r, size_t frame, cramp_error *err)
{
    if (!r) return cramp__fail(err, CRAMP_EINVAL, "seek: NULL recording");
    return r->ops->seek(r->impl, frame, err);
}

void cramp_recording_close(cramp_recording *r)
{
    if (!r) return;
    r->ops->close(r->impl);
    free(r);
}
