/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The EDF reader's mapped windows (io/edf_decode.c) against its pread path:
 * a file of several windows (nine signals: the eight-signal kernel and the
 * rest) read both ways in uneven pieces, with a subset of the signals and a
 * seek back, gives the same floats; and a file that shrinks between read
 * calls, inside the window already mapped, ends in the reader's error for
 * the first record it no longer holds, as through pread, without touching
 * the mapping past the file's end (which would raise SIGBUS). */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cramp/recording.h"
#include "io/edf_internal.h"
#include "io/recording_internal.h"
#include "testutil.h"

enum { NCH = 9, FS = 2000, RECORDS = 80 };

typedef struct reader {
    void *impl;
    const cramp_rec_header *h;
    const cramp__rec_ops *ops;
} reader;

static int open_reader(const char *path, int no_map, reader *r)
{
    cramp_error err = {0};
    if (cramp__edf_open(path, NULL, &r->impl, &r->h, &r->ops, &err) != CRAMP_OK) {
        CHECK(0, "open %s: %s", path, err.message);
        return 0;
    }
    ((cramp__edf *)r->impl)->no_map = no_map;
    return 1;
}

/* Reads `frames` frames of the selection into out in pieces of the sizes
 * in `pieces` (cycled); returns the frames read. */
static size_t read_pieces(reader *r, size_t nsel, float *out, size_t frames)
{
    static const size_t pieces[] = {1, 777, 4096, 2000, 3, 1999, 12345};
    size_t done = 0, p = 0;
    while (done < frames) {
        size_t want = pieces[p++ % (sizeof pieces / sizeof pieces[0])], got = 0;
        if (want > frames - done) want = frames - done;
        cramp_error err = {0};
        if (r->ops->read(r->impl, out + done * nsel, want, &got, &err) != CRAMP_OK) {
            CHECK(0, "read at frame %zu: %s", done, err.message);
            break;
        }
        if (got == 0) break;
        done += got;
    }
    return done;
}

/* Both readers over the same selection from frame `from`: same floats. */
static void compare(reader *a, reader *b, const size_t *sel, size_t nsel, size_t from,
                    const char *what)
{
    cramp_error err = {0};
    const size_t frames = (size_t)RECORDS * FS - from;
    float *x = malloc(frames * nsel * sizeof *x), *y = malloc(frames * nsel * sizeof *y);
    CHECK(x && y, "out of memory");
    if (!x || !y) goto out;
    CHECK(a->ops->select(a->impl, sel, nsel, &err) == CRAMP_OK, "%s", err.message);
    CHECK(b->ops->select(b->impl, sel, nsel, &err) == CRAMP_OK, "%s", err.message);
    CHECK(a->ops->seek(a->impl, from, &err) == CRAMP_OK, "%s", err.message);
    CHECK(b->ops->seek(b->impl, from, &err) == CRAMP_OK, "%s", err.message);
    const size_t na = read_pieces(a, nsel, x, frames), nb = read_pieces(b, nsel, y, frames);
    CHECK(na == frames && nb == frames, "%s: read %zu and %zu of %zu frames", what, na, nb,
          frames);
    CHECK(memcmp(x, y, frames * nsel * sizeof *x) == 0, "%s: the mapped read differs", what);
    const cramp__edf *eb = b->impl;
    CHECK(eb->map != NULL && eb->map_r0 > 0, "%s: the mapped reader mapped no later window",
          what);
    printf("edf_map: %s: %zu frames x %zu signals identical\n", what, frames, nsel);
out:
    free(x);
    free(y);
}

/* The night: nine signals, each its own pattern and scale, RECORDS records
 * of 1 s. */
