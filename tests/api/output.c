/* SPDX-License-Identifier: GPL-3.0-or-later */
#define _DEFAULT_SOURCE /* mknod of a device, makedev */
#define _POSIX_C_SOURCE 200809L
/* The one safe output (cramp/output.h), through its public API: new and
 * existing regular files (permission bits kept), a symbolic link (stays a
 * link, its target replaced), a private null device, a FIFO and a Unix
 * socket (written directly, never replaced), a directory and a missing folder (clear error,
 * nothing left), an abort (the old file untouched), all-or-none commits, a
 * full device (a private copy of /dev/full made by mknod, never the
 * machine's own: ENOSPC named), the SEEKABLE scratch path, and a
 * signal removing every registered temporary file. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cramp/output.h"
#include "testutil.h"

static char g_dir[256];

static const char *at(const char *name) { return test_path_in(g_dir, name); }

static int write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f) return -1;
    fputs(text, f);
    return fclose(f);
}

static int file_is(const char *path, const char *text)
{
    char buf[256] = {0};
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    const size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    return n == strlen(text) && memcmp(buf, text, n) == 0;
}

/* Hidden temporary files (".NAME.XXXXXX") left in the scratch folder. */
static int leftovers(void)
{
    DIR *d = opendir(g_dir);
    if (!d) return -1;
    int n = 0;
    for (struct dirent *e; (e = readdir(d));)
        if (e->d_name[0] == '.' && strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) n++;
    closedir(d);
    return n;
}

/* A private full device (c 1 7) in the scratch folder, made once; 0 where
 * mknod is not permitted. Never the machine's /dev/full. */
static int have_full(void)
{
    struct stat sb;
    if (lstat(at("full"), &sb) == 0) return S_ISCHR(sb.st_mode);
    return mknod(at("full"), S_IFCHR | 0666, makedev(1, 7)) == 0;
}

static cramp_status put(const char *path, unsigned flags, const char *text, cramp_error *err)
{
    cramp_output *o;
    cramp_status st = cramp_output_open(&o, path, flags, err);
    if (st != CRAMP_OK) return st;
    FILE *f = cramp_output_stream(o, err);
    if (!f) {
        cramp_output_abort(o);
        return CRAMP_EIO;
    }
    fputs(text, f);
    return cramp_output_commit(o, err);
}

static void test_regular(void)
{
    cramp_error err;
    const mode_t old = umask(027);
    CHECK(put(at("new.txt"), 0, "one\n", &err) == CRAMP_OK, "new file: %s", err.message);
    struct stat sb;
    CHECK(stat(at("new.txt"), &sb) == 0 && (sb.st_mode & 0777) == 0640,
          "new file mode %o, expected 0640 under umask 027", (unsigned)(sb.st_mode & 0777));
    umask(old);
    CHECK(file_is(at("new.txt"), "one\n"), "new file content");

    CHECK(write_text(at("ro.txt"), "old\n") == 0 && chmod(at("ro.txt"), 0444) == 0, "setup");
    CHECK(put(at("ro.txt"), 0, "new\n", &err) == CRAMP_OK, "0444 file: %s", err.message);
    CHECK(stat(at("ro.txt"), &sb) == 0 && (sb.st_mode & 07777) == 0444,
          "0444 file came back %o", (unsigned)(sb.st_mode & 07777));
    CHECK(file_is(at("ro.txt"), "new\n"), "0444 file replaced");
    CHECK(chmod(at("ro.txt"), 0751) == 0, "setup");
    CHECK(put(at("ro.txt"), 0, "again\n", &err) == CRAMP_OK, "0751 file: %s", err.message);
    CHECK(stat(at("ro.txt"), &sb) == 0 && (sb.st_mode & 07777) == 0751,
          "0751 file came back %o", (unsigned)(sb.st_mode & 07777));

    /* abort: the old file exactly as it was, no temporary file */
    cramp_output *o;
    CHECK(cramp_output_open(&o, at("new.txt"), 0, &err) == CRAMP_OK, "open: %s", err.message);
    CHECK(!cramp_output_is_direct(o), "a regular file is not direct");
    CHECK(leftovers() == 1, "a temporary file exists while open (%d)", leftovers());
    fputs("half", cramp_output_stream(o, NULL));
    cramp_output_abort(o);
    CHECK(file_is(at("new.txt"), "one\n"), "abort left the old file");
    CHECK(leftovers() == 0, "abort left %d temporary files", leftovers());
}

