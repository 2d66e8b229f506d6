/* SPDX-License-Identifier: GPL-3.0-or-later */
/* EDF+/BDF+ writing: the streaming writer's output read back by our reader
 * and by EDFlib (when found) - header, samples within half a quantisation
 * step, clipping, padding of the last record, annotations (many more than the
 * reserved space, so close rewrites the file; UTF-8; channel as
 * "text@@channel"); channels at different rates (written record by record,
 * read back at each rate), write_signals and write_file against write, the
 * misuses refused; cramp_edf_copy_annotated on shared files (EDF+C, EDF+D,
 * plain EDF, BDF, sub-second start): data bit-identical to the source,
 * segments kept, annotations merged; atomicity: abort, a failed write, a
 * failed copy leave no file and no temporary, and an existing destination
 * untouched. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "edf_testutil.h"

static char dir[256];

static size_t files_in_dir(void)
{
    DIR *d = opendir(dir);
    size_t n = 0;
    struct dirent *de;
    while (d && (de = readdir(d)))
        if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0) n++;
    if (d) closedir(d);
    return n;
}

static int exists(const char *p)
{
    struct stat sb;
    return stat(p, &sb) == 0;
}

static const char *out_path(const char *name)
{
    static char p[512];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    return p;
}

/* 1 if got is within half a quantisation step q of want clipped to +-lim
 * (and the float rounding of the reading). */
static int within_step(float got, double want, double lim, double q)
{
    want = want > lim ? lim : want < -lim ? -lim : want;
    return fabs((double)got - want) <= 0.5 * q * (1 + 1e-6) + lim * (double)FLT_EPSILON;
}

/* EDFlib, when the build found it, reads path as r does. */
static void check_edflib(const char *path, cramp_recording *r, const char *what)
{
#ifdef CRAMP_HAVE_EDFLIB
    int code = 0;
    CHECK(edft_compare_edflib(path, r, &code), "EDFlib refuses our %s (error %d)", what, code);
#else
    (void)path;
    (void)r;
    (void)what;
#endif
}

#define CH 3
#define FS 512.0

