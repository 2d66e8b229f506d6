/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tools/sha256.c against the FIPS 180-4 example vectors (NIST CSRC "SHA-256
 * examples") and the one-million-'a' vector, fed in one piece and in odd
 * pieces (streaming must not change the digest); the plain C rounds and,
 * where the CPU has them, the x86 SHA extensions, each on the same vectors,
 * plus 300 random messages of 0-700 bytes on which the two must agree. */
#include <stdio.h>
#include <string.h>

#include "sha256.h" /* tools/ */

static int failures;

static void check(const char *what, const char *got, const char *want)
{
    if (strcmp(got, want) != 0) {
        fprintf(stderr, "FAIL %s: %s, expected %s\n", what, got, want);
        failures++;
    }
}

static int vectors(void)
{
    static const struct {
        const char *msg, *hex;
    } v[] = {
        {"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
        {"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
        {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
        {"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrl"
         "mnopqrsmnopqrstnopqrstu",
         "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"},
    };
    char hex[65];
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        sha256_hex(v[i].msg, strlen(v[i].msg), hex);
        check(v[i].msg, hex, v[i].hex);
        /* byte by byte */
        sha256_ctx c;
        unsigned char d[32];
        sha256_init(&c);
        for (size_t k = 0; v[i].msg[k]; k++) sha256_update(&c, v[i].msg + k, 1);
        sha256_final(&c, d);
        for (int k = 0; k < 32; k++) snprintf(hex + 2 * k, 3, "%02x", d[k]);
        check("byte by byte", hex, v[i].hex);
    }
    static char a[1000000];
    memset(a, 'a', sizeof a);
    sha256_hex(a, sizeof a, hex);
    check("million a", hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    sha256_ctx c;
    unsigned char d[32];
    sha256_init(&c);
    for (size_t off = 0, step = 1; off < sizeof a; off += step, step = step * 7 % 1000 + 1)
        sha256_update(&c, a + off, off + step <= sizeof a ? step : sizeof a - off);
    sha256_final(&c, d);
    for (int k = 0; k < 32; k++) snprintf(hex + 2 * k, 3, "%02x", d[k]);
    check("million a in odd pieces", hex,
          "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    return failures;
}

int main(void)
{
    sha256_accelerated(0);
    vectors();
    int paths = 1;
    if (sha256_accelerated(1)) {
        paths = 2;
        vectors();
        static unsigned char msg[700];
        unsigned x = 12345; /* LCG, seed printed on failure */
        for (int i = 0; i < 300; i++) {
            const size_t len = (size_t)i * 7 % 701;
            for (size_t k = 0; k < len; k++) msg[k] = (unsigned char)((x = x * 1103515245u + 12345u) >> 16);
            char a[65], b[65];
            sha256_accelerated(0);
            sha256_hex(msg, len, a);
            sha256_accelerated(1);
            sha256_hex(msg, len, b);
            if (strcmp(a, b)) {
                fprintf(stderr, "FAIL: plain and SHA-NI differ on a %zu-byte message (seed 12345, "
                        "message %d)\n", len, i);
                failures++;
            }
        }
    }
    if (failures) return 1;
    printf("sha256: 10 digests as FIPS 180-4 gives, on %d path%s%s\n", paths,
           paths == 1 ? " (plain C; no SHA extensions here)" : "s (plain C, SHA-NI)",
           paths == 2 ? "; both agree on 300 random messages" : "");
    return 0;
}
