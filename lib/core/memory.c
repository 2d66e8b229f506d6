/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Large buffers a thread streams through (core/internal.h). */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE /* madvise, MADV_HUGEPAGE (Linux; left out elsewhere) */
#include "core/internal.h"

#include <stdlib.h>
#include <sys/mman.h>

void *cramp__alloc_huge(size_t bytes, size_t align)
{
    void *p = NULL;
    if (!bytes) bytes = 1;
#ifdef MADV_HUGEPAGE
    const int huge = bytes >= CRAMP_HUGE_PAGE;
    if (huge && align < CRAMP_HUGE_PAGE) align = CRAMP_HUGE_PAGE;
#endif
    if (posix_memalign(&p, align, bytes) != 0) return NULL;
#ifdef MADV_HUGEPAGE
    if (huge) (void)madvise(p, bytes, MADV_HUGEPAGE); /* advice only */
#endif
    return p;
}
