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
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char g_dir[64], g_hea[96], g_dat[96], g_dat2[96];

static void remove_files(void)
{
    unlink(g_hea);
    unlink(g_dat);
    unlink(g_dat2);
    rmdir(g_dir);
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
    fuzz_put(g_hea, data, hl);
    fuzz_put(g_dat, nul ? nul + 1 : data, dl);
    fuzz_put(g_dat2, nul ? nul + 1 : data, dl);
    cramp_recording *r = NULL;
    cramp_error err;
    if (cramp_recording_open(&r, g_hea, NULL, &err) != CRAMP_OK) return 0;
    fuzz_read_everything(r, 1500, 1);
    cramp_recording_close(r);
    return 0;
}