static cramp_status write_night(const char *path)
{
    const size_t frames = (size_t)RECORDS * FS;
    float *sig = malloc(frames * NCH * sizeof *sig);
    if (!sig) return CRAMP_ENOMEM;
    test_rng rng = {0x6d6170ULL};
    for (size_t i = 0; i < frames * NCH; i++)
        sig[i] = (float)(300.0 * test_rng_normal(&rng) * (1.0 + (double)(i % NCH)) / NCH);
    const char *labels[NCH] = {"L-GAS", "L-TA", "R-GAS", "R-TA", "E5", "E6", "E7", "E8", "E9"};
    cramp_edf_write_config cfg;
    cramp_edf_write_config_default(&cfg);
    cfg.channels = NCH;
    cfg.labels = labels;
    cfg.unit = "uV";
    cfg.fs = FS;
    cfg.phys_min = -4000;
    cfg.phys_max = 4000;
    cramp_error err = {0};
    const cramp_status st = cramp_edf_write_file(path, &cfg, sig, frames, &err);
    free(sig);
    CHECK(st == CRAMP_OK, "writing %s: %s", path, err.message);
    return st;
}

/* A mapped reader of a fresh night reads `first` frames, the file is cut to
 * `keep` whole records and 100 bytes, and the reading goes on: the reader's
 * error for record `keep` (no SIGBUS), after `after` more frames. */
static void shrink(const char *path, size_t first, size_t keep, size_t after)
{
    reader c;
    if (write_night(path) != CRAMP_OK || !open_reader(path, 0, &c)) return;
    const size_t all[NCH] = {0, 1, 2, 3, 4, 5, 6, 7, 8};
    cramp_error err = {0};
    CHECK(c.ops->select(c.impl, all, NCH, &err) == CRAMP_OK, "%s", err.message);
    float *x = malloc((size_t)RECORDS * FS * NCH * sizeof *x);
    const size_t got = x ? read_pieces(&c, NCH, x, first) : 0;
    const cramp__edf *e = c.impl;
    CHECK(got == first && e->map && e->map_r1 > keep,
          "read %zu frames; the window holds records %zu..%zu", got, e->map_r0, e->map_r1);
    CHECK(truncate(path, (off_t)(e->header_bytes + keep * e->record_bytes + 100)) == 0,
          "truncate");
    size_t more = 0, k = 0;
    cramp_status rs = CRAMP_OK;
    while (x && rs == CRAMP_OK) {
        rs = c.ops->read(c.impl, x, 4096, &k, &err);
        more += k;
        if (rs == CRAMP_OK && k == 0) break;
    }
    char want[64];
    snprintf(want, sizeof want, "data record %zu:", keep);
    CHECK(rs == CRAMP_EIO && strstr(err.message, want) &&
              strstr(err.message, "unexpected end of file"),
          "after the cut: status %d, '%s'", (int)rs, err.message);
    CHECK(more == after, "after the cut: %zu frames, expected %zu", more, after);
    printf("edf_map: cut to %zu records after %zu frames: %s\n", keep, first, err.message);
    free(x);
    c.ops->close(c.impl);
}

int main(void)
{
    char dir[] = "/tmp/cramp-edf-map-XXXXXX";
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    char path[256];
    snprintf(path, sizeof path, "%s/night.edf", dir);

    cramp_status st = write_night(path);
    reader a, b;
    if (st == CRAMP_OK && open_reader(path, 1, &a) && open_reader(path, 0, &b)) {
        const cramp__edf *e = b.impl;
        CHECK(e->hdr.n_records == RECORDS && (size_t)RECORDS * e->record_bytes > (2u << 20),
              "the file spans several 1-MiB windows: %zu records of %zu bytes",
              e->hdr.n_records, e->record_bytes);
        const size_t all[NCH] = {0, 1, 2, 3, 4, 5, 6, 7, 8};
        compare(&a, &b, all, NCH, 0, "nine signals");
        const size_t some[5] = {6, 2, 3, 4, 5};
        compare(&a, &b, some, 5, 12345, "five signals from frame 12345");
        compare(&a, &b, all, NCH, 0, "nine signals again from 0");
        a.ops->close(a.impl);
        b.ops->close(b.impl);
    }

    /* shrinking between reads: read to the end of record 10 through the
       mapping and cut the file to record 20 (inside the mapped window);
       read half of record 10 and cut the file inside it */
    if (st == CRAMP_OK) {
        shrink(path, 10 * (size_t)FS, 20, 10 * (size_t)FS);
        shrink(path, 10 * (size_t)FS + FS / 2, 10, 0);
    }
    unlink(path);
    rmdir(dir);
    return cramp_test_finish("edf_map");
}
