/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A small text file read whole (simulator scenarios, event tables). */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"

cramp_status cramp__read_text_file(const char *path, size_t max_bytes, char **text, size_t *len,
                                   int *open_errno)
{
    *text = NULL;
    if (len) *len = 0;
    if (open_errno) *open_errno = 0;
    FILE *f = fopen(path, "rb");
    if (!f) {
        if (open_errno) *open_errno = errno;
        return CRAMP_EIO;
    }
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    cramp_status st = CRAMP_OK;
    while (buf) {
        if (cap - n < 2) {
            char *nb = cap <= SIZE_MAX / 2 ? realloc(buf, cap * 2) : NULL;
            if (!nb) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
        const size_t got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (max_bytes && n > max_bytes) {
            st = CRAMP_ERANGE;
            break;
        }
        if (got == 0) break;
    }
    const int read_error = ferror(f);
    fclose(f);
    if (!buf) return CRAMP_ENOMEM;
    if (st == CRAMP_OK && read_error) st = CRAMP_EIO;
    if (st == CRAMP_OK) {
        buf[n] = '\0';
        if (memchr(buf, '\0', n)) st = CRAMP_EFORMAT;
    }
    if (st != CRAMP_OK) {
        free(buf);
        return st;
    }
    *text = buf;
    if (len) *len = n;
    return CRAMP_OK;
}
