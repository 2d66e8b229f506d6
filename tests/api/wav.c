/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The WAV-family backend of cramp_recording: files written here by
 * libsndfile in every container (WAV, W64, RF64, FLAC) and PCM/float subtype
 * it writes, read back and compared with the values written (exactly: PCM
 * samples are written as integers, so the value read must be k / 2^(bits-1));
 * channel selection and order; full-scale scaling; chunk-size independence;
 * tell/seek; the Broadcast WAV start time; NaN/Inf, truncated, empty,
 * directory, missing and non-audio inputs. With --real, the recordings under
 * ../shared/data/wav against libsndfile's own integer reading (77 when that
 * folder is absent). */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sndfile.h>

#include "cramp/recording.h"
#include "testutil.h"

#define SEED 0x3a7e5eedULL

static char g_dir[64];

static const char *tpath(const char *name) { return test_path_in(g_dir, name); }

typedef enum { DATA_INT, DATA_FLOAT, DATA_DOUBLE } data_kind;

/* Writes frames x ch samples with libsndfile; returns 0 on success. */
static int write_sf(const char *path, int format, int ch, int fs, data_kind kind, const void *data,
                    size_t frames)
{
    SF_INFO info;
    memset(&info, 0, sizeof info);
    info.channels = ch;
    info.samplerate = fs;
    info.format = format;
    if (!sf_format_check(&info)) return -1;
    SNDFILE *sf = sf_open(path, SFM_WRITE, &info);
    if (!sf) return -1;
    sf_command(sf, SFC_SET_ADD_PEAK_CHUNK, NULL, SF_FALSE);
    sf_count_t n;
    if (kind == DATA_INT)
        n = sf_writef_int(sf, data, (sf_count_t)frames);
    else if (kind == DATA_FLOAT)
        n = sf_writef_float(sf, data, (sf_count_t)frames);
    else
        n = sf_writef_double(sf, data, (sf_count_t)frames);
    return sf_close(sf) == 0 && n == (sf_count_t)frames ? 0 : -1;
}

/* Opens, selects and reads everything in chunks of `chunk` frames. Returns
 * the status; *out (malloc'd) and *frames on success. */
static cramp_status read_file(const char *path, double fsuv, const size_t *sel, size_t nsel,
                              size_t chunk, float **out, size_t *frames, cramp_error *err)
{
    *out = NULL;
    *frames = 0;
    cramp_recording_options opt;
    cramp_recording_options_default(&opt);
    opt.wav_full_scale_uv = fsuv;
    cramp_recording *r = NULL;
    cramp_status st = cramp_recording_open(&r, path, &opt, err);
    if (st != CRAMP_OK) return st;
    const cramp_rec_header *h = cramp_recording_header(r);
    size_t all[64];
    if (!sel) {
        for (size_t c = 0; c < h->n_channels; c++) all[c] = c;
        sel = all;
        nsel = h->n_channels;
    }
    st = cramp_recording_select(r, sel, nsel, err);
    if (st != CRAMP_OK) {
        cramp_recording_close(r);
        return st;
    }
    const size_t cap = (size_t)llround(h->duration_s * h->channels[sel[0]].fs) + 1;
    float *buf = malloc((cap + chunk) * nsel * sizeof *buf);
    size_t total = 0;
    for (;;) {
        size_t got = 0;
        st = cramp_recording_read(r, buf + total * nsel, chunk, &got, err);
        if (st != CRAMP_OK || got == 0) break;
        total += got;
        if (total > cap) {
            st = CRAMP_ERANGE;
            break;
        }
    }
    cramp_recording_close(r);
    if (st != CRAMP_OK) {
        free(buf);
        return st;
    }
    *out = buf;
    *frames = total;
    return CRAMP_OK;
}

/* ---- round trip over containers and subtypes ------------------------------ */

typedef struct subtype {
    int sub;
    int bits;        /* PCM bits; 0 for float/double */
    data_kind kind;
    const char *name;
} subtype;

static const subtype SUBTYPES[] = {
    {SF_FORMAT_PCM_U8, 8, DATA_INT, "PCM_U8"},  {SF_FORMAT_PCM_S8, 8, DATA_INT, "PCM_S8"},
    {SF_FORMAT_PCM_16, 16, DATA_INT, "PCM_16"}, {SF_FORMAT_PCM_24, 24, DATA_INT, "PCM_24"},
    {SF_FORMAT_PCM_32, 32, DATA_INT, "PCM_32"}, {SF_FORMAT_FLOAT, 0, DATA_FLOAT, "FLOAT"},
    {SF_FORMAT_DOUBLE, 0, DATA_DOUBLE, "DOUBLE"},
};

