/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Shared by the reader harnesses (fuzz_text.c, fuzz_wfdb.c): writing the
 * input to a file, and walking and reading a recording that opened. */
#ifndef CRAMP_FUZZ_COMMON_H
#define CRAMP_FUZZ_COMMON_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cramp/recording.h"

/* Writes size bytes of data to path; aborts on any failure. */
static void fuzz_put(const char *path, const uint8_t *data, size_t size)
{
    FILE *f = fopen(path, "wb");
    if (!f) abort();
    if (size && fwrite(data, 1, size, f) != size) abort();
    if (fclose(f) != 0) abort();
}

/* Walks every header string, selects all channels in reverse order, reads to
 * the end in blocks of `block` frames (at most 2^20 frames), seeks to a third
 * of what was read plus seek_extra, reads one block, and tells. */
static void fuzz_read_everything(cramp_recording *r, size_t block, size_t seek_extra)
{
    const cramp_rec_header *h = cramp_recording_header(r);
    volatile size_t sink = strlen(h->recording) + strlen(h->patient);
    for (size_t i = 0; i < h->n_warnings; i++) sink += strlen(h->warnings[i]);
    const size_t n = h->n_channels;
    size_t *sel = malloc(n * sizeof *sel);
    float *buf = malloc(block * n * sizeof *buf);
    if (sel && buf) {
        for (size_t c = 0; c < n; c++) {
            sink += strlen(h->channels[c].label) + strlen(h->channels[c].unit);
            sel[c] = n - 1 - c;
        }
        cramp_error err;
        if (cramp_recording_select(r, sel, n, &err) == CRAMP_OK) {
            size_t got = 0, total = 0;
            while (total < ((size_t)1 << 20) &&
                   cramp_recording_read(r, buf, block, &got, &err) == CRAMP_OK && got > 0)
                total += got;
            if (cramp_recording_seek(r, total / 3 + seek_extra, &err) == CRAMP_OK)
                (void)cramp_recording_read(r, buf, block, &got, &err);
            size_t frame;
            double t;
            cramp_recording_tell(r, &frame, &t);
        }
    }
    (void)sink;
    free(buf);
    free(sel);
}

#endif
