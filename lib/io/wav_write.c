/* SPDX-License-Identifier: GPL-3.0-or-later */
#define _POSIX_C_SOURCE 200809L
/* cramp_wav_writer: 32-bit float WAV (or W64/RF64) through libsndfile,
 * written through the one safe output (cramp/output.h): under a temporary
 * name beside a regular destination, renamed into place by close, so that a
 * failed or abandoned run leaves nothing behind (and an existing file at the
 * destination untouched); a device or FIFO gets the finished file directly.
 *
 * Container: W64 for a name ending in .w64, RF64 for .rf64; otherwise WAV,
 * or W64 when expected_frames says the data will not fit a RIFF WAV's 32-bit
 * sizes, or RF64 that libsndfile turns back into a plain WAV at close when
 * the length is unknown (expected_frames 0) and stays under 4 GB. A plain
 * WAV never grows past its limit: such a write fails instead of wrapping the
 * sizes. */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sndfile.h>

#include "core/internal.h"
#include "io/recording_internal.h"
#include "cramp/output.h"

/* Bytes of samples past which a RIFF WAV is not used: its sizes are 32-bit
 * and the header and chunks around the data need room too. */
#define WAV_DATA_LIMIT (4000000000.0 - 4096.0)
#define WAV_HARD_LIMIT ((uint64_t)UINT32_MAX - 4096u)

struct cramp_wav_writer {
    char *path;
    cramp_output *out;
    SNDFILE *sf;
    size_t channels;
    int container;   /* SF_FORMAT_WAV, SF_FORMAT_W64 or SF_FORMAT_RF64 */
    uint64_t frames;
};

static int ends_with(const char *s, const char *suffix)
{
    const size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

static void discard(cramp_wav_writer *w)
{
    if (w->sf) sf_close(w->sf);
    w->sf = NULL;
    cramp_output_abort(w->out);
    free(w->path);
    free(w);
}

cramp_status cramp_wav_writer_create(cramp_wav_writer **out, const char *path, size_t channels,
                                     double fs, uint64_t expected_frames, cramp_error *err)
{
    if (!out || !path)
        return cramp__fail(err, CRAMP_EINVAL, "WAV writer: NULL argument");
    *out = NULL;
    if (!*path) return cramp__fail(err, CRAMP_EINVAL, "WAV writer: empty file name");
    if (channels < 1 || channels > 1024)
        return cramp__fail(err, CRAMP_EINVAL, "%s: %zu channels: a WAV holds 1 to 1024", path,
                           channels);
    if (!(fs >= 1.0) || fs > 2147483647.0 || fs != floor(fs))
        return cramp__fail(err, CRAMP_EINVAL,
                           "%s: sampling rate %g Hz: a WAV holds a whole number of Hz from 1 to "
                           "2147483647",
                           path, fs);
    const char *slash = strrchr(path, '/');
    if (!*(slash ? slash + 1 : path))
        return cramp__fail(err, CRAMP_EINVAL, "%s: not a file name", path);

    int container;
    const double bytes = (double)expected_frames * (double)channels * 4.0;
    if (ends_with(path, ".w64"))
        container = SF_FORMAT_W64;
    else if (ends_with(path, ".rf64"))
        container = SF_FORMAT_RF64;
    else if (bytes > WAV_DATA_LIMIT)
        container = SF_FORMAT_W64;
    else if (expected_frames == 0)
        container = SF_FORMAT_RF64; /* auto-downgraded to WAV at close */
    else
        container = SF_FORMAT_WAV;

    cramp_wav_writer *w = calloc(1, sizeof *w);
    if (!w) return cramp__fail(err, CRAMP_ENOMEM, "%s: out of memory", path);
    w->channels = channels;
    w->container = container;
    w->path = strdup(path);
    if (!w->path) {
        discard(w);
        return cramp__fail(err, CRAMP_ENOMEM, "%s: out of memory", path);
    }
    cramp_status st = cramp_output_open(&w->out, path, CRAMP_OUTPUT_SEEKABLE, err);
    if (st != CRAMP_OK) {
        discard(w);
        return st;
    }
    SF_INFO info;
    memset(&info, 0, sizeof info);
    info.samplerate = (int)fs;
    info.channels = (int)channels;
    info.format = container | SF_FORMAT_FLOAT;
    /* libsndfile gets a descriptor of its own, closed by sf_close, and by
     * sf_open_fd itself when that fails (1.2.0 does so whatever close_desc
     * says); the output's stays the output's. */
    const int sfd = dup(cramp_output_fd(w->out));
    if (sfd < 0) {
        st = cramp__fail(err, CRAMP_EIO, "%s: cannot write: %s", path, strerror(errno));
        discard(w);
        return st;
    }
    cramp__sndfile_lock();
    w->sf = sf_open_fd(sfd, SFM_WRITE, &info, SF_TRUE);
    if (!w->sf)
        st = cramp__fail(err, CRAMP_EIO, "%s: cannot write: %s", path, sf_strerror(NULL));
    cramp__sndfile_unlock();
    if (st != CRAMP_OK) {
        discard(w);
        return st;
    }
    /* A PEAK chunk would make every write scan its samples. */
    sf_command(w->sf, SFC_SET_ADD_PEAK_CHUNK, NULL, SF_FALSE);
    if (container == SF_FORMAT_RF64 && !ends_with(path, ".rf64"))
        sf_command(w->sf, SFC_RF64_AUTO_DOWNGRADE, NULL, SF_TRUE);
    *out = w;
    return CRAMP_OK;
}

cramp_status cramp_wav_writer_write(cramp_wav_writer *w, const float *frames, size_t n,
                                    cramp_error *err)
{
    if (!w) return cramp__fail(err, CRAMP_EINVAL, "WAV writer: NULL writer");
    if (n == 0) return CRAMP_OK;
    if (!frames) return cramp__fail(err, CRAMP_EINVAL, "%s: NULL frames", w->path);
    if (w->container == SF_FORMAT_WAV &&
        (w->frames + n) * (uint64_t)w->channels * 4u > WAV_HARD_LIMIT)
        return cramp__fail(err, CRAMP_ERANGE,
                           "%s: %llu frames x %zu channels exceed the 4 GB a WAV holds (the "
                           "expected length given was too small; name the file .w64)",
                           w->path, (unsigned long long)(w->frames + n), w->channels);
    const sf_count_t got = sf_writef_float(w->sf, frames, (sf_count_t)n);
    if (got != (sf_count_t)n)
        return cramp__fail(err, CRAMP_EIO, "%s: write failed after %llu frames: %s", w->path,
                           (unsigned long long)(w->frames + (uint64_t)(got > 0 ? got : 0)),
                           sf_strerror(w->sf));
    w->frames += n;
    return CRAMP_OK;
}

cramp_status cramp_wav_writer_close(cramp_wav_writer *w, cramp_error *err)
{
    if (!w) return cramp__fail(err, CRAMP_EINVAL, "WAV writer: NULL writer");
    const int e1 = sf_error(w->sf);
    const int e2 = sf_close(w->sf);
    w->sf = NULL;
    if (e1 != SF_ERR_NO_ERROR || e2 != 0) {
        cramp_status st = cramp__fail(err, CRAMP_EIO, "%s: write failed: %s", w->path,
                                      sf_error_number(e1 ? e1 : e2));
        discard(w);
        return st;
    }
    const cramp_status st = cramp_output_commit(w->out, err);
    w->out = NULL;
    discard(w);
    return st;
}

void cramp_wav_writer_abort(cramp_wav_writer *w)
{
    if (w) discard(w);
}
