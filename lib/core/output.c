/* SPDX-License-Identifier: GPL-3.0-or-later */
#define _POSIX_C_SOURCE 200809L
/* The one safe output (cramp/output.h): temporary file + rename for regular
 * files (through symbolic links), direct writes for devices, FIFOs and
 * sockets, and one registry of temporary files that a signal handler can
 * empty with async-signal-safe calls only.
 *
 * The registry is a list of nodes that only grows (a node is reused once its
 * output is gone, never freed), so the handler can walk it at any moment:
 * `next` never changes after a node is published and `state` is atomic. A
 * node's name is written only while the node is CLAIMED, and read by the
 * handler only while it is ACTIVE. The calling thread blocks the signals
 * between mkstemp and marking the node ACTIVE, so no file exists unknown to
 * the handler of that thread. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "cramp/output.h"
#include "core/internal.h"

/* ---- the registry of temporary files ------------------------------------- */

enum { NODE_FREE = 0, NODE_CLAIMED = 1, NODE_ACTIVE = 2 };

typedef struct reg_node {
    struct reg_node *next; /* fixed once published */
    atomic_int state;
    size_t cap;
    char path[];
} reg_node;

static _Atomic(reg_node *) g_registry;

/* A node able to hold a name of len bytes (plus NUL), in state CLAIMED. */
static reg_node *node_claim(size_t len)
{
    for (reg_node *n = atomic_load(&g_registry); n; n = n->next) {
        int expect = NODE_FREE;
        if (n->cap > len && atomic_compare_exchange_strong(&n->state, &expect, NODE_CLAIMED))
            return n;
    }
    const size_t cap = len + 1 > 256 ? len + 1 : 256;
    reg_node *n = malloc(sizeof *n + cap);
    if (!n) return NULL;
    n->cap = cap;
    n->path[0] = '\0';
    atomic_init(&n->state, NODE_CLAIMED);
    reg_node *head = atomic_load(&g_registry);
    do
        n->next = head;
    while (!atomic_compare_exchange_weak(&g_registry, &head, n));
    return n;
}

static void node_release(reg_node *n)
{
    if (n) atomic_store(&n->state, NODE_FREE);
}

void cramp_output_remove_all_temporaries(void)
{
    const int saved = errno;
    for (reg_node *n = atomic_load(&g_registry); n; n = n->next)
        if (atomic_load(&n->state) == NODE_ACTIVE) unlink(n->path);
    errno = saved;
}

static void on_signal(int sig)
{
    cramp_output_remove_all_temporaries();
    signal(sig, SIG_DFL);
    raise(sig); /* delivered with the default action when the handler returns */
}

void cramp_output_catch_signals(void)
{
    static atomic_int done;
    if (atomic_exchange(&done, 1)) return;
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
        struct sigaction sa, old;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_signal;
        sigemptyset(&sa.sa_mask);
        for (size_t j = 0; j < sizeof sigs / sizeof sigs[0]; j++)
            sigaddset(&sa.sa_mask, sigs[j]);
        /* a signal the program was started ignoring (nohup) stays ignored */
        if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN) continue;
        sigaction(sigs[i], &sa, NULL);
    }
}

static void block_signals(sigset_t *old)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    sigprocmask(SIG_BLOCK, &set, old);
}

/* ---- the output ------------------------------------------------------------ */

struct cramp_output {
    char *path;      /* as given */
    char *target;    /* what rename replaces (a link resolved); NULL if direct */
    reg_node *tmp;   /* the temporary file's registry node; NULL if direct */
    int fd;          /* what the caller writes into */
    int dest_fd;     /* the direct destination behind a scratch file, or -1 */
    FILE *stream;    /* cramp_output_stream's, owning fd unless it is stdout */
    FILE *scratch;   /* SEEKABLE over a direct destination */
    int direct;
    int is_stdout;
};

/* The process's umask without changing it (umask() would, for every thread):
 * Linux reports it in /proc/self/status; 022 where it does not. */
static mode_t current_umask(void)
{
    mode_t mask = 022;
    FILE *f = fopen("/proc/self/status", "r");
    if (!f) return mask;
    char line[256];
    while (fgets(line, sizeof line, f)) {
        unsigned int m;
        if (sscanf(line, "Umask: %o", &m) == 1) {
            mask = (mode_t)(m & 0777);
            break;
        }
    }
    fclose(f);
    return mask;
}

static cramp_status fail_errno(cramp_error *err, const char *path, int e)
{
    return cramp__fail(err, e == ENOMEM ? CRAMP_ENOMEM : CRAMP_EIO, "%s: cannot write: %s", path,
                       strerror(e));
}

/* The file a chain of symbolic links ends at, even if it does not exist
 * (realpath would fail there). malloc'd, or NULL with errno set. */
