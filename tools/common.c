/* Shared pieces of the cramp command; see common.h. */
#include "common.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char *g_name = "cramp";

void cli_set_name(const char *name) { g_name = name; }
const char *cli_name(void) { return g_name; }

static void vmessage(const char *fmt, va_list ap)
{
    fprintf(stderr, "%s: ", g_name);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

int cli_usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmessage(fmt, ap);
    va_end(ap);
    fprintf(stderr, "Try '%s --help'.\n", g_name);
    return CLI_USAGE;
}

int cli_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmessage(fmt, ap);
    va_end(ap);
    return CLI_FAIL;
}

void cli_note(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmessage(fmt, ap);
    va_end(ap);
}

int cli_bad_option(char *const argv[], int c)
{
    /* getopt was run with opterr = 0 and a leading ':' in optstring. optind
     * already points past the offending word. */
    const char *word = optind > 0 ? argv[optind - 1] : "?";
    if (c == ':') return cli_usage_error("option '%s' needs a value", word);
    if (optopt && optopt != '?' && !(word[0] == '-' && word[1] == '-'))
        return cli_usage_error("unknown option '-%c'", optopt);
    return cli_usage_error("unknown option '%s'", word);
}

int cli_parse_double(const char *s, double *out)
{
    if (!s || !*s) return -1;
    char *end = NULL;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || *end || !isfinite(v)) return -1;
    *out = v;
    return 0;
}

int cli_parse_size(const char *s, size_t *out)
{
    if (!s || *s < '0' || *s > '9') return -1;
    char *end = NULL;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end || v > SIZE_MAX) return -1;
    *out = (size_t)v;
    return 0;
}

int cli_parse_band(const char *s, double *lo, double *hi)
{
    /* Split at the first '-' after the first character, so "20-450" works
     * and a leading sign is left to strtod (and then rejected as <= 0). */
    if (!s || !*s) return -1;
    const char *dash = strchr(s + 1, '-');
    if (!dash) return -1;
    char buf[64];
    size_t n = (size_t)(dash - s);
    if (n >= sizeof buf) return -1;
    memcpy(buf, s, n);
    buf[n] = '\0';
    if (cli_parse_double(buf, lo) != 0) return -1;
    if (cli_parse_double(dash + 1, hi) != 0) return -1;
    return 0;
}

double cli_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* ---- input ------------------------------------------------------------- */

int cli_reader_open(cli_reader *r, const char *path)
{
    memset(r, 0, sizeof *r);
    r->path = path;
    struct stat st;
    if (stat(path, &st) != 0)
        return cli_fail("cannot open '%s': %s", path, strerror(errno));
    if (S_ISDIR(st.st_mode)) return cli_fail("cannot read '%s': it is a directory", path);
    if (S_ISREG(st.st_mode) && st.st_size == 0)
        return cli_fail("cannot read '%s': the file is empty", path);
    r->sf = sf_open(path, SFM_READ, &r->info);
    if (!r->sf)
        return cli_fail("cannot read '%s' as a sound file: %s", path, sf_strerror(NULL));
    if (r->info.channels <= 0 || r->info.samplerate <= 0) {
        cli_reader_close(r);
        return cli_fail("cannot read '%s': %d channels at %d Hz", path, r->info.channels,
                        r->info.samplerate);
    }
    return CLI_OK;
}

long cli_reader_read(cli_reader *r, float *buf, size_t max_frames)
{
    sf_count_t n = sf_readf_float(r->sf, buf, (sf_count_t)max_frames);
    if (n < 0 || (n < (sf_count_t)max_frames && sf_error(r->sf) != SF_ERR_NO_ERROR)) {
        cli_fail("error reading '%s': %s", r->path, sf_strerror(r->sf));
        return -1;
    }
    size_t ch = (size_t)r->info.channels;
    for (size_t i = 0; i < (size_t)n * ch; i++) {
        if (!isfinite(buf[i])) {
            cli_fail("'%s' holds a %s sample at frame %lld, channel %zu: not a valid recording",
                     r->path, isnan(buf[i]) ? "NaN" : "infinite",
                     (long long)(r->frames_read + (sf_count_t)(i / ch)), i % ch + 1);
            return -1;
        }
    }
    r->frames_read += n;
    return (long)n;
}