typedef struct container {
    int major;
    const char *ext;
    const char *name;
    const char *must;  /* subtypes that must be writable (a skip would hide a gap) */
} container;

static const container CONTAINERS[] = {
    {SF_FORMAT_WAV, "wav", "WAV", "PCM_U8 PCM_16 PCM_24 PCM_32 FLOAT DOUBLE"},
    {SF_FORMAT_W64, "w64", "W64", "PCM_U8 PCM_16 PCM_24 PCM_32 FLOAT DOUBLE"},
    {SF_FORMAT_RF64, "rf64", "RF64", "PCM_U8 PCM_16 PCM_24 PCM_32 FLOAT DOUBLE"},
    {SF_FORMAT_FLAC, "flac", "FLAC", "PCM_S8 PCM_16 PCM_24"},
};

static void test_round_trip(void)
{
    test_rng rng = {SEED};
    const int ch = 3, fs = 2000;
    const size_t frames = 5003; /* not a multiple of any chunk */
    int32_t *ints = malloc(frames * (size_t)ch * sizeof *ints);
    float *flts = malloc(frames * (size_t)ch * sizeof *flts);
    double *dbls = malloc(frames * (size_t)ch * sizeof *dbls);
    int64_t *ks = malloc(frames * (size_t)ch * sizeof *ks);
    size_t combos = 0;
    for (size_t ci = 0; ci < sizeof CONTAINERS / sizeof CONTAINERS[0]; ci++) {
        const container *C = &CONTAINERS[ci];
        for (size_t si = 0; si < sizeof SUBTYPES / sizeof SUBTYPES[0]; si++) {
            const subtype *S = &SUBTYPES[si];
            const size_t n = frames * (size_t)ch;
            for (size_t i = 0; i < n; i++) {
                if (S->bits) {
                    /* k in the subtype's range, full scale included at both
                     * ends now and then. */
                    const int64_t lo = -((int64_t)1 << (S->bits - 1));
                    const int64_t hi = ((int64_t)1 << (S->bits - 1)) - 1;
                    int64_t k = lo + (int64_t)(test_rng_uniform(&rng) * (double)(hi - lo + 1));
                    if (i % 997 == 0) k = lo;
                    if (i % 991 == 0) k = hi;
                    if (k > hi) k = hi;
                    ks[i] = k;
                    ints[i] = (int32_t)(k * ((int64_t)1 << (32 - S->bits)));
                } else {
                    const double v = (test_rng_uniform(&rng) * 2.0 - 1.0) *
                                     (i % 50 == 0 ? 40.0 : 0.9); /* floats may pass 1 */
                    flts[i] = (float)v;
                    dbls[i] = v;
                }
            }
            char name[64];
            snprintf(name, sizeof name, "rt_%s_%s.%s", C->name, S->name, C->ext);
            const char *path = tpath(name);
            const void *data = S->kind == DATA_INT ? (const void *)ints
                               : S->kind == DATA_FLOAT ? (const void *)flts
                                                       : (const void *)dbls;
            if (write_sf(path, C->major | S->sub, ch, fs, S->kind, data, frames) != 0) {
                CHECK(strstr(C->must, S->name) == NULL, "%s %s must be writable by libsndfile",
                      C->name, S->name);
                unlink(path);
                continue;
            }
            combos++;
            for (int scaled = 0; scaled < 2; scaled++) {
                const double fsuv = scaled ? 2500.0 : 0.0;
                cramp_recording *r = NULL;
                cramp_error err = {0};
                cramp_recording_options opt;
                cramp_recording_options_default(&opt);
                opt.wav_full_scale_uv = fsuv;
                cramp_status st = cramp_recording_open(&r, path, &opt, &err);
                CHECK(st == CRAMP_OK, "%s: open: %s", name, err.message);
                if (st != CRAMP_OK) continue;
                const cramp_rec_header *h = cramp_recording_header(r);
                CHECK(h->format == CRAMP_REC_WAV, "%s: format %d", name, (int)h->format);
                CHECK(h->n_channels == (size_t)ch, "%s: %zu channels", name, h->n_channels);
                CHECK(fabs(h->duration_s - (double)frames / fs) < 1e-12, "%s: duration %g", name,
                      h->duration_s);
                CHECK(h->n_segments == 1 && h->segments[0].onset_s == 0.0, "%s: segments", name);
                CHECK(h->n_annotations == 0 && !h->start_valid, "%s: no annotations/start", name);
                const char *enc = S->sub == SF_FORMAT_FLOAT    ? "32-bit float"
                                  : S->sub == SF_FORMAT_DOUBLE ? "64-bit float"
                                                               : "PCM";
                CHECK(strstr(h->recording, enc) != NULL,
                      "%s: recording field '%s' names the encoding", name, h->recording);
                for (int c = 0; c < ch; c++) {
                    char lab[8];
                    snprintf(lab, sizeof lab, "ch%d", c + 1);
                    CHECK(strcmp(h->channels[c].label, lab) == 0, "%s: label '%s'", name,
                          h->channels[c].label);
                    CHECK(strcmp(h->channels[c].unit, scaled ? "uV" : "FS") == 0, "%s: unit '%s'",
                          name, h->channels[c].unit);
                    CHECK(h->channels[c].fs == fs, "%s: fs %g", name, h->channels[c].fs);
                    CHECK(h->channels[c].to_output == (scaled ? fsuv : 1.0), "%s: to_output %g",
                          name, h->channels[c].to_output);
                    CHECK(!h->channels[c].is_annotation, "%s: not an annotation", name);
                }
                /* Without a full scale the header says the values are fractions. */
                int warned = 0;
                for (size_t i = 0; i < h->n_warnings; i++)
                    if (strstr(h->warnings[i], "full-scale fractions")) warned = 1;
                CHECK(warned == !scaled, "%s: FS warning %d with full scale %g", name, warned,
                      fsuv);
                cramp_recording_close(r);

                float *got = NULL;
                size_t nf = 0;
                st = read_file(path, fsuv, NULL, 0, 1000, &got, &nf, &err);
                CHECK(st == CRAMP_OK, "%s: read: %s", name, err.message);
                if (st != CRAMP_OK) continue;
                CHECK(nf == frames, "%s: %zu frames read, %zu written", name, nf, frames);
                size_t bad = 0, first = 0;
                double nonzero = 0.0;
                for (size_t i = 0; i < nf * (size_t)ch && i < n; i++) {
                    float want;
                    if (S->bits)
                        want = (float)ldexp((double)ks[i], -(S->bits - 1));
                    else
                        want = S->kind == DATA_FLOAT ? flts[i] : (float)dbls[i];
                    if (scaled) want *= (float)fsuv;
                    if (got[i] != want) {
                        if (!bad) first = i;
                        bad++;
                    }
                    nonzero += fabs((double)got[i]);
                }
                CHECK(bad == 0,
                      "%s (full scale %g): %zu samples differ, first at %zu: %.9g vs %.9g", name,
                      fsuv, bad, first, (double)got[first],
                      S->bits ? ldexp((double)ks[first], -(S->bits - 1)) : (double)flts[first]);
                CHECK(nonzero > 0.1 * (double)n, "%s: values read are mostly zero", name);
                free(got);
            }
        }
    }
    CHECK(combos >= 3 * 6 + 3, "only %zu container/subtype combinations written", combos);
    printf("round trip: %zu container/subtype combinations\n", combos);
    free(ints);
    free(flts);
    free(dbls);
    free(ks);
}