static void test_symlink(void)
{
    cramp_error err;
    CHECK(write_text(at("target.txt"), "old\n") == 0, "setup");
    CHECK(symlink("target.txt", at("link.txt")) == 0, "symlink");
    CHECK(put(at("link.txt"), 0, "via link\n", &err) == CRAMP_OK, "link: %s", err.message);
    struct stat sb;
    CHECK(lstat(at("link.txt"), &sb) == 0 && S_ISLNK(sb.st_mode), "the link stays a link");
    CHECK(file_is(at("target.txt"), "via link\n"), "the link's target replaced");
    /* a dangling link: its target is made */
    CHECK(symlink("made.txt", at("dangling.txt")) == 0, "symlink");
    CHECK(put(at("dangling.txt"), 0, "made\n", &err) == CRAMP_OK, "dangling: %s", err.message);
    CHECK(lstat(at("dangling.txt"), &sb) == 0 && S_ISLNK(sb.st_mode), "dangling link stays");
    CHECK(file_is(at("made.txt"), "made\n"), "dangling link's target made");
    CHECK(leftovers() == 0, "links left %d temporary files", leftovers());
}

static void test_devices(void)
{
    cramp_error err;
    /* a private null device; mknod needs privilege, so skipped without it */
    if (mknod(at("null"), S_IFCHR | 0666, makedev(1, 3)) == 0) {
        cramp_output *o;
        CHECK(cramp_output_open(&o, at("null"), 0, &err) == CRAMP_OK, "null: %s", err.message);
        CHECK(cramp_output_is_direct(o), "a device is direct");
        fputs("gone\n", cramp_output_stream(o, NULL));
        CHECK(cramp_output_commit(o, &err) == CRAMP_OK, "null commit: %s", err.message);
        CHECK(put(at("null"), CRAMP_OUTPUT_SEEKABLE, "scratch\n", &err) == CRAMP_OK,
              "null seekable: %s", err.message);
        struct stat sb;
        CHECK(lstat(at("null"), &sb) == 0 && S_ISCHR(sb.st_mode), "the device stays a device");
    } else {
        printf("output: private null device skipped (mknod: %s)\n", strerror(errno));
    }

    /* a FIFO: the reader gets the data, the FIFO stays; SEEKABLE copies the
     * scratch file in order */
    CHECK(mkfifo(at("fifo"), 0600) == 0, "mkfifo");
    for (int seekable = 0; seekable < 2; seekable++) {
        const pid_t pid = fork();
        if (pid == 0) {
            FILE *f = fopen(at("fifo"), "r");
            char buf[64] = {0};
            const size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
            _exit(n == 9 && memcmp(buf, "via fifo\n", 9) == 0 ? 0 : 1);
        }
        CHECK(put(at("fifo"), seekable ? CRAMP_OUTPUT_SEEKABLE : 0, "via fifo\n", &err) ==
                  CRAMP_OK,
              "fifo: %s", err.message);
        int status = -1;
        waitpid(pid, &status, 0);
        CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the FIFO reader got the data");
        struct stat sb;
        CHECK(lstat(at("fifo"), &sb) == 0 && S_ISFIFO(sb.st_mode), "the FIFO stays a FIFO");
    }

    /* a Unix socket: connected to and written, left in place */
    const int srv = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un sa;
    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    snprintf(sa.sun_path, sizeof sa.sun_path, "%s", at("sock"));
    CHECK(srv >= 0 && bind(srv, (struct sockaddr *)&sa, sizeof sa) == 0 && listen(srv, 1) == 0,
          "socket setup");
    const pid_t spid = fork();
    if (spid == 0) {
        const int c = accept(srv, NULL, NULL);
        char buf[64] = {0};
        size_t got = 0;
        for (ssize_t k; c >= 0 && (k = read(c, buf + got, sizeof buf - 1 - got)) > 0;)
            got += (size_t)k;
        _exit(got == 11 && memcmp(buf, "via socket\n", 11) == 0 ? 0 : 1);
    }
    CHECK(put(at("sock"), 0, "via socket\n", &err) == CRAMP_OK, "socket: %s", err.message);
    int sstatus = -1;
    waitpid(spid, &sstatus, 0);
    CHECK(WIFEXITED(sstatus) && WEXITSTATUS(sstatus) == 0, "the socket's peer got the data");
    struct stat ssb;
    CHECK(lstat(at("sock"), &ssb) == 0 && S_ISSOCK(ssb.st_mode), "the socket stays a socket");
    close(srv);

    /* a full device: the reason is named */
    if (have_full()) {
        cramp_output *o;
        CHECK(cramp_output_open(&o, at("full"), 0, &err) == CRAMP_OK, "full: %s", err.message);
        FILE *f = cramp_output_stream(o, NULL);
        for (int i = 0; i < 2000; i++) fputs("0123456789abcdef\n", f);
        memset(&err, 0, sizeof err);
        CHECK(cramp_output_commit(o, &err) == CRAMP_EIO, "a full device fails");
        CHECK(strstr(err.message, at("full")) && strstr(err.message, strerror(ENOSPC)),
              "full device message: '%s'", err.message);
        struct stat sb;
        CHECK(lstat(at("full"), &sb) == 0 && S_ISCHR(sb.st_mode), "the full device stays");
    } else {
        printf("output: private full device skipped (mknod not permitted)\n");
    }
}

