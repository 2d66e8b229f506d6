/* SPDX-License-Identifier: GPL-3.0-or-later */
#define _POSIX_C_SOURCE 200809L
/* The WAV-family backend of cramp_recording: WAV, RIFX, W64, RF64, FLAC and
 * whatever else libsndfile reads, every PCM and float subtype, any channel
 * count. libsndfile stays behind this file and wav_write.c.
 *
 * Values: libsndfile gives full-scale fractions (PCM normalised to [-1, 1),
 * float samples as stored); they are multiplied by the full scale in
 * microvolts when the caller gave one.
 *
 * MPEG audio (MP3) is refused before libsndfile sees it.
 *
 * Truncation: libsndfile quietly reads what is there when a file was cut
 * short, so the outer container's declared size (RIFF/RIFX, RF64's ds64,
 * W64) is compared with the file's length here, and a read that ends before
 * the frame count libsndfile announced (FLAC) is an error too.
 *
 * Threads: libsndfile reports a failed open through process-wide variables
 * (sf_strerror(NULL)), so opens are serialised by one mutex, shared with
 * wav_write.c; an open file has no shared state. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sndfile.h>

#include "core/internal.h"
#include "io/recording_internal.h"

/* Frames of the whole file converted per libsndfile call when only some
 * channels (or another order) are wanted: bounded memory, large enough to
 * amortise the call. */
#define WAV_PICK_SAMPLES 16384u

static pthread_mutex_t g_sndfile_lock = PTHREAD_MUTEX_INITIALIZER;

void cramp__sndfile_lock(void) { pthread_mutex_lock(&g_sndfile_lock); }
void cramp__sndfile_unlock(void) { pthread_mutex_unlock(&g_sndfile_lock); }

typedef struct wav_impl {
    char *path;
    int fd;                 /* until handed to libsndfile */
    SNDFILE *sf;
    SF_INFO info;
    int check_finite;       /* float/double subtypes: NaN and Inf are possible */
    float scale;            /* full-scale fraction -> output value */
    cramp_rec_header hdr;
    cramp_channel_info *ch;
    cramp_segment seg;
    char *warn[4];
    size_t n_warn;
    /* selection */
    size_t *sel;            /* file channel index of each output channel */
    size_t n_sel;
    int identity;           /* sel is 0..channels-1 in order: read straight into out */
    float *buf;             /* WAV_PICK_SAMPLES floats, whole frames */
    size_t buf_frames;
    uint64_t pos;           /* next frame */
} wav_impl;

static uint32_t le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[3] | (uint32_t)p[2] << 8 | (uint32_t)p[1] << 16 | (uint32_t)p[0] << 24;
}