/* ---- selection, chunking, tell/seek ---------------------------------------- */

static int make_pcm16(const char *path, int ch, int fs, size_t frames, int16_t **out)
{
    test_rng rng = {SEED + 7};
    int16_t *x = malloc(frames * (size_t)ch * sizeof *x);
    int32_t *w = malloc(frames * (size_t)ch * sizeof *w);
    for (size_t i = 0; i < frames * (size_t)ch; i++) {
        x[i] = (int16_t)((int)(test_rng_uniform(&rng) * 65536.0) - 32768);
        w[i] = (int32_t)x[i] * 65536;
    }
    const int rc = write_sf(path, SF_FORMAT_WAV | SF_FORMAT_PCM_16, ch, fs, DATA_INT, w, frames);
    free(w);
    *out = x;
    return rc;
}

static void test_selection(void)
{
    const int ch = 5, fs = 1000;
    const size_t frames = 40000;
    const char *path = tpath("sel.wav");
    int16_t *x = NULL;
    CHECK(make_pcm16(path, ch, fs, frames, &x) == 0, "write sel.wav");
    static const size_t sels[][5] = {{0, 1, 2, 3, 4}, {4, 3, 2, 1, 0}, {2, 0, 0, 0, 0},
                                     {3, 1, 0, 0, 0}, {1, 1, 4, 0, 0}};
    static const size_t nsels[] = {5, 5, 1, 2, 3};
    static const size_t chunks[] = {1, 7, 4096, 16384, 100000};
    for (size_t s = 0; s < sizeof nsels / sizeof nsels[0]; s++) {
        for (size_t k = 0; k < sizeof chunks / sizeof chunks[0]; k++) {
            float *got = NULL;
            size_t nf = 0;
            cramp_error err = {0};
            cramp_status st = read_file(path, 0.0, sels[s], nsels[s], chunks[k], &got, &nf, &err);
            CHECK(st == CRAMP_OK, "selection %zu chunk %zu: %s", s, chunks[k], err.message);
            if (st != CRAMP_OK) continue;
            CHECK(nf == frames, "selection %zu chunk %zu: %zu frames", s, chunks[k], nf);
            size_t bad = 0;
            for (size_t f = 0; f < nf; f++)
                for (size_t c = 0; c < nsels[s]; c++)
                    if (got[f * nsels[s] + c] !=
                        (float)x[f * (size_t)ch + sels[s][c]] / 32768.0f)
                        bad++;
            CHECK(bad == 0, "selection %zu chunk %zu: %zu samples differ", s, chunks[k], bad);
            free(got);
        }
    }

    /* tell, seek, select rewinds; errors. */
    cramp_recording *r = NULL;
    cramp_error err = {0};
    CHECK(cramp_recording_open(&r, path, NULL, &err) == CRAMP_OK, "open: %s", err.message);
    if (!r) {
        free(x);
        return;
    }
    float buf[5 * 100];
    size_t got = 99;
    CHECK(cramp_recording_read(r, buf, 10, &got, &err) == CRAMP_EINVAL && got == 0,
          "read before select is refused");
    const size_t bad_sel[] = {1, 5};
    err.message[0] = '\0';
    CHECK(cramp_recording_select(r, bad_sel, 2, &err) == CRAMP_EINVAL, "channel 5 of 5 refused");
    CHECK(strstr(err.message, "sel.wav") && strstr(err.message, "5"),
          "bad channel message names file and index: %s", err.message);
    const size_t sel[] = {3};
    CHECK(cramp_recording_select(r, sel, 1, &err) == CRAMP_OK, "select: %s", err.message);
    size_t fr = 1;
    double t = -1;
    cramp_recording_tell(r, &fr, &t);
    CHECK(fr == 0 && t == 0.0, "tell at start: %zu %g", fr, t);
    CHECK(cramp_recording_read(r, buf, 100, &got, &err) == CRAMP_OK && got == 100, "read 100");
    cramp_recording_tell(r, &fr, &t);
    CHECK(fr == 100 && fabs(t - 0.1) < 1e-12, "tell after 100: %zu %g", fr, t);
    CHECK(cramp_recording_seek(r, 31234, &err) == CRAMP_OK, "seek: %s", err.message);
    cramp_recording_tell(r, &fr, &t);
    CHECK(fr == 31234 && fabs(t - 31.234) < 1e-9, "tell after seek: %zu %g", fr, t);
    CHECK(cramp_recording_read(r, buf, 50, &got, &err) == CRAMP_OK && got == 50, "read after seek");
    size_t bad = 0;
    for (size_t i = 0; i < got; i++)
        if (buf[i] != (float)x[(31234 + i) * (size_t)ch + 3] / 32768.0f) bad++;
    CHECK(bad == 0, "values after seek: %zu differ", bad);
    CHECK(cramp_recording_seek(r, frames + 1, &err) == CRAMP_ERANGE, "seek past the end refused");
    CHECK(cramp_recording_seek(r, frames - 3, &err) == CRAMP_OK, "seek near the end");
    CHECK(cramp_recording_read(r, buf, 100, &got, &err) == CRAMP_OK && got == 3,
          "short read at the end: %zu", got);
    CHECK(cramp_recording_read(r, buf, 100, &got, &err) == CRAMP_OK && got == 0, "0 at the end");
    CHECK(cramp_recording_select(r, sel, 1, &err) == CRAMP_OK, "select again");
    cramp_recording_tell(r, &fr, &t);
    CHECK(fr == 0, "select rewinds: %zu", fr);
    CHECK(cramp_recording_read(r, buf, 2, &got, &err) == CRAMP_OK && got == 2 &&
              buf[0] == (float)x[3] / 32768.0f,
          "first frame after select");
    cramp_recording_close(r);
    cramp_recording_close(NULL);
    free(x);
}