void cli_reader_close(cli_reader *r)
{
    if (r->sf) sf_close(r->sf);
    r->sf = NULL;
}

/* ---- atomic output ----------------------------------------------------- */

/* The temporary file of the output being written, for the signal handler. */
static char g_tmp[PATH_MAX + 64];
static volatile sig_atomic_t g_tmp_set;

static void on_signal(int sig)
{
    if (g_tmp_set) unlink(g_tmp); /* async-signal-safe */
    signal(sig, SIG_DFL);
    raise(sig);
}

static void install_handlers(void)
{
    static int done;
    if (done) return;
    done = 1;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
}

/* Creates the temporary file beside path; returns its descriptor or -1. */
static int make_temp(cli_output *o, const char *path)
{
    const char *slash = strrchr(path, '/');
    size_t dirlen = slash ? (size_t)(slash - path) + 1 : 0;
    const char *base = slash ? slash + 1 : path;
    if (!*base) {
        cli_fail("cannot write '%s': not a file name", path);
        return -1;
    }
    size_t need = dirlen + strlen(base) + 16;
    if (need > sizeof g_tmp) {
        cli_fail("cannot write '%s': path too long", path);
        return -1;
    }
    o->tmp_path = malloc(need);
    if (!o->tmp_path) {
        cli_fail("out of memory");
        return -1;
    }
    snprintf(o->tmp_path, need, "%.*s.%s.XXXXXX", (int)dirlen, path, base);
    install_handlers();
    /* Block the signals while the name is being created and published, so the
     * handler never misses a file that exists. */
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGHUP);
    sigprocmask(SIG_BLOCK, &block, &old);
    int fd = mkstemp(o->tmp_path);
    int saved = errno;
    if (fd >= 0) {
        memcpy(g_tmp, o->tmp_path, strlen(o->tmp_path) + 1);
        g_tmp_set = 1;
    }
    sigprocmask(SIG_SETMASK, &old, NULL);
    if (fd < 0) {
        cli_fail("cannot write '%s': %s", path, strerror(saved));
        free(o->tmp_path);
        o->tmp_path = NULL;
    }
    return fd;
}

int cli_output_open_text(cli_output *o, const char *path)
{
    memset(o, 0, sizeof *o);
    o->path = path;
    if (strcmp(path, "-") == 0) {
        o->fp = stdout;
        return CLI_OK;
    }
    int fd = make_temp(o, path);
    if (fd < 0) return CLI_FAIL;
    o->fp = fdopen(fd, "w");
    if (!o->fp) {
        int saved = errno;
        close(fd);
        cli_output_abort(o);
        return cli_fail("cannot write '%s': %s", path, strerror(saved));
    }
    return CLI_OK;
}

int cli_output_open_sound(cli_output *o, const char *path, int samplerate, int channels,
                          int64_t frames_hint)
{
    memset(o, 0, sizeof *o);
    o->path = path;
    if (strcmp(path, "-") == 0)
        return cli_fail("writing sound to stdout is not supported; give a file name with -o");
    SF_INFO info;
    memset(&info, 0, sizeof info);
    info.samplerate = samplerate;
    info.channels = channels;
    /* A RIFF WAV's sizes are 32-bit: past 4 GB of data use RF64. */
    double bytes = (double)frames_hint * (double)channels * 4.0;
    int container = bytes > 4e9 ? SF_FORMAT_RF64 : SF_FORMAT_WAV;
    info.format = container | SF_FORMAT_FLOAT;
    if (!sf_format_check(&info))
        return cli_fail("cannot write '%s': %d channels at %d Hz is not a valid WAV format",
                        path, channels, samplerate);
    int fd = make_temp(o, path);
    if (fd < 0) return CLI_FAIL;
    o->sf = sf_open_fd(fd, SFM_WRITE, &info, 1);
    if (!o->sf) {
        const char *msg = sf_strerror(NULL);
        close(fd);
        cli_output_abort(o);
        return cli_fail("cannot write '%s': %s", path, msg);
    }
    sf_command(o->sf, SFC_SET_ADD_PEAK_CHUNK, NULL, SF_FALSE);
    return CLI_OK;
}