static uint64_t le64(const unsigned char *p)
{
    return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

static cramp_status add_warning(wav_impl *w, cramp_error *err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static cramp_status add_warning(wav_impl *w, cramp_error *err, const char *fmt, ...)
{
    if (w->n_warn == sizeof w->warn / sizeof w->warn[0]) return CRAMP_OK;
    char msg[CRAMP_ERROR_MESSAGE_SIZE];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    char *copy = strdup(msg);
    if (!copy) return cramp__fail(err, CRAMP_ENOMEM, "%s: out of memory", w->path);
    w->warn[w->n_warn++] = copy;
    return CRAMP_OK;
}

static uint32_t be32(const unsigned char *p);

/* Walks the chunks of a RIFF/RIFX, RF64 or W64 file to its data chunk and
 * compares the length that chunk declares with the bytes that follow it.
 * (The outer RIFF size is not checked: real recorders get it wrong by a few
 * bytes while the data are whole.) Other formats are left to libsndfile. */
static cramp_status check_container(wav_impl *w, int fd, cramp_error *err)
{
    struct stat sb;
    if (fstat(fd, &sb) != 0)
        return cramp__fail(err, CRAMP_EIO, "%s: cannot read: %s", w->path, strerror(errno));
    const uint64_t len = (uint64_t)sb.st_size;
    unsigned char h[40];
    ssize_t got = pread(fd, h, sizeof h, 0);
    if (got < 0)
        return cramp__fail(err, CRAMP_EIO, "%s: cannot read: %s", w->path, strerror(errno));
    const size_t n = (size_t)got;
    static const unsigned char w64_riff[16] = {'r', 'i', 'f', 'f', 0x2E, 0x91, 0xCF, 0x11,
                                               0xA5, 0xD6, 0x28, 0xDB, 0x04, 0xC1, 0x00, 0x00};
    /* MPEG audio: lossy, never a recording; and libmpg123, which libsndfile
     * would hand it to, prints to stderr while probing. */
    if ((n >= 2 && h[0] == 0xFF && (h[1] & 0xE0) == 0xE0) || (n >= 3 && memcmp(h, "ID3", 3) == 0))
        return cramp__fail(err, CRAMP_EUNSUPPORTED,
                           "%s: MPEG audio (MP3) is not read: lossy compression changes the "
                           "signal; expected EDF/BDF, WAV, W64, RF64 or FLAC",
                           w->path);
    int kind; /* 1 RIFF, 2 RIFX, 3 RF64, 4 W64 */
    uint64_t pos;
    if (n >= 12 && memcmp(h, "RIFF", 4) == 0 && memcmp(h + 8, "WAVE", 4) == 0) {
        kind = 1;
        pos = 12;
    } else if (n >= 12 && memcmp(h, "RIFX", 4) == 0 && memcmp(h + 8, "WAVE", 4) == 0) {
        kind = 2;
        pos = 12;
    } else if (n >= 36 && memcmp(h, "RF64", 4) == 0 && memcmp(h + 12, "ds64", 4) == 0) {
        kind = 3;
        pos = 12;
    } else if (n >= 40 && memcmp(h, w64_riff, 16) == 0) {
        kind = 4;
        pos = 40;
    } else {
        return CRAMP_OK;
    }
    const uint64_t ds64_data = kind == 3 ? le64(h + 28) : 0;
    /* A bounded walk: a malformed file must not keep us here. */
    for (int guard = 0; guard < 4096; guard++) {
        unsigned char c[24];
        const size_t hl = kind == 4 ? 24 : 8;
        if (pos > len || len - pos < hl) return CRAMP_OK;
        got = pread(fd, c, hl, (off_t)pos);
        if (got != (ssize_t)hl) return CRAMP_OK;
        uint64_t size, body;
        int is_data;
        if (kind == 4) {
            is_data = memcmp(c, "data", 4) == 0;
            size = le64(c + 16);
            if (size < 24) return CRAMP_OK; /* libsndfile will say what is wrong */
            body = size - 24;
        } else {
            is_data = memcmp(c, "data", 4) == 0;
            size = kind == 2 ? be32(c + 4) : le32(c + 4);
            body = size;
        }
        if (is_data) {
            const uint64_t avail = len - pos - hl;
            const char *field = kind == 4 ? "W64 data chunk" : "data chunk";
            if (kind == 3 && size == 0xFFFFFFFFu) {
                body = ds64_data;
                field = "RF64 ds64 data size";
            } else if (kind != 4 && size == 0xFFFFFFFFu) {
                return add_warning(w, err,
                                   "%s: data chunk size 0xFFFFFFFF (unknown, as a streaming "
                                   "writer leaves it): read to the end of the file",
                                   w->path);
            }
            if (body == 0 && avail > 0)
                return add_warning(w, err,
                                   "%s: data chunk size 0 with %llu bytes after it (did its "
                                   "writer stop before finishing?): read as empty",
                                   w->path, (unsigned long long)avail);
            if (body > avail)
                return cramp__fail(err, CRAMP_EFORMAT,
                                   "%s: truncated: the %s declares %llu bytes but %llu follow "
                                   "(expected the whole declared length)",
                                   w->path, field, (unsigned long long)body,
                                   (unsigned long long)avail);
            return CRAMP_OK;
        }
        uint64_t step = kind == 4 ? (size + 7) & ~(uint64_t)7 : 8 + body + (body & 1);
        if (step == 0 || step > len) return CRAMP_OK;
        pos += step;
    }
    return CRAMP_OK;
}

static cramp_status wav_select(void *impl, const size_t *channels, size_t n, cramp_error *err);
static cramp_status wav_read(void *impl, float *out, size_t max_frames, size_t *frames,
                             cramp_error *err);
static void wav_tell(const void *impl, size_t *frame, double *time_s);
static cramp_status wav_seek(void *impl, size_t frame, cramp_error *err);
static void wav_close(void *impl);

static const cramp__rec_ops wav_ops = {wav_select, wav_read, wav_tell,
                                       wav_seek, wav_close, NULL};

static const char *subtype_name(int format)
{
    switch (format & SF_FORMAT_SUBMASK) {
    case SF_FORMAT_PCM_S8: return "8-bit signed PCM";
    case SF_FORMAT_PCM_U8: return "8-bit unsigned PCM";
    case SF_FORMAT_PCM_16: return "16-bit PCM";
    case SF_FORMAT_PCM_24: return "24-bit PCM";
    case SF_FORMAT_PCM_32: return "32-bit PCM";
    case SF_FORMAT_FLOAT: return "32-bit float";
    case SF_FORMAT_DOUBLE: return "64-bit float";
    default: return "encoded";
    }
}

cramp_status cramp__wav_open(const char *path, const cramp_recording_options *opt, void **impl,
                             const cramp_rec_header **header, const cramp__rec_ops **ops,
                             cramp_error *err)
{
    const double fsuv = opt ? opt->wav_full_scale_uv : 0.0;
    if (!(fsuv >= 0.0) || !isfinite(fsuv) || fsuv > 3.0e38)
        return cramp__fail(err, CRAMP_EINVAL,
                           "%s: full scale %g uV: expected a finite value >= 0 (0 = none)", path,
                           fsuv);
    wav_impl *w = calloc(1, sizeof *w);
    if (!w) return cramp__fail(err, CRAMP_ENOMEM, "%s: out of memory", path);
    w->fd = -1;
    w->path = strdup(path);
    cramp_status st = CRAMP_OK;
    if (!w->path) {
        st = cramp__fail(err, CRAMP_ENOMEM, "%s: out of memory", path);
        goto fail;
    }
    w->fd = open(path, O_RDONLY | O_CLOEXEC);
    if (w->fd < 0) {
        st = cramp__fail(err, CRAMP_EIO, "%s: cannot open: %s", path, strerror(errno));
        goto fail;
    }
    st = check_container(w, w->fd, err);
    if (st != CRAMP_OK) goto fail;
    /* libsndfile takes the descriptor: it closes it on failure whatever
     * close_desc says (1.2.0), so it is given to it for good. */
    const int fd = w->fd;
    w->fd = -1;
    cramp__sndfile_lock();
    w->sf = sf_open_fd(fd, SFM_READ, &w->info, SF_TRUE);
    if (!w->sf)
        st = cramp__fail(err, CRAMP_EFORMAT,
                         "%s: not a recording cramp reads (EDF/BDF, or a sound file libsndfile "
                         "reads): %s",
                         path, sf_strerror(NULL));
    cramp__sndfile_unlock();
    if (st != CRAMP_OK) goto fail;

    if (w->info.channels < 1 || w->info.samplerate < 1) {
        st = cramp__fail(err, CRAMP_EFORMAT,
                         "%s: %d channels at %d Hz: expected at least 1 channel and a sampling "
                         "rate of at least 1 Hz",
                         path, w->info.channels, w->info.samplerate);
        goto fail;
    }
    if (w->info.frames < 0 || w->info.frames == SF_COUNT_MAX) {
        st = cramp__fail(err, CRAMP_EFORMAT,
                         "%s: frame count unknown: expected a file of known length", path);
        goto fail;
    }
    const int sub = w->info.format & SF_FORMAT_SUBMASK;
    w->check_finite = sub == SF_FORMAT_FLOAT || sub == SF_FORMAT_DOUBLE;
    w->scale = fsuv > 0.0 ? (float)fsuv : 1.0f;

    const size_t nch = (size_t)w->info.channels;
    w->ch = calloc(nch, sizeof *w->ch);
    if (!w->ch) {
        st = cramp__fail(err, CRAMP_ENOMEM, "%s: out of memory for %zu channels", path, nch);
        goto fail;
    }
    for (size_t c = 0; c < nch; c++) {
        cramp_channel_info *ci = &w->ch[c];
        snprintf(ci->label, sizeof ci->label, "ch%zu", c + 1);
        snprintf(ci->unit, sizeof ci->unit, "%s", fsuv > 0.0 ? "uV" : "FS");
        ci->to_output = fsuv > 0.0 ? (double)w->scale : 1.0;
        ci->fs = (double)w->info.samplerate;
        ci->phys_min = -1.0;
        ci->phys_max = 1.0;
    }
    if (fsuv <= 0.0) {
        st = add_warning(w, err,
                         "%s: a WAV carries no physical unit: values are full-scale fractions "
                         "(unit FS); give the microvolts at full scale to read microvolts",
                         path);
        if (st != CRAMP_OK) goto fail;
    }

    cramp_rec_header *h = &w->hdr;
    h->format = CRAMP_REC_WAV;
    /* Which member of the family, in the field EDF+ uses to identify the
     * recording. */
    SF_FORMAT_INFO fi;
    memset(&fi, 0, sizeof fi);
    fi.format = w->info.format & SF_FORMAT_TYPEMASK;
    const char *container =
        sf_command(w->sf, SFC_GET_FORMAT_INFO, &fi, (int)sizeof fi) == 0 && fi.name ? fi.name
                                                                                     : "sound file";
    snprintf(h->recording, sizeof h->recording, "%s, %s", container, subtype_name(w->info.format));
    h->n_channels = nch;
    h->channels = w->ch;
    /* A Broadcast WAV (bext chunk) gives the start date and time. */
    SF_BROADCAST_INFO bext;
    memset(&bext, 0, sizeof bext);
    if (sf_command(w->sf, SFC_GET_BROADCAST_INFO, &bext, (int)sizeof bext) == SF_TRUE) {
        char d[11], t[9];
        memcpy(d, bext.origination_date, 10);
        d[10] = '\0';
        memcpy(t, bext.origination_time, 8);
        t[8] = '\0';
        int Y, M, D, hh, mm, ss;
        char c1, c2, c3, c4;
        if (sscanf(d, "%4d%c%2d%c%2d", &Y, &c1, &M, &c2, &D) == 5 &&
            sscanf(t, "%2d%c%2d%c%2d", &hh, &c3, &mm, &c4, &ss) == 5 && M >= 1 && M <= 12 &&
            D >= 1 && D <= 31 && hh >= 0 && hh < 24 && mm >= 0 && mm < 60 && ss >= 0 && ss < 61) {
            h->start_valid = 1;
            h->year = Y;
            h->month = M;
            h->day = D;
            h->hour = hh;
            h->minute = mm;
            h->second = ss;
        } else if (d[0] || t[0]) {
            st = add_warning(w, err,
                             "%s: bext origination date/time '%s %s': expected "
                             "yyyy-mm-dd hh:mm:ss; start unknown",
                             path, d, t);
            if (st != CRAMP_OK) goto fail;
        }
    }
    h->duration_s = (double)w->info.frames / (double)w->info.samplerate;
    w->seg.onset_s = 0.0;
    w->seg.duration_s = h->duration_s;
    h->n_segments = 1;
    h->segments = &w->seg;
    h->n_warnings = w->n_warn;
    h->warnings = (const char *const *)w->warn;

    *impl = w;
    *header = &w->hdr;
    *ops = &wav_ops;
    return CRAMP_OK;

fail:
    wav_close(w);
    return st;
}

static cramp_status wav_select(void *impl, const size_t *channels, size_t n, cramp_error *err)
{
    wav_impl *w = impl;
    const size_t nch = (size_t)w->info.channels;
    for (size_t i = 0; i < n; i++)
        if (channels[i] >= nch)
            return cramp__fail(err, CRAMP_EINVAL,
                               "%s: channel index %zu: expected 0 to %zu (the file has %zu "
                               "channel%s)",
                               w->path, channels[i], nch - 1, nch, nch == 1 ? "" : "s");
    size_t *sel = malloc(n * sizeof *sel);
    if (!sel) return cramp__fail(err, CRAMP_ENOMEM, "%s: out of memory", w->path);
    memcpy(sel, channels, n * sizeof *sel);
    int identity = n == nch;
    for (size_t i = 0; identity && i < n; i++) identity = sel[i] == i;
    float *buf = NULL;
    size_t buf_frames = 0;
    if (!identity) {
        buf_frames = WAV_PICK_SAMPLES / nch;
        if (buf_frames < 16) buf_frames = 16;
        buf = malloc(buf_frames * nch * sizeof *buf);
        if (!buf) {
            free(sel);
            return cramp__fail(err, CRAMP_ENOMEM, "%s: out of memory", w->path);
        }
    }
    if (sf_seek(w->sf, 0, SEEK_SET) != 0) {
        free(sel);
        free(buf);
        return cramp__fail(err, CRAMP_EIO, "%s: cannot rewind: %s", w->path, sf_strerror(w->sf));
    }
    free(w->sel);
    free(w->buf);
    w->sel = sel;
    w->n_sel = n;
    w->identity = identity;
    w->buf = buf;
    w->buf_frames = buf_frames;
    w->pos = 0;
    return CRAMP_OK;
}

/* The first non-finite value among n floats, or n. Bit test: stays exact and
 * vectorises without -ffast-math. */
static size_t first_nonfinite(const float *x, size_t n)
{
    size_t i = 0;
    while (i < n) {
        const size_t end = n - i > 1024 ? i + 1024 : n;
        uint32_t any = 0;
        for (size_t k = i; k < end; k++) {
            uint32_t b;
            memcpy(&b, &x[k], sizeof b);
            any |= (uint32_t)((b & 0x7F800000u) == 0x7F800000u);
        }
        if (any)
            for (size_t k = i; k < end; k++)
                if (!isfinite(x[k])) return k;
        i = end;
    }
    return n;
}

static cramp_status nonfinite_error(const wav_impl *w, float v, uint64_t frame, size_t file_ch,
                                    cramp_error *err)
{
    const int dbl = (w->info.format & SF_FORMAT_SUBMASK) == SF_FORMAT_DOUBLE;
    return cramp__fail(err, CRAMP_EFORMAT,
                       "%s: holds a %s sample at frame %llu, channel %zu (%s): expected finite "
                       "values",
                       w->path,
                       isnan(v) ? "NaN" : dbl ? "infinite (or beyond float range)" : "infinite",
                       (unsigned long long)frame, file_ch + 1, w->ch[file_ch].label);
}

/* Reads exactly want frames of every channel into dst (or fewer at the end of
 * the file, then *got < want). */
static cramp_status read_all(wav_impl *w, float *dst, size_t want, size_t *got, cramp_error *err)
{
    const sf_count_t n = sf_readf_float(w->sf, dst, (sf_count_t)want);
    const int e = sf_error(w->sf);
    if (n < 0 || e != SF_ERR_NO_ERROR)
        return cramp__fail(err, CRAMP_EIO, "%s: cannot read frame %llu of %lld: %s", w->path,
                           (unsigned long long)w->pos, (long long)w->info.frames,
                           sf_strerror(w->sf));
    *got = (size_t)n;
    if (*got < want && w->pos + *got < (uint64_t)w->info.frames)
        return cramp__fail(err, CRAMP_EFORMAT,
                           "%s: truncated: data end at frame %llu, expected %lld frames",
                           w->path, (unsigned long long)(w->pos + *got),
                           (long long)w->info.frames);
    return CRAMP_OK;
}

static cramp_status wav_read(void *impl, float *out, size_t max_frames, size_t *frames,
                             cramp_error *err)
{
    wav_impl *w = impl;
    *frames = 0;
    if (!w->sel) return cramp__rec_unselected(w->path, err);
    const uint64_t total = (uint64_t)w->info.frames;
    if (w->pos >= total) return CRAMP_OK;
    if (max_frames > total - w->pos) max_frames = (size_t)(total - w->pos);
    const size_t nsel = w->n_sel;
    const float s = w->scale;
    size_t done = 0;
    cramp_status st;
    if (w->identity) {
        size_t got;
        st = read_all(w, out, max_frames, &got, err);
        if (st != CRAMP_OK) return st;
        const size_t ns = got * nsel;
        if (w->check_finite) {
            const size_t k = first_nonfinite(out, ns);
            if (k < ns) return nonfinite_error(w, out[k], w->pos + k / nsel, k % nsel, err);
        }
        if (s != 1.0f)
            for (size_t i = 0; i < ns; i++) out[i] *= s;
        done = got;
        w->pos += got;
    } else {
        const size_t nch = (size_t)w->info.channels;
        while (done < max_frames) {
            size_t want = max_frames - done;
            if (want > w->buf_frames) want = w->buf_frames;
            size_t got;
            st = read_all(w, w->buf, want, &got, err);
            if (st != CRAMP_OK) return st;
            float *o = out + done * nsel;
            for (size_t f = 0; f < got; f++) {
                const float *in = w->buf + f * nch;
                for (size_t c = 0; c < nsel; c++) o[f * nsel + c] = in[w->sel[c]];
            }
            if (w->check_finite) {
                const size_t k = first_nonfinite(o, got * nsel);
                if (k < got * nsel)
                    return nonfinite_error(w, o[k], w->pos + k / nsel, w->sel[k % nsel], err);
            }
            if (s != 1.0f)
                for (size_t i = 0; i < got * nsel; i++) o[i] *= s;
            done += got;
            w->pos += got;
            if (got < want) break;
        }
    }
    *frames = done;
    return CRAMP_OK;
}

static void wav_tell(const void *impl, size_t *frame, double *time_s)
{
    const wav_impl *w = impl;
    cramp__rec_tell_even(w->pos, (double)w->info.samplerate, frame, time_s);
}

static cramp_status wav_seek(void *impl, size_t frame, cramp_error *err)
{
    wav_impl *w = impl;
    const cramp_status st = cramp__rec_seek_range(w->path, frame, (uint64_t)w->info.frames, err);
    if (st != CRAMP_OK) return st;
    if (sf_seek(w->sf, (sf_count_t)frame, SEEK_SET) < 0)
        return cramp__fail(err, CRAMP_EIO, "%s: cannot seek to frame %zu: %s", w->path, frame,
                           sf_strerror(w->sf));
    w->pos = frame;
    return CRAMP_OK;
}

static void wav_close(void *impl)
{
    wav_impl *w = impl;
    if (!w) return;
    if (w->sf) sf_close(w->sf);
    if (w->fd >= 0) close(w->fd);
    for (size_t i = 0; i < w->n_warn; i++) free(w->warn[i]);
    free(w->ch);
    free(w->sel);
    free(w->buf);
    free(w->path);
    free(w);
}