static void test_errors(void)
{
    cramp_error err;
    cramp_output *o = (cramp_output *)&err;
    CHECK(mkdir(at("adir"), 0755) == 0, "mkdir");
    memset(&err, 0, sizeof err);
    CHECK(cramp_output_open(&o, at("adir"), 0, &err) == CRAMP_EIO && o == NULL,
          "a directory fails");
    CHECK(strstr(err.message, "adir") && strstr(err.message, strerror(EISDIR)),
          "directory message: '%s'", err.message);
    memset(&err, 0, sizeof err);
    CHECK(cramp_output_open(&o, at("nofolder/x.tsv"), 0, &err) == CRAMP_EIO, "missing folder");
    CHECK(strstr(err.message, "nofolder/x.tsv") && strstr(err.message, strerror(ENOENT)),
          "missing folder message: '%s'", err.message);
    CHECK(cramp_output_open(&o, "", 0, &err) == CRAMP_EINVAL, "empty name");
    CHECK(cramp_output_open(NULL, "x", 0, &err) == CRAMP_EINVAL, "NULL out");
    cramp_output_abort(NULL);
    /* "-" is a file name unless asked otherwise */
    CHECK(cramp_output_open(&o, "-", CRAMP_OUTPUT_DASH_STDOUT, &err) == CRAMP_OK, "dash");
    CHECK(cramp_output_is_direct(o) && cramp_output_stream(o, NULL) == stdout, "dash is stdout");
    cramp_output_abort(o);
    CHECK(leftovers() == 0, "errors left %d temporary files", leftovers());
}