/* ---- Broadcast WAV start ------------------------------------------------------ */

static void test_bext(void)
{
    const char *path = tpath("bext.wav");
    SF_INFO info;
    memset(&info, 0, sizeof info);
    info.channels = 1;
    info.samplerate = 500;
    info.format = SF_FORMAT_WAV | SF_FORMAT_PCM_16;
    SNDFILE *sf = sf_open(path, SFM_WRITE, &info);
    CHECK(sf != NULL, "bext.wav: %s", sf_strerror(NULL));
    if (!sf) return;
    SF_BROADCAST_INFO b;
    memset(&b, 0, sizeof b);
    memcpy(b.origination_date, "2024-03-05", 10);
    memcpy(b.origination_time, "12:34:56", 8);
    CHECK(sf_command(sf, SFC_SET_BROADCAST_INFO, &b, (int)sizeof b) == SF_TRUE, "set bext");
    short s[500] = {0};
    sf_writef_short(sf, s, 500);
    sf_close(sf);
    cramp_recording *r = NULL;
    cramp_error err = {0};
    CHECK(cramp_recording_open(&r, path, NULL, &err) == CRAMP_OK, "open bext.wav: %s", err.message);
    if (!r) return;
    const cramp_rec_header *h = cramp_recording_header(r);
    CHECK(h->start_valid && h->year == 2024 && h->month == 3 && h->day == 5 && h->hour == 12 &&
              h->minute == 34 && h->second == 56,
          "bext start: valid %d %04d-%02d-%02d %02d:%02d:%02d", h->start_valid, h->year, h->month,
          h->day, h->hour, h->minute, h->second);
    CHECK(fabs(h->duration_s - 1.0) < 1e-12, "bext duration %g", h->duration_s);
    cramp_recording_close(r);
}