static void write_read(int bdf)
{
    const char *path = out_path(bdf ? "w.bdf" : "w.edf");
    static const char *const labels[CH] = {"EMG tib ant", "EMG gastroc", "\xc2\xb5 test"};
    cramp_edf_write_config cfg;
    cramp_edf_write_config_default(&cfg);
    cfg.bdf = bdf;
    cfg.channels = CH;
    cfg.labels = labels;
    cfg.unit = "\xc2\xb5V";
    cfg.fs = FS;
    cfg.record_duration_s = 0.5;
    cfg.phys_min = -2000;
    cfg.phys_max = 2000;
    cfg.prefilter = "HP:20Hz LP:450Hz";
    cfg.recording = "cramp test";
    cfg.year = 2024;
    cfg.month = 2;
    cfg.day = 29;
    cfg.hour = 23;
    cfg.minute = 59;
    cfg.second = 58;
    cramp_edf_writer *w = NULL;
    cramp_error err = {0};
    CHECK(cramp_edf_writer_create(&w, path, &cfg, &err) == CRAMP_OK, "create: %s", err.message);
    if (!w) return;
    CHECK(!exists(path), "destination exists before close");
    /* 10.3 s: the last record is padded */
    const size_t frames = (size_t)(10.3 * FS);
    float *x = malloc(frames * CH * sizeof *x);
    test_rng rng = {(uint64_t)0xedf0 + (uint64_t)bdf};
    for (size_t i = 0; i < frames * CH; i++)
        x[i] = (float)(700.0 * test_rng_normal(&rng));
    x[5 * CH] = 5000.0f; /* clipped */
    x[6 * CH + 1] = -1e9f;
    for (size_t off = 0; off < frames;) {
        const size_t n = off + 333 > frames ? frames - off : 333;
        CHECK(cramp_edf_writer_write(w, x + off * CH, n, &err) == CRAMP_OK, "write: %s",
              err.message);
        off += n;
    }
    /* 300 annotations: far more than the space reserved per record */
    char text[64];
    size_t n_ann = 0;
    for (size_t k = 0; k < 300; k++) {
        snprintf(text, sizeof text, "cramp %zu \xe6\x8a\xbd\xe7\xad\x8b", k);
        cramp_annotation a = {0.01 + 0.033 * (double)k, k % 3 ? 0.25 * (double)k : -1.0, text,
                              k % 5 == 0 ? "EMG gastroc" : NULL};
        CHECK(cramp_edf_writer_annotate(w, &a, &err) == CRAMP_OK, "annotate: %s", err.message);
        n_ann++;
    }
    CHECK(cramp_edf_writer_close(w, &err) == CRAMP_OK, "close: %s", err.message);
    CHECK(files_in_dir() == 1, "%zu files in the folder after close", files_in_dir());

    cramp_recording *r = NULL;
    CHECK(cramp_recording_open(&r, path, NULL, &err) == CRAMP_OK, "reopen: %s", err.message);
    if (!r) {
        free(x);
        return;
    }
    const cramp_rec_header *h = cramp_recording_header(r);
    CHECK(h->format == (bdf ? CRAMP_REC_BDFPLUS_C : CRAMP_REC_EDFPLUS_C), "format %s",
          cramp_rec_format_name(h->format));
    CHECK(h->n_warnings == 0, "%zu warnings: %s", h->n_warnings,
          h->n_warnings ? h->warnings[0] : "");
    CHECK(h->n_channels == CH + 1 && h->channels[CH].is_annotation, "signals");
    CHECK(h->start_valid && h->year == 2024 && h->month == 2 && h->day == 29 && h->hour == 23 &&
              h->second == 58 && h->start_subsecond == 0,
          "start");
    CHECK(strncmp(h->recording, "Startdate 29-FEB-2024 X X X cramp test", 38) == 0,
          "recording '%s'", h->recording);
    CHECK(strcmp(h->patient, "X X X X") == 0, "patient '%s'", h->patient);
    CHECK(h->record_duration_s == 0.5 && h->n_records == 21, "records %zu x %g", h->n_records,
          h->record_duration_s);
    CHECK(strcmp(h->channels[2].label, "u test") == 0, "label '%s'", h->channels[2].label);
    for (size_t c = 0; c < CH; c++) {
        CHECK(h->channels[c].fs == FS && strcmp(h->channels[c].file_unit, "uV") == 0 &&
                  strcmp(h->channels[c].prefilter, "HP:20Hz LP:450Hz") == 0,
              "channel %zu header", c);
    }
    const size_t all[CH] = {0, 1, 2};
    size_t got = 0;
    float *y = edft_read_all(r, all, CH, 1000, &got);
    CHECK(got == 21 * 256, "%zu frames read back", got);
    const double q = 4000.0 / (bdf ? 16777215.0 : 65535.0); /* quantisation step */
    size_t bad = 0;
    for (size_t i = 0; y && i < got; i++) {
        for (size_t c = 0; c < CH; c++) {
            const double want =
                i < frames ? (double)x[i * CH + c] : (double)x[(frames - 1) * CH + c];
            if (!within_step(y[i * CH + c], want, 2000, q))
                if (bad++ < 3)
                    fprintf(stderr, "frame %zu ch %zu: %.9g vs %.9g\n", i, c, (double)y[i * CH + c],
                            want);
        }
    }
    CHECK(bad == 0, "%zu samples beyond half a quantisation step (%.3g uV)", bad, q);
    free(y);
    CHECK(h->n_annotations == n_ann, "%zu annotations read back of %zu", h->n_annotations, n_ann);
    size_t ann_bad = 0;
    for (size_t k = 0; k < h->n_annotations && k < n_ann; k++) {
        const cramp_annotation *a = &h->annotations[k];
        /* written sorted by onset: annotation k is the k-th made */
        char want[96];
        snprintf(want, sizeof want, "cramp %zu \xe6\x8a\xbd\xe7\xad\x8b%s", k,
                 k % 5 == 0 ? "@@EMG gastroc" : "");
        const double dur = k % 3 ? 0.25 * (double)k : -1.0;
        if (strcmp(a->text, want) != 0 || fabs(a->onset_s - (0.01 + 0.033 * (double)k)) > 1e-7 ||
            (dur < 0 ? a->duration_s >= 0 : fabs(a->duration_s - dur) > 1e-7))
            if (ann_bad++ < 3)
                fprintf(stderr, "annotation %zu: '%s' %.9f %.9f\n", k, a->text, a->onset_s,
                        a->duration_s);
    }
    CHECK(ann_bad == 0, "%zu annotations differ", ann_bad);
    check_edflib(path, r, bdf ? "BDF+" : "EDF+");
    cramp_recording_close(r);
    unlink(path);
    free(x);
}

/* The defaults, one channel "x" at fs. */
static void config_one(cramp_edf_write_config *cfg, double fs)
{
    static const char *const labels[1] = {"x"};
    cramp_edf_write_config_default(cfg);
    cfg->channels = 1;
    cfg->labels = labels;
    cfg->fs = fs;
}

