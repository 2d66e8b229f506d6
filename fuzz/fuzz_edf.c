/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer harness for the EDF/BDF reader (edf_read.c) and the annotated
 * copy (edf_write.c): the input bytes become a file, which is opened (also
 * with the TALs as read, cramp_recording_options.tals_as_read); every
 * header string is walked; each rate group is selected and read to the end
 * in blocks (bounded), sought and read again; a file that opens is also
 * copied with an annotation added and the copy opened. Any crash, leak or
 * sanitizer report is a bug; errors are the expected outcome for most inputs.
 * Inputs that do not start like EDF/BDF are left to fuzz_wav. See
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

static char g_path[64], g_copy[80];

static void remove_files(void)
{
    unlink(g_path);
    unlink(g_copy);
}

/* One temporary file for the whole run, rewritten for each input. */
static void write_input(const uint8_t *data, size_t size)
{
    if (!g_path[0]) {
        const char *tmp = getenv("TMPDIR");
        snprintf(g_path, sizeof g_path, "%s/cramp-fuzz-edf-XXXXXX",
                 tmp && strlen(tmp) < 32 ? tmp : "/tmp");
        const int fd = mkstemp(g_path);
        if (fd < 0) abort();
        close(fd);
        snprintf(g_copy, sizeof g_copy, "%s.copy", g_path);
        atexit(remove_files);
    }
    FILE *f = fopen(g_path, "wb");
    if (!f) abort();
    if (size && fwrite(data, 1, size, f) != size) abort();
    if (fclose(f) != 0) abort();
}

/* Every string and segment of the header (again after reads: with the
 * TALs as read they grow and move). */
static size_t walk_header(const cramp_rec_header *h)
{
    size_t sink = strlen(h->recording) + strlen(h->patient);
    for (size_t i = 0; i < h->n_warnings; i++)
        sink += strlen(h->warnings[i]);
    for (size_t i = 0; i < h->n_annotations; i++)
        sink += strlen(h->annotations[i].text) + strlen(h->annotations[i].channel);
    for (size_t s = 0; s < h->n_segments; s++)
        sink += h->segments[s].n_records;
    return sink;
}

static void read_everything(cramp_recording *r)
{
    const cramp_rec_header *h = cramp_recording_header(r);
    volatile size_t sink = walk_header(h);
    size_t *sel = malloc((h->n_channels + 1) * sizeof *sel);
    enum { BLOCK = 1000 };
    float *buf = malloc(BLOCK * (h->n_channels + 1) * sizeof *buf);
    for (size_t c = 0; sel && buf && c < h->n_channels; c++) {
        const cramp_channel_info *ci = &h->channels[c];
        sink += strlen(ci->label) + strlen(ci->unit) + strlen(ci->file_unit) +
                strlen(ci->prefilter) + strlen(ci->transducer);
        if (ci->is_annotation) continue;
        /* the rate group whose first channel is c, in reverse order */
        size_t n = 0, first = c;
        for (size_t k = 0; k < h->n_channels; k++)
            if (!h->channels[k].is_annotation &&
                h->channels[k].samples_per_record == ci->samples_per_record) {
                if (n == 0) first = k;
                sel[n++] = k;
            }
        if (first != c) continue;
        for (size_t i = 0; i < n / 2; i++) {
            const size_t t = sel[i];
            sel[i] = sel[n - 1 - i];
            sel[n - 1 - i] = t;
        }
        cramp_error err;
        if (cramp_recording_select(r, sel, n, &err) != CRAMP_OK) continue;
        size_t got = 0, total = 0;
        while (total < ((size_t)1 << 20) &&
               cramp_recording_read(r, buf, BLOCK, &got, &err) == CRAMP_OK && got > 0)
            total += got;
        size_t frame;
        double t;
        cramp_recording_tell(r, &frame, &t);
        if (cramp_recording_seek(r, total / 3, &err) == CRAMP_OK)
            (void)cramp_recording_read(r, buf, BLOCK, &got, &err);
        cramp_recording_tell(r, &frame, &t);
    }
    sink += walk_header(h);
    (void)sink;
    free(buf);
    free(sel);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 8 || !(memcmp(data, "0       ", 8) == 0 ||
                      (data[0] == 0xFF && memcmp(data + 1, "BIOSEMI", 7) == 0)))
        return 0;
    write_input(data, size);
    cramp_recording *r = NULL;
    cramp_error err;
    if (cramp_recording_open(&r, g_path, NULL, &err) != CRAMP_OK) return 0;
    read_everything(r);
    cramp_recording_close(r);
    /* the same with the TALs as read (parsed by read() and seek()) */
    cramp_recording_options ro;
    cramp_recording_options_default(&ro);
    ro.tals_as_read = 1;
    if (cramp_recording_open(&r, g_path, &ro, &err) == CRAMP_OK) {
        read_everything(r);
        cramp_recording_close(r);
    }
    const cramp_annotation a = {0.5, 1.0, "fuzz", "ch"};
    if (cramp_edf_copy_annotated(g_path, g_copy, &a, 1, &err) == CRAMP_OK) {
        /* our own output must always open */
        if (cramp_recording_open(&r, g_copy, NULL, &err) != CRAMP_OK) {
            fprintf(stderr, "copy does not open: %s\n", err.message);
            abort();
        }
        read_everything(r);
        cramp_recording_close(r);
    }
    return 0;
}