/* ---- bad input -------------------------------------------------------------- */

static void expect_open_error(const char *path, cramp_status want, const char *what,
                              const char *needle)
{
    cramp_recording *r = (cramp_recording *)&r; /* must be reset to NULL */
    cramp_error err = {0};
    const cramp_status st = cramp_recording_open(&r, path, NULL, &err);
    CHECK(st == want, "%s: status %d (%s), expected %d: %s", what, (int)st, cramp_strerror(st),
          (int)want, err.message);
    CHECK(r == NULL, "%s: handle not NULL after failure", what);
    CHECK(strstr(err.message, path) != NULL, "%s: message does not name the file: %s", what,
          err.message);
    if (needle) CHECK(strstr(err.message, needle) != NULL, "%s: message lacks '%s': %s", what,
                      needle, err.message);
    if (st == CRAMP_OK) cramp_recording_close(r);
}

/* Reads everything of all channels; returns the status of the first failure. */
static cramp_status read_expect_fail(const char *path, cramp_error *err)
{
    float *got = NULL;
    size_t nf = 0;
    cramp_status st = read_file(path, 0.0, NULL, 0, 333, &got, &nf, err);
    free(got);
    return st;
}

static void test_bad_input(void)
{
    /* NaN and Inf in float and double WAVs: the frame and channel are named;
     * channels without them read fine. */
    const size_t frames = 3000;
    const int ch = 2;
    float *x = calloc(frames * (size_t)ch, sizeof *x);
    double *d = calloc(frames * (size_t)ch, sizeof *d);
    for (size_t i = 0; i < frames * (size_t)ch; i++) x[i] = (float)(i % 17) * 0.01f;
    x[1234 * 2 + 1] = NAN;
    const char *nanp = tpath("nan.wav");
    CHECK(write_sf(nanp, SF_FORMAT_WAV | SF_FORMAT_FLOAT, ch, 1000, DATA_FLOAT, x, frames) == 0,
          "write nan.wav");
    cramp_error err = {0};
    CHECK(read_expect_fail(nanp, &err) == CRAMP_EFORMAT, "NaN is an error");
    CHECK(strstr(err.message, nanp) && strstr(err.message, "NaN") &&
              strstr(err.message, "frame 1234, channel 2"),
          "NaN message: %s", err.message);
    float *got = NULL;
    size_t nf = 0;
    const size_t ch0 = 0;
    CHECK(read_file(nanp, 0.0, &ch0, 1, 500, &got, &nf, &err) == CRAMP_OK && nf == frames,
          "the channel without the NaN reads: %s", err.message);
    free(got);

    x[1234 * 2 + 1] = 0.0f;
    x[2999 * 2] = -INFINITY;
    const char *infp = tpath("inf.w64");
    CHECK(write_sf(infp, SF_FORMAT_W64 | SF_FORMAT_FLOAT, ch, 1000, DATA_FLOAT, x, frames) == 0,
          "write inf.w64");
    CHECK(read_expect_fail(infp, &err) == CRAMP_EFORMAT, "Inf is an error");
    CHECK(strstr(err.message, "infinite") && strstr(err.message, "frame 2999, channel 1"),
          "Inf message: %s", err.message);

    for (size_t i = 0; i < frames * (size_t)ch; i++) d[i] = 0.5;
    d[17 * 2 + 1] = 1e300; /* finite in the file, beyond float */
    const char *bigp = tpath("big.wav");
    CHECK(write_sf(bigp, SF_FORMAT_WAV | SF_FORMAT_DOUBLE, ch, 1000, DATA_DOUBLE, d, frames) == 0,
          "write big.wav");
    CHECK(read_expect_fail(bigp, &err) == CRAMP_EFORMAT, "a double beyond float is an error");
    CHECK(strstr(err.message, "beyond float range") && strstr(err.message, "frame 17, channel 2"),
          "double overflow message: %s", err.message);
    d[17 * 2 + 1] = (double)NAN;
    CHECK(write_sf(bigp, SF_FORMAT_RF64 | SF_FORMAT_DOUBLE, ch, 1000, DATA_DOUBLE, d, frames) == 0,
          "write big.wav as RF64");
    CHECK(read_expect_fail(bigp, &err) == CRAMP_EFORMAT && strstr(err.message, "NaN"),
          "NaN in a double RF64: %s", err.message);

    /* Truncated: each container, cut inside its data. */
    static const struct { int fmt; const char *name; const char *field; } tr[] = {
        {SF_FORMAT_WAV | SF_FORMAT_PCM_16, "trunc.wav", "data chunk"},
        {SF_FORMAT_W64 | SF_FORMAT_PCM_24, "trunc.w64", "W64 data chunk"},
        {SF_FORMAT_RF64 | SF_FORMAT_FLOAT, "trunc.rf64", "ds64"},
    };
    for (size_t i = 0; i < frames * (size_t)ch; i++) x[i] = (float)(i % 17) * 0.01f;
    for (size_t k = 0; k < sizeof tr / sizeof tr[0]; k++) {
        const char *p = tpath(tr[k].name);
        CHECK(write_sf(p, tr[k].fmt, ch, 1000, DATA_FLOAT, x, frames) == 0, "write %s",
              tr[k].name);
        struct stat sb;
        stat(p, &sb);
        CHECK(truncate(p, sb.st_size - 1001) == 0, "truncate %s", tr[k].name);
        expect_open_error(p, CRAMP_EFORMAT, tr[k].name, "truncated");
        cramp_recording *r = NULL;
        cramp_recording_open(&r, p, NULL, &err);
        CHECK(strstr(err.message, tr[k].field) && strstr(err.message, "expected"),
              "%s: message names the field and what was expected: %s", tr[k].name, err.message);
        cramp_recording_close(r);
    }
    /* FLAC: the decoder loses sync where the file ends. */
    {
        test_rng rng = {SEED + 3};
        int32_t *w = malloc(frames * (size_t)ch * sizeof *w);
        for (size_t i = 0; i < frames * (size_t)ch; i++)
            w[i] = (int32_t)((test_rng_uniform(&rng) - 0.5) * 4e9);
        const char *p = tpath("trunc.flac");
        CHECK(write_sf(p, SF_FORMAT_FLAC | SF_FORMAT_PCM_16, ch, 1000, DATA_INT, w, frames) == 0,
              "write trunc.flac");
        free(w);
        struct stat sb;
        stat(p, &sb);
        CHECK(truncate(p, sb.st_size / 2) == 0, "truncate trunc.flac");
        const cramp_status st = read_expect_fail(p, &err);
        CHECK(st == CRAMP_EIO || st == CRAMP_EFORMAT, "truncated FLAC: status %d", (int)st);
        CHECK(strstr(err.message, p) != NULL, "truncated FLAC names the file: %s", err.message);
    }
    /* A WAV header whose data chunk says 0 bytes with data after it: empty,
     * with a warning. */
    {
        const char *p = tpath("zero.wav");
        CHECK(write_sf(p, SF_FORMAT_WAV | SF_FORMAT_PCM_16, 1, 1000, DATA_FLOAT, x, 100) == 0,
              "write zero.wav");
        FILE *f = fopen(p, "r+b");
        unsigned char hd[256];
        const size_t nh = f ? fread(hd, 1, sizeof hd, f) : 0;
        long at = -1;
        for (size_t i = 12; i + 8 <= nh && at < 0; i++)
            if (memcmp(hd + i, "data", 4) == 0) at = (long)i + 4;
        CHECK(f && at > 0 && fseek(f, at, SEEK_SET) == 0 && fwrite("\0\0\0\0", 1, 4, f) == 4,
              "patch zero.wav");
        if (f) fclose(f);
        cramp_recording *r = NULL;
        CHECK(cramp_recording_open(&r, p, NULL, &err) == CRAMP_OK, "zero.wav: %s", err.message);
        if (r) {
            const cramp_rec_header *h = cramp_recording_header(r);
            int warned = 0;
            for (size_t i = 0; i < h->n_warnings; i++)
                if (strstr(h->warnings[i], "data chunk size 0")) warned = 1;
            CHECK(h->duration_s == 0.0 && warned, "zero.wav: duration %g, warned %d",
                  h->duration_s, warned);
            cramp_recording_close(r);
        }
    }

    /* Empty, a directory, missing, not audio, a bad full scale. */
    const char *empty = tpath("empty.wav");
    FILE *f = fopen(empty, "wb");
    if (f) fclose(f);
    expect_open_error(empty, CRAMP_EFORMAT, "empty file", "empty");
    expect_open_error(g_dir, CRAMP_EIO, "directory", "directory");
    expect_open_error(tpath("missing.wav"), CRAMP_EIO, "missing file", "No such file");
    const char *text = tpath("text.wav");
    f = fopen(text, "wb");
    if (f) {
        fputs("this is not a recording, only some text\n", f);
        fclose(f);
    }
    expect_open_error(text, CRAMP_EFORMAT, "text file", NULL);
    const char *good = tpath("rt_WAV_PCM_16.wav");
    for (int k = 0; k < 3; k++) {
        cramp_recording_options opt;
        cramp_recording_options_default(&opt);
        opt.wav_full_scale_uv = k == 0 ? -1.0 : k == 1 ? (double)NAN : (double)INFINITY;
        cramp_recording *r = NULL;
        CHECK(cramp_recording_open(&r, good, &opt, &err) == CRAMP_EINVAL && r == NULL &&
                  strstr(err.message, "full scale"),
              "full scale %g refused: %s", opt.wav_full_scale_uv, err.message);
    }
    free(x);
    free(d);
}