/* An annotation without frames (cfg with 1-s records, unknown start): one
 * record of physical zero holds it, each channel its own samples per record. */
static void annotation_only(const cramp_edf_write_config *cfg, const char *path)
{
    cramp_edf_writer *w = NULL;
    cramp_error err = {0};
    CHECK(cramp_edf_writer_create(&w, path, cfg, &err) == CRAMP_OK, "create: %s", err.message);
    const cramp_annotation a = {0.5, 1.0, "one", NULL};
    CHECK(cramp_edf_writer_annotate(w, &a, &err) == CRAMP_OK, "annotate");
    CHECK(cramp_edf_writer_close(w, &err) == CRAMP_OK, "close: %s", err.message);
    cramp_recording *r = NULL;
    CHECK(cramp_recording_open(&r, path, NULL, &err) == CRAMP_OK, "open: %s", err.message);
    if (r) {
        const cramp_rec_header *h = cramp_recording_header(r);
        CHECK(h->n_records == 1 && h->n_annotations == 1 &&
                  strcmp(h->annotations[0].text, "one") == 0,
              "annotation without frames: %zu records", h->n_records);
        CHECK(strcmp(h->recording, "Startdate X X X X") == 0, "unknown start: '%s'", h->recording);
        for (size_t c = 0; c < cfg->channels; c++) {
            const double fs = cfg->channel_fs ? cfg->channel_fs[c] : cfg->fs;
            size_t n = 0, nz = 0;
            float *v = edft_read_all(r, &c, 1, 64, &n);
            for (size_t i = 0; v && i < n; i++)
                nz += fabsf(v[i]) > 0.1f;
            CHECK(n == (size_t)fs && nz == 0, "padding record, channel %zu: %zu frames, %zu not ~0",
                  c, n, nz);
            free(v);
        }
        cramp_recording_close(r);
    }
    unlink(path);
}

/* Few annotations (they fit the reserved space: no rewrite), one record of
 * zeros for annotations without frames, and argument errors. */
static void writer_small_cases(void)
{
    const char *path = out_path("small.edf");
    cramp_edf_write_config cfg;
    config_one(&cfg, 100);
    annotation_only(&cfg, path);
    cramp_edf_writer *w = NULL;
    cramp_error err = {0};

    /* argument errors: nothing created */
    cramp_edf_write_config bad = cfg;
    bad.fs = 100.5; /* x 1 s is not whole */
    CHECK(cramp_edf_writer_create(&w, path, &bad, &err) == CRAMP_EINVAL && !w &&
              strstr(err.message, "samples per record"),
          "fractional samples per record: %s", err.message);
    bad = cfg;
    bad.phys_min = bad.phys_max;
    CHECK(cramp_edf_writer_create(&w, path, &bad, &err) == CRAMP_EINVAL, "empty physical range");
    bad = cfg;
    bad.phys_max = 1e12;
    CHECK(cramp_edf_writer_create(&w, path, &bad, &err) == CRAMP_EINVAL &&
              strstr(err.message, "8 characters"),
          "physical maximum too wide: %s", err.message);
    static const char *const long_label[1] = {"a label of more than sixteen"};
    bad = cfg;
    bad.labels = long_label;
    CHECK(cramp_edf_writer_create(&w, path, &bad, &err) == CRAMP_EINVAL, "long label");
    bad = cfg;
    bad.record_duration_s = 1.0 / 3.0;
    bad.fs = 300;
    CHECK(cramp_edf_writer_create(&w, path, &bad, &err) == CRAMP_EINVAL &&
              strstr(err.message, "record duration"),
          "record duration not exact in 8 characters: %s", err.message);
    CHECK(files_in_dir() == 0, "files left after argument errors");
}

/* Channels at different rates (cramp_edf_config.channel_fs): whole records
 * written channel by channel (cramp_edf_writer_write_signals) in blocks of
 * 1, 3 and the rest, with annotations (EDF+/BDF+; plain EDF/BDF refuses
 * them); read back by our reader (each channel's rate, samples per record
 * and every sample within half a quantisation step) and by EDFlib when
 * found; labels NULL name the channels ch1.. */