static char *resolve_links(const char *path)
{
    char *cur = strdup(path);
    for (int hops = 0; cur; hops++) {
        struct stat sb;
        if (lstat(cur, &sb) != 0 || !S_ISLNK(sb.st_mode)) return cur;
        if (hops == 40) {
            free(cur);
            errno = ELOOP;
            return NULL;
        }
        char link[PATH_MAX];
        const ssize_t n = readlink(cur, link, sizeof link - 1);
        if (n < 0) {
            free(cur);
            return NULL;
        }
        link[n] = '\0';
        char *next;
        const char *slash = strrchr(cur, '/');
        if (link[0] == '/' || !slash) {
            next = strdup(link);
        } else {
            const size_t dir = (size_t)(slash - cur) + 1;
            next = malloc(dir + (size_t)n + 1);
            if (next) {
                memcpy(next, cur, dir);
                memcpy(next + dir, link, (size_t)n + 1);
            }
        }
        free(cur);
        cur = next;
    }
    errno = ENOMEM;
    return NULL;
}

static int open_direct(const char *path, const struct stat *sb)
{
    if (!S_ISSOCK(sb->st_mode)) {
        int fd;
        do
            fd = open(path, O_WRONLY | O_NOCTTY);
        while (fd < 0 && errno == EINTR);
        return fd;
    }
    struct sockaddr_un sa;
    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    if (strlen(path) >= sizeof sa.sun_path) {
        errno = ENAMETOOLONG;
        return -1;
    }
    strcpy(sa.sun_path, path);
    const int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0) return -1;
    if (connect(fd, (const struct sockaddr *)&sa, sizeof sa) != 0) {
        const int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    return fd;
}

/* Creates the registered temporary file beside o->target; mode and owner as
 * given. 0 or an errno value. */
static int make_temp(cramp_output *o, mode_t mode, const struct stat *existing)
{
    const char *t = o->target;
    const char *slash = strrchr(t, '/');
    const size_t dir = slash ? (size_t)(slash - t) + 1 : 0;
    const char *base = t + dir;
    if (!*base) return EISDIR;
    const size_t len = dir + 1 + strlen(base) + 7;
    o->tmp = node_claim(len);
    if (!o->tmp) return ENOMEM;
    snprintf(o->tmp->path, o->tmp->cap, "%.*s.%s.XXXXXX", (int)dir, t, base);
    sigset_t old;
    block_signals(&old);
    o->fd = mkstemp(o->tmp->path);
    const int e = errno;
    if (o->fd >= 0) atomic_store(&o->tmp->state, NODE_ACTIVE);
    sigprocmask(SIG_SETMASK, &old, NULL);
    if (o->fd < 0) {
        node_release(o->tmp);
        o->tmp = NULL;
        return e;
    }
    /* the owner first: a chown by root clears set-id bits that fchmod sets */
    if (existing && (existing->st_uid != geteuid() || existing->st_gid != getegid()))
        if (fchown(o->fd, existing->st_uid, existing->st_gid) != 0) { /* not ours to give */
        }
    if (fchmod(o->fd, mode) != 0) return errno;
    return 0;
}

cramp_status cramp_output_open(cramp_output **out, const char *path, unsigned flags,
                               cramp_error *err)
{
    if (!out || !path) return cramp__fail(err, CRAMP_EINVAL, "output: NULL argument");
    *out = NULL;
    if (!*path) return cramp__fail(err, CRAMP_EINVAL, "output: empty file name");
    cramp_output *o = calloc(1, sizeof *o);
    if (!o || !(o->path = strdup(path))) {
        free(o);
        return cramp__fail(err, CRAMP_ENOMEM, "%s: out of memory", path);
    }
    o->fd = o->dest_fd = -1;
    int e = 0;
    struct stat sb;
    if ((flags & CRAMP_OUTPUT_DASH_STDOUT) && strcmp(path, "-") == 0) {
        o->direct = o->is_stdout = 1;
        o->fd = STDOUT_FILENO;
    } else if (stat(path, &sb) == 0) {
        if (S_ISDIR(sb.st_mode)) {
            e = EISDIR;
        } else if (S_ISREG(sb.st_mode)) {
            o->target = resolve_links(path);
            e = o->target ? make_temp(o, sb.st_mode & 07777, &sb) : errno;
        } else {
            o->direct = 1;
            o->fd = open_direct(path, &sb);
            if (o->fd < 0) e = errno;
        }
    } else if (errno == ENOENT) {
        /* absent (or a link to nothing): made new; a missing folder fails in mkstemp */
        o->target = resolve_links(path);
        e = o->target ? make_temp(o, (mode_t)(0666 & ~current_umask()), NULL) : errno;
    } else {
        e = errno;
    }
    if (!e && o->direct && (flags & CRAMP_OUTPUT_SEEKABLE)) {
        o->scratch = tmpfile();
        if (!o->scratch) {
            e = errno;
        } else {
            o->dest_fd = o->fd;
            o->fd = fileno(o->scratch);
        }
    }
    if (e) {
        const cramp_status st = fail_errno(err, path, e);
        cramp_output_abort(o);
        return st;
    }
    *out = o;
    return CRAMP_OK;
}