/* ---- the real recordings ------------------------------------------------------ */

static int test_real(void)
{
    static const struct { const char *name; int ch; int fs; long long frames; } files[] = {
        {"wav/kmiddleton_pulse_1.wav", 1, 44100, 94208},
        {"wav/kmiddleton_pulse_max.wav", 1, 44100, 70144},
        {"wav/kmiddleton_amp_off.wav", 1, 44100, -1},
        {"wav/kmiddleton_amp_on_baseline.wav", 1, 44100, -1},
        {"wav/wfdb_SC4001E0-PSG.wav", 7, 1, 79500},
    };
    int seen = 0;
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        const char *p = test_shared_path(files[i].name);
        if (!p) continue;
        char path[4096];
        snprintf(path, sizeof path, "%s", p);
        seen++;
        cramp_recording *r = NULL;
        cramp_error err = {0};
        CHECK(cramp_recording_open(&r, path, NULL, &err) == CRAMP_OK, "%s: %s", files[i].name,
              err.message);
        if (!r) continue;
        const cramp_rec_header *h = cramp_recording_header(r);
        CHECK(h->n_channels == (size_t)files[i].ch && h->channels[0].fs == files[i].fs,
              "%s: %zu channels at %g Hz", files[i].name, h->n_channels, h->channels[0].fs);
        cramp_recording_close(r);
        /* Against libsndfile's integer reading: every value is k / 32768. */
        SF_INFO info;
        memset(&info, 0, sizeof info);
        SNDFILE *sf = sf_open(path, SFM_READ, &info);
        CHECK(sf != NULL, "%s: libsndfile", files[i].name);
        if (!sf) continue;
        const size_t n = (size_t)info.frames * (size_t)info.channels;
        short *s = malloc(n * sizeof *s);
        CHECK(sf_readf_short(sf, s, info.frames) == info.frames, "%s: sf_readf_short",
              files[i].name);
        sf_close(sf);
        float *got = NULL;
        size_t nf = 0;
        CHECK(read_file(path, 0.0, NULL, 0, 4096, &got, &nf, &err) == CRAMP_OK, "%s: read: %s",
              files[i].name, err.message);
        if (files[i].frames >= 0)
            CHECK((long long)nf == files[i].frames, "%s: %zu frames, manifest says %lld",
                  files[i].name, nf, files[i].frames);
        CHECK(nf == (size_t)info.frames, "%s: %zu frames, libsndfile %lld", files[i].name, nf,
              (long long)info.frames);
        size_t bad = 0;
        for (size_t k = 0; got && k < n && k < nf * (size_t)info.channels; k++)
            if (got[k] != (float)s[k] / 32768.0f) bad++;
        CHECK(bad == 0, "%s: %zu values differ from libsndfile's", files[i].name, bad);
        free(got);
        free(s);
    }
    if (!seen) {
        printf("wav_real: no ../shared/data/wav: skipped\n");
        return CRAMP_TEST_SKIP;
    }
    printf("wav_real: %d recordings\n", seen);
    return cramp_test_finish("wav_real");
}