#define MR_CH 4
static void multi_rate(int bdf, int plain)
{
    const char *path = out_path(bdf ? "mr.bdf" : "mr.edf");
    static const double rates[MR_CH] = {2000, 512, 100, 2000};
    const double rd = 0.5;
    const size_t records = 23;
    cramp_edf_write_config cfg;
    cramp_edf_write_config_default(&cfg);
    cfg.bdf = bdf;
    cfg.plain = plain;
    cfg.channels = MR_CH;
    cfg.channel_fs = rates;
    cfg.fs = 0; /* not used with channel_fs */
    cfg.record_duration_s = rd;
    cfg.phys_min = -1500;
    cfg.phys_max = 1500;
    cfg.year = 2025;
    cfg.month = 7;
    cfg.day = 1;
    float *x[MR_CH];
    size_t spr[MR_CH];
    test_rng rng = {(uint64_t)0x3a7e + (uint64_t)bdf};
    for (size_t c = 0; c < MR_CH; c++) {
        spr[c] = (size_t)(rates[c] * rd);
        x[c] = malloc(records * spr[c] * sizeof *x[c]);
        for (size_t i = 0; x[c] && i < records * spr[c]; i++)
            x[c][i] = (float)(400.0 * test_rng_normal(&rng) + 100.0 * (double)c);
    }
    x[2][7] = 1e6f; /* clipped */
    cramp_edf_writer *w = NULL;
    cramp_error err = {0};
    CHECK(cramp_edf_writer_create(&w, path, &cfg, &err) == CRAMP_OK, "multi-rate create: %s",
          err.message);
    if (!w) goto out;
    static const size_t blocks[] = {1, 3, 0};
    for (size_t b = 0, done = 0; b < 3 && done < records; b++) {
        const size_t n = blocks[b] ? blocks[b] : records - done;
        const float *at[MR_CH];
        for (size_t c = 0; c < MR_CH; c++)
            at[c] = x[c] + done * spr[c];
        CHECK(cramp_edf_writer_write_signals(w, at, n, &err) == CRAMP_OK, "write_signals: %s",
              err.message);
        done += n;
    }
    const cramp_annotation a1 = {0.3, 2.0, "cramp", "ch2"}, a2 = {10.9, -1, "end", NULL};
    if (plain) {
        CHECK(cramp_edf_writer_annotate(w, &a1, &err) == CRAMP_EINVAL &&
                  strstr(err.message, "annotation 'cramp'") &&
                  strstr(err.message, "no annotation signal"),
              "annotation on a plain file: %s", err.message);
    } else {
        CHECK(cramp_edf_writer_annotate(w, &a1, &err) == CRAMP_OK, "annotate");
        CHECK(cramp_edf_writer_annotate(w, &a2, &err) == CRAMP_OK, "annotate");
    }
    CHECK(cramp_edf_writer_close(w, &err) == CRAMP_OK, "multi-rate close: %s", err.message);
    CHECK(files_in_dir() == 1, "%zu files after close", files_in_dir());

    cramp_recording *r = NULL;
    CHECK(cramp_recording_open(&r, path, NULL, &err) == CRAMP_OK, "multi-rate open: %s",
          err.message);
    if (!r) goto out;
    const cramp_rec_header *h = cramp_recording_header(r);
    const cramp_rec_format fmt = plain ? (bdf ? CRAMP_REC_BDF : CRAMP_REC_EDF)
                                       : (bdf ? CRAMP_REC_BDFPLUS_C : CRAMP_REC_EDFPLUS_C);
    CHECK(h->format == fmt && h->n_warnings == 0, "multi-rate: format %s, %zu warnings",
          cramp_rec_format_name(h->format), h->n_warnings);
    CHECK(plain ? h->n_channels == MR_CH
                : h->n_channels == MR_CH + 1 && h->channels[MR_CH].is_annotation,
          "multi-rate signals: %zu", h->n_channels);
    CHECK(h->n_records == records && h->record_duration_s == rd, "multi-rate records %zu x %g",
          h->n_records, h->record_duration_s);
    CHECK(plain ? h->n_annotations == 0
                : h->n_annotations == 2 && strcmp(h->annotations[0].text, "cramp@@ch2") == 0 &&
                      fabs(h->annotations[1].onset_s - 10.9) < 1e-7,
          "multi-rate annotations: %zu", h->n_annotations);
    CHECK(!plain || (strcmp(h->patient, "") == 0 && strcmp(h->recording, "") == 0),
          "plain: patient '%s', recording '%s' (NULL: blank)", h->patient, h->recording);
    const double q = 3000.0 / (bdf ? 16777215.0 : 65535.0);
    for (size_t c = 0; c < MR_CH && c < h->n_channels; c++) {
        const cramp_channel_info *ci = &h->channels[c];
        char name[8];
        snprintf(name, sizeof name, "ch%zu", c + 1);
        CHECK(strcmp(ci->label, name) == 0, "label %zu '%s', expected '%s'", c, ci->label, name);
        CHECK(ci->fs == rates[c] && ci->samples_per_record == spr[c],
              "channel %zu: %g Hz, %zu per record; expected %g, %zu", c, ci->fs,
              ci->samples_per_record, rates[c], spr[c]);
        size_t got = 0;
        float *y = edft_read_all(r, &c, 1, 1000, &got);
        CHECK(got == records * spr[c], "channel %zu: %zu samples read back of %zu", c, got,
              records * spr[c]);
        size_t bad = 0;
        for (size_t i = 0; y && i < got && i < records * spr[c]; i++) {
            if (!within_step(y[i], (double)x[c][i], 1500, q))
                if (bad++ < 3)
                    fprintf(stderr, "channel %zu sample %zu: %.9g vs %.9g\n", c, i,
                            (double)y[i], (double)x[c][i]);
        }
        CHECK(bad == 0, "channel %zu: %zu samples beyond half a quantisation step", c, bad);
        free(y);
    }
    check_edflib(path, r, plain ? (bdf ? "multi-rate BDF" : "multi-rate EDF")
                                : (bdf ? "multi-rate BDF+" : "multi-rate EDF+"));
    cramp_recording_close(r);
out:
    unlink(path);
    for (size_t c = 0; c < MR_CH; c++)
        free(x[c]);
}