int cramp_output_fd(const cramp_output *o)
{
    return o ? o->fd : -1;
}

FILE *cramp_output_stream(cramp_output *o, cramp_error *err)
{
    if (!o) {
        cramp__fail(err, CRAMP_EINVAL, "output: NULL argument");
        return NULL;
    }
    if (o->stream) return o->stream;
    if (o->scratch) {
        o->stream = o->scratch;
    } else if (o->is_stdout) {
        o->stream = stdout;
    } else {
        o->stream = fdopen(o->fd, "w");
        if (!o->stream) fail_errno(err, o->path, errno);
    }
    return o->stream;
}

int cramp_output_is_direct(const cramp_output *o)
{
    return o ? o->direct : 0;
}

const char *cramp_output_path(const cramp_output *o)
{
    return o ? o->path : NULL;
}

static int write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        const ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR) continue;
            return errno;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Copies the scratch file to the direct destination, in order. */
static int copy_scratch(cramp_output *o)
{
    if (lseek(o->fd, 0, SEEK_SET) != 0) return errno;
    char buf[65536];
    for (;;) {
        const ssize_t n = read(o->fd, buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR) continue;
            return errno;
        }
        if (n == 0) return 0;
        const int e = write_all(o->dest_fd, buf, (size_t)n);
        if (e) return e;
    }
}

/* Everything but the rename: flush, sync, close; a direct destination gets
 * its data. 0 or an errno value. */
static int finish(cramp_output *o)
{
    int e = 0;
    if (o->stream) {
        errno = 0;
        const int had_error = ferror(o->stream);
        if (fflush(o->stream) != 0) e = errno ? errno : EIO;
        else if (had_error || ferror(o->stream)) e = errno ? errno : EIO;
        if (!e && o->tmp && fsync(o->fd) != 0) e = errno;
        if (o->stream != stdout && o->stream != o->scratch) {
            if (fclose(o->stream) != 0 && !e) e = errno;
            o->fd = -1;
        }
        o->stream = NULL;
    } else if (o->tmp) {
        if (fsync(o->fd) != 0) e = errno;
    }
    if (o->scratch) {
        if (!e) e = copy_scratch(o);
        fclose(o->scratch);
        o->scratch = NULL;
        o->fd = o->dest_fd;
        o->dest_fd = -1;
    }
    if (o->fd >= 0 && !o->is_stdout) {
        if (close(o->fd) != 0 && !e && errno != EINTR) e = errno;
    }
    o->fd = -1;
    return e;
}

static void release(cramp_output *o)
{
    if (o->tmp) {
        unlink(o->tmp->path);
        node_release(o->tmp);
        o->tmp = NULL;
    }
    free(o->target);
    free(o->path);
    free(o);
}

/* The rename into place; 0 or an errno value. */
static int place(cramp_output *o)
{
    if (!o->tmp) return 0;
    if (rename(o->tmp->path, o->target) != 0) return errno;
    node_release(o->tmp);
    o->tmp = NULL;
    return 0;
}

cramp_status cramp_output_commit(cramp_output *o, cramp_error *err)
{
    return cramp_output_commit_all(&o, 1, err);
}

cramp_status cramp_output_commit_all(cramp_output *const *outs, size_t n, cramp_error *err)
{
    if (!outs && n) return cramp__fail(err, CRAMP_EINVAL, "output: NULL argument");
    cramp_status st = CRAMP_OK;
    /* temporary files first (a full disk shows there), then the direct
     * destinations, then the renames: nothing is renamed unless all the
     * data are out */
    for (int pass = 0; pass < 2 && st == CRAMP_OK; pass++)
        for (size_t i = 0; i < n && st == CRAMP_OK; i++) {
            cramp_output *o = outs[i];
            if (!o || (pass == 0) == (o->tmp == NULL)) continue;
            const int e = finish(o);
            if (e) st = fail_errno(err, o->path, e);
        }
    for (size_t i = 0; i < n && st == CRAMP_OK; i++) {
        if (!outs[i]) continue;
        const int e = place(outs[i]);
        if (e) st = fail_errno(err, outs[i]->path, e);
    }
    /* what a failure left open is closed without delivering it */
    for (size_t i = 0; i < n; i++)
        cramp_output_abort(outs[i]);
    return st;
}

void cramp_output_abort(cramp_output *o)
{
    if (!o) return;
    if (o->stream && o->stream != stdout && o->stream != o->scratch) {
        fclose(o->stream);
        o->fd = -1;
    }
    o->stream = NULL;
    if (o->scratch) {
        fclose(o->scratch);
        o->scratch = NULL;
        o->fd = -1;
    }
    if (o->dest_fd >= 0 && !o->is_stdout) close(o->dest_fd);
    o->dest_fd = -1;
    if (o->fd >= 0 && !o->is_stdout) close(o->fd);
    o->fd = -1;
    release(o);
}