int cli_output_write_sound(cli_output *o, const float *buf, size_t frames)
{
    sf_count_t n = sf_writef_float(o->sf, buf, (sf_count_t)frames);
    if (n != (sf_count_t)frames) {
        int rc = cli_fail("error writing '%s': %s", o->path, sf_strerror(o->sf));
        cli_output_abort(o);
        return rc;
    }
    return CLI_OK;
}

static void forget_temp(void)
{
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGHUP);
    sigprocmask(SIG_BLOCK, &block, &old);
    g_tmp_set = 0;
    g_tmp[0] = '\0';
    sigprocmask(SIG_SETMASK, &old, NULL);
}

int cli_output_commit(cli_output *o)
{
    if (!o->tmp_path) {
        /* stdout */
        if (fflush(o->fp) != 0 || ferror(o->fp))
            return cli_fail("error writing to stdout: %s", strerror(errno));
        return CLI_OK;
    }
    if (o->fp) {
        int bad = fflush(o->fp) != 0 || ferror(o->fp) || fsync(fileno(o->fp)) != 0;
        int saved = errno;
        bad |= fclose(o->fp) != 0;
        o->fp = NULL;
        if (bad) {
            cli_output_abort(o);
            return cli_fail("error writing '%s': %s", o->path, strerror(saved ? saved : errno));
        }
    }
    if (o->sf) {
        sf_write_sync(o->sf);
        int err = sf_error(o->sf);
        int cerr = sf_close(o->sf);
        o->sf = NULL;
        if (err != SF_ERR_NO_ERROR || cerr != 0) {
            cli_output_abort(o);
            return cli_fail("error writing '%s': %s", o->path, sf_error_number(err ? err : cerr));
        }
    }
    /* mkstemp makes the file 0600; give it the mode a plain open would. */
    mode_t mask = umask(0);
    umask(mask);
    chmod(o->tmp_path, (mode_t)(0666 & ~mask));
    if (rename(o->tmp_path, o->path) != 0) {
        int saved = errno;
        cli_output_abort(o);
        return cli_fail("cannot write '%s': %s", o->path, strerror(saved));
    }
    forget_temp();
    free(o->tmp_path);
    o->tmp_path = NULL;
    return CLI_OK;
}

void cli_output_abort(cli_output *o)
{
    if (o->fp && o->fp != stdout) fclose(o->fp);
    o->fp = NULL;
    if (o->sf) sf_close(o->sf);
    o->sf = NULL;
    if (o->tmp_path) {
        unlink(o->tmp_path);
        forget_temp();
        free(o->tmp_path);
        o->tmp_path = NULL;
    }
}

/* ---- progress ---------------------------------------------------------- */

void cli_progress_init(cli_progress *p, int quiet)
{
    p->enabled = !quiet && isatty(STDERR_FILENO);
    p->last = cli_now();
    p->shown = 0;
}

void cli_progress_update(cli_progress *p, double fraction, int64_t frames)
{
    if (!p->enabled) return;
    double now = cli_now();
    if (now - p->last < 0.25) return;
    p->last = now;
    p->shown = 1;
    if (fraction >= 0)
        fprintf(stderr, "\r%s: %5.1f%%", g_name, 100.0 * (fraction > 1 ? 1 : fraction));
    else
        fprintf(stderr, "\r%s: %lld frames", g_name, (long long)frames);
    fflush(stderr);
}

void cli_progress_done(cli_progress *p)
{
    if (p->enabled && p->shown) fprintf(stderr, "\r\033[K");
    p->shown = 0;
}