/* The bytes of a file (malloc'd), its size in *n. */
static unsigned char *slurp(const char *path, size_t *n)
{
    *n = 0;
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 1 << 16;
    unsigned char *b = malloc(cap);
    size_t k;
    while (b && (k = fread(b + *n, 1, cap - *n, f)) > 0) {
        *n += k;
        if (*n == cap) {
            unsigned char *g = realloc(b, cap *= 2);
            if (!g) {
                free(b);
                b = NULL;
            }
            b = g;
        }
    }
    fclose(f);
    return b;
}

/* One rate: write_signals and write give the same bytes (and so does
 * cramp_edf_write_file, with channel_fs naming the same rate for every
 * channel); the mixes and misuses the API refuses, each naming what it
 * expected, leave nothing on disk. */
static void multi_rate_cases(void)
{
    enum { C2 = 2, SPR = 50, REC = 7 };
    static const char *const labels[C2] = {"L", "R"};
    static const double same[C2] = {SPR, SPR};
    float sig[C2][REC * SPR], frames[REC * SPR * C2];
    for (size_t i = 0; i < REC * SPR; i++)
        for (size_t c = 0; c < C2; c++) {
            sig[c][i] = (float)(300.0 * sin(0.01 * (double)(i * (c + 1))));
            frames[i * C2 + c] = sig[c][i];
        }
    cramp_edf_write_config cfg;
    cramp_edf_write_config_default(&cfg);
    cfg.channels = C2;
    cfg.labels = labels;
    cfg.fs = SPR; /* 1-s records */
    cramp_error err = {0};
    char a[600], b[600], c3[600];
    snprintf(a, sizeof a, "%s", out_path("by_frames.edf"));
    snprintf(b, sizeof b, "%s", out_path("by_signals.edf"));
    snprintf(c3, sizeof c3, "%s", out_path("one_call.edf"));
    CHECK(cramp_edf_write_file(a, &cfg, frames, REC * SPR, &err) == CRAMP_OK, "write_file: %s",
          err.message);
    cramp_edf_writer *w = NULL;
    CHECK(cramp_edf_writer_create(&w, b, &cfg, &err) == CRAMP_OK, "create: %s", err.message);
    const float *p[C2] = {sig[0], sig[1]};
    CHECK(cramp_edf_writer_write_signals(w, p, REC, &err) == CRAMP_OK, "write_signals: %s",
          err.message);
    CHECK(cramp_edf_writer_close(w, &err) == CRAMP_OK, "close: %s", err.message);
    cramp_edf_write_config per = cfg;
    per.channel_fs = same;
    per.fs = 0;
    CHECK(cramp_edf_write_file(c3, &per, frames, REC * SPR, &err) == CRAMP_OK,
          "write_file, channel_fs all 50 Hz: %s", err.message);
    size_t na = 0, nb = 0, nc = 0;
    unsigned char *fa = slurp(a, &na), *fb = slurp(b, &nb), *fc = slurp(c3, &nc);
    CHECK(fa && fb && na == nb && memcmp(fa, fb, na) == 0,
          "write_signals and write differ (%zu and %zu bytes)", na, nb);
    CHECK(fa && fc && na == nc && memcmp(fa, fc, na) == 0,
          "channel_fs of one rate and fs differ (%zu and %zu bytes)", na, nc);
    free(fa);
    free(fb);
    free(fc);
    unlink(a);
    unlink(b);
    unlink(c3);

    /* a rate that makes no whole number of samples per record: the channel,
     * its label, the field and the expected range named; nothing created */
    static const double odd[C2] = {SPR, 333.3};
    per.channel_fs = odd;
    CHECK(cramp_edf_writer_create(&w, a, &per, &err) == CRAMP_EINVAL && !w &&
              strstr(err.message, "channel 1 ('R')") && strstr(err.message, "channel_fs 333.3") &&
              strstr(err.message, "whole number"),
          "fractional channel rate: %s", err.message);
    static const double neg[C2] = {NAN, SPR};
    per.channel_fs = neg;
    CHECK(cramp_edf_writer_create(&w, a, &per, &err) == CRAMP_EINVAL && !w &&
              strstr(err.message, "channel 0 ('L')"),
          "NaN channel rate: %s", err.message);
    CHECK(files_in_dir() == 0, "files left after refused rates");

    /* two rates: interleaved frames refused (the channel that differs
     * named), and close then fails and leaves nothing */
    static const double two[C2] = {SPR, SPR / 2};
    per.channel_fs = two;
    CHECK(cramp_edf_writer_create(&w, a, &per, &err) == CRAMP_OK, "create two rates: %s",
          err.message);
    CHECK(cramp_edf_writer_write(w, frames, 10, &err) == CRAMP_EINVAL &&
              strstr(err.message, "channel 1 has 25 samples per data record") &&
              strstr(err.message, "write_signals"),
          "interleaved frames at two rates: %s", err.message);
    CHECK(cramp_edf_writer_close(w, &err) != CRAMP_OK, "close after a refused write");
    CHECK(cramp_edf_write_file(a, &per, frames, 10, &err) == CRAMP_EINVAL, "write_file, two rates");
    /* a NaN in a signal: channel and sample named */
    CHECK(cramp_edf_writer_create(&w, a, &per, &err) == CRAMP_OK, "create two rates: %s",
          err.message);
    sig[1][60] = NAN;
    CHECK(cramp_edf_writer_write_signals(w, p, 3, &err) == CRAMP_EINVAL &&
              strstr(err.message, "NaN in channel 1, sample 60"),
          "NaN in write_signals: %s", err.message);
    cramp_edf_writer_abort(w);
    sig[1][60] = 0;
    /* write_signals with frames of a record pending */
    CHECK(cramp_edf_writer_create(&w, a, &cfg, &err) == CRAMP_OK, "create: %s", err.message);
    CHECK(cramp_edf_writer_write(w, frames, 30, &err) == CRAMP_OK, "write 30 frames");
    CHECK(cramp_edf_writer_write_signals(w, p, 1, &err) == CRAMP_EINVAL &&
              strstr(err.message, "30 frames of a data record of 50 are pending"),
          "write_signals mid-record: %s", err.message);
    CHECK(cramp_edf_writer_close(w, &err) != CRAMP_OK, "close after a refused write_signals");
    CHECK(files_in_dir() == 0, "%zu files left after refused writes", files_in_dir());

    /* annotations without data at two rates */
    annotation_only(&per, a);
    CHECK(files_in_dir() == 0, "%zu files left", files_in_dir());
}

