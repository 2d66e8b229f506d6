/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer harness for the WAV-family reader (wav_read.c over libsndfile):
 * the input bytes become a file, which is opened, every channel selected,
 * read to the end in blocks, sought and closed. Any crash, leak or sanitizer
 * report is a bug; errors (CRAMP_EFORMAT, ...) are the expected outcome for
 * most inputs. Inputs that start like EDF/BDF are left to fuzz_edf. See
 * scripts/fuzz for how to run it. */
#define _POSIX_C_SOURCE 200809L
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cramp/recording.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char g_path[64];

static void remove_file(void) { unlink(g_path); }

/* One temporary file for the whole run, rewritten for each input. */
static int write_input(const uint8_t *data, size_t size)
{
    if (!g_path[0]) {
        const char *tmp = getenv("TMPDIR");
        snprintf(g_path, sizeof g_path, "%s/cramp-fuzz-wav-XXXXXX",
                 tmp && strlen(tmp) < 32 ? tmp : "/tmp");
        const int fd = mkstemp(g_path);
        if (fd < 0) abort();
        close(fd);
        atexit(remove_file);
    }
    FILE *f = fopen(g_path, "wb");
    if (!f) abort();
    if (size && fwrite(data, 1, size, f) != size) abort();
    if (fclose(f) != 0) abort();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size >= 8 && (memcmp(data, "0       ", 8) == 0 ||
                      (data[0] == 0xFF && memcmp(data + 1, "BIOSEMI", 7) == 0)))
        return 0;
    write_input(data, size);
    cramp_recording *r = NULL;
    cramp_error err;
    if (cramp_recording_open(&r, g_path, NULL, &err) != CRAMP_OK) return 0;
    const cramp_rec_header *h = cramp_recording_header(r);
    /* Every header string must be terminated: reading it must stay in bounds. */
    volatile size_t sink = strlen(h->recording) + strlen(h->patient);
    for (size_t i = 0; i < h->n_warnings; i++) sink += strlen(h->warnings[i]);
    size_t *sel = malloc(h->n_channels * sizeof *sel);
    size_t n = 0;
    for (size_t c = 0; sel && c < h->n_channels; c++) {
        sink += strlen(h->channels[c].label) + strlen(h->channels[c].unit);
        if (!h->channels[c].is_annotation && h->channels[c].fs == h->channels[0].fs) sel[n++] = c;
    }
    (void)sink;
    enum { BLOCK = 1024 };
    float *buf = n ? malloc(BLOCK * n * sizeof *buf) : NULL;
    if (buf && cramp_recording_select(r, sel, n, &err) == CRAMP_OK) {
        size_t got = 0, total = 0;
        /* Bounded: a header may promise far more than a fuzz input holds. */
        while (total < ((size_t)1 << 22) &&
               cramp_recording_read(r, buf, BLOCK, &got, &err) == CRAMP_OK && got > 0)
            total += got;
        if (cramp_recording_seek(r, total / 2, &err) == CRAMP_OK)
            (void)cramp_recording_read(r, buf, BLOCK, &got, &err);
        size_t frame;
        double t;
        cramp_recording_tell(r, &frame, &t);
        /* A reversed subset takes the picking path of read(). */
        if (n > 1) {
            for (size_t i = 0; i < n / 2; i++) {
                const size_t s = sel[i];
                sel[i] = sel[n - 1 - i];
                sel[n - 1 - i] = s;
            }
            if (cramp_recording_select(r, sel, n - 1, &err) == CRAMP_OK) {
                total = 0;
                while (total < ((size_t)1 << 22) &&
                       cramp_recording_read(r, buf, BLOCK, &got, &err) == CRAMP_OK && got > 0)
                    total += got;
            }
        }
    }
    free(buf);
    free(sel);
    cramp_recording_close(r);
    return 0;
}
