/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer harness for the WFDB reader (wfdb_read.c): the input is a header
 * and signal bytes separated by the first NUL byte; they become "r.hea" and
 * "r.dat" (and "s.dat", a copy, for records with two signal files) in a
 * private folder; the record is opened, every header string walked, all
 * signals selected in reverse order and read to the end in blocks (bounded),
 * then sought and read again. Any crash, leak or sanitizer report is a bug;
 * errors are the expected outcome for most inputs. */
#define _POSIX_C_SOURCE 200809L
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cramp/recording.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char g_dir[64], g_hea[96], g_dat[96], g_dat2[96];

static void remove_files(void)
{
    unlink(g_hea);
    unlink(g_dat);
    unlink(g_dat2);
    rmdir(g_dir);
}

static void put(const char *path, const uint8_t *data, size_t size)
{
    FILE *f = fopen(path, "wb");
    if (!f) abort();
    if (size && fwrite(data, 1, size, f) != size) abort();
    if (fclose(f) != 0) abort();
}

static void read_everything(cramp_recording *r)
{
    const cramp_rec_header *h = cramp_recording_header(r);
    volatile size_t sink = strlen(h->recording) + strlen(h->patient);
    for (size_t i = 0; i < h->n_warnings; i++) sink += strlen(h->warnings[i]);
    const size_t n = h->n_channels;
    size_t *sel = malloc(n * sizeof *sel);
    enum { BLOCK = 1500 };
    float *buf = malloc(BLOCK * n * sizeof *buf);
    if (sel && buf) {
        for (size_t c = 0; c < n; c++) {
            sink += strlen(h->channels[c].label) + strlen(h->channels[c].unit);
            sel[c] = n - 1 - c;
        }
        cramp_error err;
        if (cramp_recording_select(r, sel, n, &err) == CRAMP_OK) {
            size_t got = 0, total = 0;
            while (total < ((size_t)1 << 20) &&
                   cramp_recording_read(r, buf, BLOCK, &got, &err) == CRAMP_OK && got > 0)
                total += got;
            if (cramp_recording_seek(r, total / 3 + 1, &err) == CRAMP_OK)
                (void)cramp_recording_read(r, buf, BLOCK, &got, &err);
            size_t frame;
            double t;
            cramp_recording_tell(r, &frame, &t);
        }
    }
    (void)sink;
    free(buf);
    free(sel);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!g_dir[0]) {
        const char *tmp = getenv("TMPDIR");
        snprintf(g_dir, sizeof g_dir, "%s/cramp-fuzz-wfdb-XXXXXX",
                 tmp && strlen(tmp) < 32 ? tmp : "/tmp");
        if (!mkdtemp(g_dir)) abort();
        snprintf(g_hea, sizeof g_hea, "%s/r.hea", g_dir);
        snprintf(g_dat, sizeof g_dat, "%s/r.dat", g_dir);
        snprintf(g_dat2, sizeof g_dat2, "%s/s.dat", g_dir);
        atexit(remove_files);
    }
    const uint8_t *nul = memchr(data, 0, size);
    const size_t hl = nul ? (size_t)(nul - data) : size;
    const size_t dl = nul ? size - hl - 1 : 0;
    put(g_hea, data, hl);
    put(g_dat, nul ? nul + 1 : data, dl);
    put(g_dat2, nul ? nul + 1 : data, dl);
    cramp_recording *r = NULL;
    cramp_error err;
    if (cramp_recording_open(&r, g_hea, NULL, &err) != CRAMP_OK) return 0;
    read_everything(r);
    cramp_recording_close(r);
    return 0;
}