/* A failed or abandoned output leaves nothing, and an existing destination
 * as it was. */
static void atomicity(void)
{
    const char *path = out_path("keep.edf");
    FILE *f = fopen(path, "wb");
    fputs("previous content", f);
    fclose(f);
    cramp_edf_write_config cfg;
    config_one(&cfg, 10);
    cramp_edf_writer *w = NULL;
    cramp_error err = {0};
    float v[20];
    for (int i = 0; i < 20; i++)
        v[i] = (float)i;
    /* abort */
    CHECK(cramp_edf_writer_create(&w, path, &cfg, &err) == CRAMP_OK, "create");
    CHECK(cramp_edf_writer_write(w, v, 20, &err) == CRAMP_OK, "write");
    CHECK(files_in_dir() == 2, "temporary beside the destination");
    cramp_edf_writer_abort(w);
    /* a failing write (NaN): close fails, removes the temporary */
    CHECK(cramp_edf_writer_create(&w, path, &cfg, &err) == CRAMP_OK, "create");
    v[7] = NAN;
    CHECK(cramp_edf_writer_write(w, v, 20, &err) == CRAMP_EINVAL && strstr(err.message, "NaN"),
          "NaN: %s", err.message);
    CHECK(cramp_edf_writer_close(w, &err) != CRAMP_OK, "close after a failed write");
    /* a copy from a malformed source */
    char src[512];
    snprintf(src, sizeof src, "%s/src.edf", dir);
    f = fopen(src, "wb");
    char hdr[256];
    memset(hdr, ' ', sizeof hdr);
    memcpy(hdr, "0", 1);
    fwrite(hdr, 1, sizeof hdr, f); /* "number of signals" blank */
    fclose(f);
    const cramp_annotation a = {1, -1, "x", NULL};
    CHECK(cramp_edf_copy_annotated(src, path, &a, 1, &err) == CRAMP_EFORMAT &&
              strstr(err.message, "number of signals"),
          "copy from a bad source: %s", err.message);
    unlink(src);
    /* destination folder missing */
    char nowhere[600];
    snprintf(nowhere, sizeof nowhere, "%s/no/such/dir/out.edf", dir);
    CHECK(cramp_edf_writer_create(&w, nowhere, &cfg, &err) == CRAMP_EIO && !w &&
              strstr(err.message, nowhere),
          "missing folder: %s", err.message);

    char buf[64] = {0};
    f = fopen(path, "rb");
    CHECK(f && fread(buf, 1, sizeof buf - 1, f) > 0 && strcmp(buf, "previous content") == 0,
          "existing destination changed: '%s'", buf);
    if (f) fclose(f);
    CHECK(files_in_dir() == 1, "%zu files left (expected only the old destination)",
          files_in_dir());
    unlink(path);
}