static void test_all_or_none(void)
{
    cramp_error err;
    CHECK(write_text(at("a.txt"), "old a\n") == 0 && write_text(at("b.txt"), "old b\n") == 0,
          "setup");
    cramp_output *o[3] = {NULL, NULL, NULL};
    CHECK(cramp_output_open(&o[0], at("a.txt"), 0, &err) == CRAMP_OK, "open a");
    CHECK(cramp_output_open(&o[1], at("b.txt"), 0, &err) == CRAMP_OK, "open b");
    fputs("new a\n", cramp_output_stream(o[0], NULL));
    fputs("new b\n", cramp_output_stream(o[1], NULL));
    if (have_full()) {
        CHECK(cramp_output_open(&o[2], at("full"), 0, &err) == CRAMP_OK, "open full");
        FILE *f = cramp_output_stream(o[2], NULL);
        for (int i = 0; i < 2000; i++) fputs("0123456789abcdef\n", f);
        CHECK(cramp_output_commit_all(o, 3, &err) != CRAMP_OK, "one failing output fails all");
        CHECK(file_is(at("a.txt"), "old a\n") && file_is(at("b.txt"), "old b\n"),
              "no output changed when one failed");
        CHECK(leftovers() == 0, "failed group left %d temporary files", leftovers());
        CHECK(cramp_output_open(&o[0], at("a.txt"), 0, &err) == CRAMP_OK, "open a");
        CHECK(cramp_output_open(&o[1], at("b.txt"), 0, &err) == CRAMP_OK, "open b");
        fputs("new a\n", cramp_output_stream(o[0], NULL));
        fputs("new b\n", cramp_output_stream(o[1], NULL));
    }
    o[2] = NULL;
    CHECK(cramp_output_commit_all(o, 3, &err) == CRAMP_OK, "group: %s", err.message);
    CHECK(file_is(at("a.txt"), "new a\n") && file_is(at("b.txt"), "new b\n"), "group written");
}

/* SEEKABLE on a regular file: the descriptor is the temporary file itself. */
static void test_seekable(void)
{
    cramp_error err;
    cramp_output *o;
    CHECK(cramp_output_open(&o, at("seek.bin"), CRAMP_OUTPUT_SEEKABLE, &err) == CRAMP_OK,
          "open: %s", err.message);
    const int fd = cramp_output_fd(o);
    CHECK(write(fd, "xxxxBB", 6) == 6 && pwrite(fd, "AAAA", 4, 0) == 4, "write and seek back");
    CHECK(cramp_output_commit(o, &err) == CRAMP_OK, "commit: %s", err.message);
    CHECK(file_is(at("seek.bin"), "AAAABB"), "seekable content");
}

/* A child holds outputs open and is killed: every temporary file goes, and
 * it ends by the signal. */
static void test_signal(int sig)
{
    int ready[2];
    CHECK(pipe(ready) == 0, "pipe");
    const pid_t pid = fork();
    if (pid == 0) {
        close(ready[0]);
        cramp_output_catch_signals();
        cramp_output *a, *b;
        if (cramp_output_open(&a, at("sig1.txt"), 0, NULL) != CRAMP_OK ||
            cramp_output_open(&b, at("sig2.bin"), CRAMP_OUTPUT_SEEKABLE, NULL) != CRAMP_OK)
            _exit(3);
        if (write(ready[1], "r", 1) != 1) _exit(4);
        for (;;) pause();
    }
    close(ready[1]);
    char c;
    CHECK(read(ready[0], &c, 1) == 1, "child ready");
    close(ready[0]);
    CHECK(leftovers() == 2, "two temporary files while open (%d)", leftovers());
    kill(pid, sig);
    int status = 0;
    waitpid(pid, &status, 0);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == sig, "child ended by signal %d", sig);
    CHECK(leftovers() == 0, "signal %d left %d temporary files", sig, leftovers());
    CHECK(access(at("sig1.txt"), F_OK) != 0, "no output made");
}

int main(void)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(g_dir, sizeof g_dir, "%s/cramp-output.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(g_dir)) {
        perror("mkdtemp");
        return 1;
    }
    test_regular();
    test_symlink();
    test_devices();
    test_errors();
    test_all_or_none();
    test_seekable();
    test_signal(SIGTERM);
    test_signal(SIGINT);
    test_signal(SIGHUP);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", g_dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", g_dir);
    return cramp_test_finish("output");
}