/* ---- fuzz inputs --------------------------------------------------------------- */

/* What fuzz/fuzz_wav.c does with one input; returns the status of open, or
 * of the first failing read. */
static cramp_status replay(const char *path, size_t *frames_out)
{
    cramp_recording *r = NULL;
    cramp_error err = {0};
    cramp_status st = cramp_recording_open(&r, path, NULL, &err);
    *frames_out = 0;
    if (st != CRAMP_OK) return st;
    const cramp_rec_header *h = cramp_recording_header(r);
    size_t *sel = malloc(h->n_channels * sizeof *sel), n = 0;
    for (size_t c = 0; c < h->n_channels; c++)
        if (!h->channels[c].is_annotation && h->channels[c].fs == h->channels[0].fs) sel[n++] = c;
    float *buf = malloc((n ? n : 1) * 1024 * sizeof *buf);
    st = cramp_recording_select(r, sel, n, &err);
    size_t got = 0;
    while (st == CRAMP_OK) {
        st = cramp_recording_read(r, buf, 1024, &got, &err);
        if (got == 0) break;
        *frames_out += got;
    }
    if (st == CRAMP_OK && n > 1) {
        const size_t first = sel[0];
        sel[0] = sel[n - 1];
        sel[n - 1] = first;
        st = cramp_recording_select(r, sel, n - 1, &err);
        while (st == CRAMP_OK) {
            st = cramp_recording_read(r, buf, 1024, &got, &err);
            if (got == 0) break;
        }
    }
    free(buf);
    free(sel);
    cramp_recording_close(r);
    return st;
}

