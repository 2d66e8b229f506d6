/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SHA-256 (FIPS 180-4), for the input fingerprints of cramp batch. Streaming:
 * init, update any number of times, final. Plain C, or the x86 SHA
 * extensions where the CPU has them; no allocation; one
 * context per thread. */
#ifndef CRAMP_TOOLS_SHA256_H
#define CRAMP_TOOLS_SHA256_H

#include <stddef.h>
#include <stdint.h>

typedef struct sha256_ctx {
    uint32_t h[8];
    uint64_t bytes;      /* message length so far */
    unsigned char buf[64];
    size_t n;            /* bytes waiting in buf */
} sha256_ctx;

void sha256_init(sha256_ctx *c);
void sha256_update(sha256_ctx *c, const void *data, size_t len);
/* The 32-byte digest; c must be initialised again before reuse. */
void sha256_final(sha256_ctx *c, unsigned char digest[32]);
/* The digest of len bytes as 64 lower-case hex digits and a NUL. */
void sha256_hex(const void *data, size_t len, char hex[65]);
/* Whether the x86 SHA extensions are used (1) or the plain C rounds (0).
 * want: -1 asks, 0 turns them off, 1 turns them on where the CPU has them.
 * Not synchronised: call it before hashing in threads (tests compare the
 * two paths). */
int sha256_accelerated(int want);
/* The digest of a file's bytes as hex; 0, or -1 with errno set (open/read). */
int sha256_file(const char *path, char hex[65]);

#endif