/* Copies a shared file with our annotations; the copy's data equal the
 * source's bit for bit, its segments too; annotations = source's + ours. */
static void copy_case(const char *rel, int expect_edflib)
{
    const char *src = test_shared_path(rel);
    CHECK(src != NULL, "%s missing", rel);
    if (!src) return;
    char src_path[1024];
    snprintf(src_path, sizeof src_path, "%s", src);
    const char *dst = out_path("copy.edf");
    cramp_recording *s = NULL, *d = NULL;
    cramp_error err = {0};
    CHECK(cramp_recording_open(&s, src_path, NULL, &err) == CRAMP_OK, "%s: %s", rel, err.message);
    if (!s) return;
    const cramp_rec_header *hs = cramp_recording_header(s);
    cramp_annotation ann[3] = {
        {0.25, 2.0, "cramp", "EMG"},
        {hs->duration_s * 0.5, -1, "fasciculation \xc3\xa9", NULL},
        {hs->duration_s - 0.125, 0.1, "end", ""},
    };
    CHECK(cramp_edf_copy_annotated(src_path, dst, ann, 3, &err) == CRAMP_OK, "%s: copy: %s", rel,
          err.message);
    CHECK(cramp_recording_open(&d, dst, NULL, &err) == CRAMP_OK, "%s: open copy: %s", rel,
          err.message);
    if (!d) {
        cramp_recording_close(s);
        return;
    }
    const cramp_rec_header *hd = cramp_recording_header(d);
    const int disc = hs->n_segments > 1 || hs->format == CRAMP_REC_EDFPLUS_D ||
                     hs->format == CRAMP_REC_BDFPLUS_D;
    const int bdf = hs->format == CRAMP_REC_BDF || hs->format == CRAMP_REC_BDFPLUS_C ||
                    hs->format == CRAMP_REC_BDFPLUS_D;
    const cramp_rec_format want = bdf ? (disc ? CRAMP_REC_BDFPLUS_D : CRAMP_REC_BDFPLUS_C)
                                      : (disc ? CRAMP_REC_EDFPLUS_D : CRAMP_REC_EDFPLUS_C);
    CHECK(hd->format == want, "%s: copy is %s", rel, cramp_rec_format_name(hd->format));
    CHECK(hd->n_channels == hs->n_channels + 1 && hd->channels[hs->n_channels].is_annotation,
          "%s: one annotation signal added", rel);
    CHECK(hd->n_records == hs->n_records && hd->n_segments == hs->n_segments &&
              fabs(hd->start_subsecond - hs->start_subsecond) < 1e-9,
          "%s: records/segments/subsecond", rel);
    for (size_t k = 0; k < hd->n_segments && k < hs->n_segments; k++)
        CHECK(fabs(hd->segments[k].onset_s - hs->segments[k].onset_s) < 1e-7,
              "%s: segment %zu onset", rel, k);
    for (size_t i = 0; i < hs->n_channels; i++) {
        if (hs->channels[i].is_annotation) continue;
        CHECK(strcmp(hs->channels[i].label, hd->channels[i].label) == 0 ||
                  hs->n_warnings > 0, /* Latin-1 labels are made ASCII */
              "%s: label %zu", rel, i);
        size_t n1 = 0, n2 = 0;
        float *a = edft_read_all(s, &i, 1, 4096, &n1), *b = edft_read_all(d, &i, 1, 4096, &n2);
        CHECK(a && b && n1 == n2 && memcmp(a, b, n1 * sizeof *a) == 0, "%s: channel %zu differs",
              rel, i);
        free(a);
        free(b);
    }
    CHECK(hd->n_annotations == hs->n_annotations + 3, "%s: %zu annotations, expected %zu + 3", rel,
          hd->n_annotations, hs->n_annotations);
    /* every annotation of the source and each of ours, once (the copy holds
     * them in record order: ours sit in the records of their onsets) */
    static const char *const texts[3] = {"cramp@@EMG", "fasciculation \xc3\xa9", "end"};
    char *used = calloc(hd->n_annotations + 1, 1);
    size_t missing = 0;
    for (size_t k = 0; k < hs->n_annotations + 3; k++) {
        const int mine = k >= hs->n_annotations;
        const char *text = mine ? texts[k - hs->n_annotations] : hs->annotations[k].text;
        const double on = mine ? ann[k - hs->n_annotations].onset_s : hs->annotations[k].onset_s;
        const double du =
            mine ? ann[k - hs->n_annotations].duration_s : hs->annotations[k].duration_s;
        size_t j = 0;
        for (; j < hd->n_annotations; j++) {
            const cramp_annotation *o = &hd->annotations[j];
            if (!used[j] && strcmp(o->text, text) == 0 && fabs(o->onset_s - on) < 1e-7 &&
                (du < 0 ? o->duration_s < 0 : fabs(o->duration_s - du) < 1e-7))
                break;
        }
        if (j < hd->n_annotations)
            used[j] = 1;
        else if (missing++ < 3)
            fprintf(stderr, "%s: annotation '%s' at %.9f not in the copy\n", rel, text, on);
    }
    CHECK(missing == 0, "%s: %zu annotations missing from the copy", rel, missing);
    free(used);
#ifdef CRAMP_HAVE_EDFLIB
    int code = 0;
    const int ok = edft_compare_edflib(dst, d, &code);
    CHECK(ok == expect_edflib, "%s: EDFlib %s the copy (error %d)", rel, ok ? "opens" : "refuses",
          code);
#else
    (void)expect_edflib;
#endif
    cramp_recording_close(d);
    cramp_recording_close(s);
    unlink(dst);
    CHECK(files_in_dir() == 0, "%s: files left", rel);
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/cramp_edf_write_XXXXXX");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    write_read(0);
    write_read(1);
    writer_small_cases();
    multi_rate(0, 0);
    multi_rate(1, 0);
    multi_rate(0, 1);
    multi_rate(1, 1);
    multi_rate_cases();
    atomicity();
    if (test_shared_path("edf")) {
        copy_case("edf/edfReader/edfPlusC.edf", 1);
        copy_case("edf/edfReader/edfAnnonC.edf", 1);
        copy_case("edf/pyedflib/test_subsecond.edf", 1);
        copy_case("edf/edfio/short_psg.edf", 1);      /* plain EDF -> EDF+C */
        copy_case("edf/pyedflib/test_legacy.edf", 1); /* plain EDF with annotations */
        copy_case("edf/EDF.jl/bdf_test.bdf", 1);      /* BDF saying EDF+C -> BDF+C */
        copy_case("edf/pyedflib/test_generator_datarec_generator_2.bdf", 1);
        copy_case("edf/wfdb-python/test_generator_2.edf", 1); /* Latin-1 unit made ASCII */
        copy_case("edf/EDF.jl/test_uneven_samp.edf", 1);      /* invalid date */
        /* EDFlib reads no EDF+D */
        copy_case("edf/edfReader/edfPlusD.edf", 0);
        copy_case("edf/edfReader/v1.0.0/bdfPlusD.bdf", 0);
    } else {
        printf("edf_write: ../shared/data absent, copies of real files skipped\n");
    }
    rmdir(dir);
    return cramp_test_finish("edf_write");
}
