/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer harness for the delimited-text reader (text_read.c): the input
 * bytes become a file, opened once with a rate given (so files that state
 * none still open) and once without; every header string is walked; all
 * channels are selected in reverse order and read to the end in blocks
 * (bounded), then sought and read again. Any crash, leak or sanitizer report
 * is a bug; errors are the expected outcome for most inputs. Inputs that are
 * not text (a NUL or other control byte in the first 4 KiB) go to other
 * readers and are skipped. */
#define _POSIX_C_SOURCE 200809L
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cramp/recording.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char g_path[64];

static void remove_file(void) { unlink(g_path); }

static void write_input(const uint8_t *data, size_t size)
{
    if (!g_path[0]) {
        const char *tmp = getenv("TMPDIR");
        snprintf(g_path, sizeof g_path, "%s/cramp-fuzz-text-XXXXXX",
                 tmp && strlen(tmp) < 32 ? tmp : "/tmp");
        const int fd = mkstemp(g_path);
        if (fd < 0) abort();
        close(fd);
        atexit(remove_file);
    }
    fuzz_put(g_path, data, size);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const size_t head = size < 4096 ? size : 4096;
    for (size_t i = 0; i < head; i++)
        if ((data[i] < 0x20 && data[i] != '\t' && data[i] != '\n' && data[i] != '\r') ||
            data[i] == 0x7F)
            return 0;
    if (size >= 8 && memcmp(data, "0       ", 8) == 0) return 0; /* EDF */
    write_input(data, size);
    cramp_recording_options opt;
    cramp_recording_options_default(&opt);
    for (int pass = 0; pass < 2; pass++) {
        opt.fs = pass ? 0.0 : 100.0;
        opt.unit = pass ? NULL : "mV";
        cramp_recording *r = NULL;
        cramp_error err;
        if (cramp_recording_open(&r, g_path, &opt, &err) != CRAMP_OK) continue;
        fuzz_read_everything(r, 257, 0);
        cramp_recording_close(r);
    }
    return 0;
}