/* The seed corpus (valid files: each must read) and the regression inputs
 * (fuzz finds: each must fail or succeed cleanly, which the sanitizer builds
 * and valgrind check). */
static void test_fuzz_inputs(void)
{
    static const char *const seeds[] = {"pcm16_2ch.wav",   "float_3ch.wav",   "u8_1ch.wav",
                                        "pcm24_2ch.w64",   "double_2ch.rf64", "pcm32_4ch_wavex.wav",
                                        "pcm16_bext.wav",  "flac16_2ch.flac", "rifx_pcm16.wav"};
    for (size_t i = 0; i < sizeof seeds / sizeof seeds[0]; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", CRAMP_FUZZ_CORPUS_DIR, seeds[i]);
        size_t frames = 0;
        const cramp_status st = replay(path, &frames);
        CHECK(st == CRAMP_OK && frames >= 4, "seed %s: status %d, %zu frames", seeds[i], (int)st,
              frames);
    }
    DIR *d = opendir(CRAMP_FUZZ_REGRESS_DIR);
    size_t n = 0;
    if (d) {
        struct dirent *e;
        while ((e = readdir(d))) {
            if (e->d_name[0] == '.') continue;
            char path[1024];
            snprintf(path, sizeof path, "%s/%s", CRAMP_FUZZ_REGRESS_DIR, e->d_name);
            size_t frames = 0;
            (void)replay(path, &frames);
            n++;
        }
        closedir(d);
    }
    printf("fuzz inputs: %zu seeds, %zu regression inputs replayed\n",
           sizeof seeds / sizeof seeds[0], n);
}

/* Removes every file in g_dir, then g_dir. */
static void cleanup(void)
{
    static const char *const names[] = {"sel.wav", "bext.wav", "nan.wav", "inf.w64", "big.wav",
                                        "trunc.wav", "trunc.w64", "trunc.rf64", "trunc.flac",
                                        "zero.wav", "empty.wav", "text.wav"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) unlink(tpath(names[i]));
    for (size_t ci = 0; ci < sizeof CONTAINERS / sizeof CONTAINERS[0]; ci++)
        for (size_t si = 0; si < sizeof SUBTYPES / sizeof SUBTYPES[0]; si++) {
            char name[64];
            snprintf(name, sizeof name, "rt_%s_%s.%s", CONTAINERS[ci].name, SUBTYPES[si].name,
                     CONTAINERS[ci].ext);
            unlink(tpath(name));
        }
    if (rmdir(g_dir) != 0) fprintf(stderr, "note: %s left: %s\n", g_dir, strerror(errno));
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--real") == 0) return test_real();
    const char *tmp = getenv("TMPDIR");
    snprintf(g_dir, sizeof g_dir, "%s/cramp-wav-XXXXXX", tmp && strlen(tmp) < 40 ? tmp : "/tmp");
    if (!mkdtemp(g_dir)) {
        perror("mkdtemp");
        return 1;
    }
    test_round_trip();
    test_selection();
    test_bext();
    test_bad_input();
    test_fuzz_inputs();
    cleanup();
    return cramp_test_finish("wav");
}
