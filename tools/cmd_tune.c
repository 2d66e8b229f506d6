/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cramp tune: runs a simulated night (two rate groups, written by the
 * simulator to a temporary EDF and read through cramp_night_run_recording,
 * as cramp detect reads a file) through the night driver for every block
 * size, SIMD path and
 * FFTW planner effort, each run in a child process of its own (FFTW's
 * planner and wisdom are process-wide: a timed plan made in one candidate's
 * run would otherwise serve the next), in interleaved rounds; keeps the
 * fastest by CPU time whose episodes are bit-identical to the reference
 * (block 4096, scalar path, FFTW_ESTIMATE); then, with that setting, every
 * thread count from 1 to the online cores in interleaved rounds ranked by
 * wall time (CPU time cannot show a gain from threads: it sums over them),
 * and saves the choice (cramp/tuning.h). */
#include "cmd_tune.h"

#include <errno.h>
#include <signal.h>
#include <getopt.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common.h"
#include "cramp/detect.h"
#include "cramp/night.h"
#include "cramp/output.h"
#include "cramp/recording.h"
#include "cramp/synth.h"
#include "cramp/tuning.h"

/* ---- the tuning in force, for the other commands ----------------------- */

static cramp_tuning g_tuning;

void cli_tuning_apply(cramp_night_options *opt, int no_tuning, int quiet)
{
    if (no_tuning) return;
    cramp_tuning_state state;
    char note[CRAMP_TUNING_PATH_SIZE + 512];
    cramp_error err;
    cramp_tuning_find(NULL, &g_tuning, &state, note, sizeof note, &err);
    switch (state) {
    case CRAMP_TUNING_IN_FORCE: cramp_tuning_apply(&g_tuning, opt); break;
    case CRAMP_TUNING_OTHER_CPU:
        if (!quiet) cli_note("tuning: %s (run cramp tune, or --no-tuning)", note);
        break;
    case CRAMP_TUNING_REFUSED:
        cli_note("warning: tuning file refused, running untuned: %s", err.message);
        break;
    case CRAMP_TUNING_NONE: break;
    }
}

size_t cli_tuning_threads(void)
{
    /* cramp_tuning_find leaves an untuned value (threads 0) unless a file
     * for this CPU is in force; g_tuning is all zeros if never looked for. */
    return g_tuning.threads;
}

void cli_tuning_describe(FILE *out)
{
    cramp_tuning t;
    cramp_tuning_state state;
    char note[CRAMP_TUNING_PATH_SIZE + 512];
    cramp_tuning_find(NULL, &t, &state, note, sizeof note, NULL);
    fprintf(out, "tuning: %s\n", note);
}

/* ---- the tuning night ---------------------------------------------------- */

/* The tuning night is written to a plain EDF file (16-bit, 1-s records, one
 * rate per signal: 8 channels at 2 kHz and 4 at 512 Hz) in $TMPDIR by the
 * library's writer (cramp_edf_write_config.channel_fs) and timed through
 * cramp_night_run_recording, the path cramp detect takes on a file (on 2
 * threads a recording's blocks are read by either thread, which a callback
 * source cannot show); the records are made one at a time from the
 * simulator, the memory bounded by one record. */
typedef struct night_file {
    char path[4096];
    size_t n;           /* channels */
    uint64_t samples;   /* frames x channels, padding of the last record included */
} night_file;

/* What tune leaves in the file system while it runs (the night's file, the
 * scratch wisdom and its folder), for the signal handler: removed however
 * tune ends. */
static volatile sig_atomic_t g_night_made, g_scratch_made;
static char g_night_path[4096];
static char g_scratch[64], g_wisdom[3][64];

static void tune_clean(void)
{
    if (g_night_made) unlink(g_night_path);
    g_night_made = 0;
    if (g_scratch_made) {
        for (int e = 0; e < 3; e++) unlink(g_wisdom[e]);
        rmdir(g_scratch);
    }
    g_scratch_made = 0;
}

static void tune_on_signal(int sig)
{
    cramp_output_remove_all_temporaries(); /* the night's writer's, while it writes */
    tune_clean();
    signal(sig, SIG_DFL);
    raise(sig);
}

static const int tune_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE};

static void tune_signals_set(void (*handler)(int))
{
    for (size_t i = 0; i < sizeof tune_signals / sizeof tune_signals[0]; i++)
        signal(tune_signals[i], handler);
}

/* The simulated night (default scenario, busier) of `channels` at fs. */
static int night_synth(cramp_synth **s, double fs, size_t channels, double minutes,
                       uint64_t seed)
{
    /* Busy: every kind of episode within a few minutes, so that the
     * comparison of episodes has something to compare. */
    static const char busy[] = "cramp_per_hour 45\n"
                               "plm_series_per_hour 30\n"
                               "burst_per_hour 300\n"
                               "movement_per_hour 60\n"
                               "motion_per_hour 60\n"
                               "pop_per_hour 30\n";
    cramp_scenario sc;
    cramp_scenario_default(&sc);
    cramp_error err;
    if (cramp_scenario_parse(&sc, busy, &err) != CRAMP_OK)
        return cli_fail("cannot simulate the tuning night: %s", err.message);
    sc.fs = fs;
    sc.channels = channels;
    sc.duration_min = minutes;
    sc.seed = seed;
    if (cramp_synth_create(s, &sc, &err) != CRAMP_OK)
        return cli_fail("cannot simulate the tuning night: %s", err.message);
    return CLI_OK;
}

enum { NIGHT_GROUPS = 2 };
static const double night_fs[NIGHT_GROUPS] = {2000, 512};
static const size_t night_ch[NIGHT_GROUPS] = {8, 4};

/* Writes the tuning night to a new file in $TMPDIR (or /tmp), its name in
 * m->path and g_night_path, removed on a signal from here on (the writer's
 * temporary file beside it too: tune_on_signal). */
static int night_write(night_file *m, double minutes, uint64_t seed)
{
    memset(m, 0, sizeof *m);
    const char *dir = getenv("TMPDIR");
    if (!dir || !dir[0]) dir = "/tmp";
    if (snprintf(m->path, sizeof m->path, "%s/cramp-tune-night.XXXXXX", dir) >=
        (int)sizeof m->path)
        return cli_fail("%s: the folder's name is too long for the tuning night's file", dir);
    /* The tuning signals held from mkstemp until g_night_made says the file
       is there: a signal between the two would leave it behind (seen once,
       a SIGTERM in tests/cli/cli_tuning.sh under load 10). */
    sigset_t hold, old;
    sigemptyset(&hold);
    for (size_t i = 0; i < sizeof tune_signals / sizeof tune_signals[0]; i++)
        sigaddset(&hold, tune_signals[i]);
    sigprocmask(SIG_BLOCK, &hold, &old);
    const int fd = mkstemp(m->path); /* a name of our own; the writer replaces the file */
    if (fd < 0) {
        const int e = errno;
        sigprocmask(SIG_SETMASK, &old, NULL);
        snprintf(m->path, sizeof m->path, "%s/cramp-tune-night.XXXXXX", dir); /* as tried */
        return cli_fail("%s: cannot make the tuning night's file: %s", m->path, strerror(e));
    }
    close(fd);
    snprintf(g_night_path, sizeof g_night_path, "%s", m->path);
    g_night_made = 1;
    sigprocmask(SIG_SETMASK, &old, NULL);

    cramp_synth *s[NIGHT_GROUPS] = {NULL, NULL};
    int rc = CLI_OK;
    for (size_t g = 0; g < NIGHT_GROUPS && rc == CLI_OK; g++)
        rc = night_synth(&s[g], night_fs[g], night_ch[g], minutes, seed + g);
    uint64_t records = 0;
    size_t spr = 0, ns = 0; /* samples per record of all signals; signals */
    const char *label[CRAMP_DETECT_MAX_CHANNELS];
    double rate[CRAMP_DETECT_MAX_CHANNELS];
    for (size_t g = 0; g < NIGHT_GROUPS && rc == CLI_OK; g++) {
        const uint64_t fs = (uint64_t)night_fs[g];
        const uint64_t r = (cramp_synth_total_frames(s[g]) + fs - 1) / fs;
        if (r > records) records = r;
        spr += (size_t)fs * night_ch[g];
        for (size_t k = 0; k < night_ch[g]; k++, ns++) {
            label[ns] = cramp_synth_channel_label(s[g], k);
            rate[ns] = night_fs[g];
        }
    }
    float *buf = malloc(2000 * 8 * sizeof *buf); /* one group's second, interleaved */
    float *rec = malloc(spr * sizeof *rec);      /* one record, channel after channel */
    if (rc == CLI_OK && (!buf || !rec)) rc = cli_fail("out of memory");
    cramp_scenario sc; /* the simulator's range, clipped to as it is */
    cramp_scenario_default(&sc);
    cramp_edf_write_config cfg;
    cramp_edf_write_config_default(&cfg);
    cfg.channels = ns;
    cfg.labels = label;
    cfg.channel_fs = rate;
    cfg.phys_min = -sc.range_uv;
    cfg.phys_max = sc.range_uv;
    cfg.plain = 1; /* no annotation signal: a plain EDF, as the night has always been */
    cfg.patient = "X X X X";
    cfg.recording = "cramp tune's night";
    cramp_edf_writer *w = NULL;
    cramp_error err;
    if (rc == CLI_OK && cramp_edf_writer_create(&w, m->path, &cfg, &err) != CRAMP_OK)
        rc = cli_fail("cannot write the tuning night: %s", err.message);
    /* Each record: every signal's second of samples (the last record padded
     * with zeros). */
    const float *x[CRAMP_DETECT_MAX_CHANNELS];
    for (uint64_t r = 0; r < records && rc == CLI_OK; r++) {
        size_t at = 0, c = 0;
        for (size_t g = 0; g < NIGHT_GROUPS; g++) {
            const size_t fs = (size_t)night_fs[g], nch = night_ch[g];
            size_t got = 0;
            while (got < fs) {
                const size_t k = cramp_synth_generate(s[g], buf + got * nch, fs - got);
                if (k == 0) break;
                got += k;
            }
            for (size_t k = 0; k < nch; k++, c++) {
                x[c] = rec + at;
                for (size_t i = 0; i < fs; i++)
                    rec[at++] = i < got ? buf[i * nch + k] : 0.0f;
            }
        }
        if (cramp_edf_writer_write_signals(w, x, 1, &err) != CRAMP_OK)
            rc = cli_fail("cannot write the tuning night: %s", err.message);
    }
    if (w && rc != CLI_OK)
        cramp_edf_writer_abort(w);
    else if (w && cramp_edf_writer_close(w, &err) != CRAMP_OK)
        rc = cli_fail("cannot write the tuning night: %s", err.message);
    m->n = ns;
    m->samples = records * spr;
    free(buf);
    free(rec);
    for (size_t g = 0; g < NIGHT_GROUPS; g++) cramp_synth_destroy(s[g]);
    return rc;
}

/* ---- one candidate -------------------------------------------------------- */

typedef struct candidate {
    size_t block;
    cramp_simd simd;
    cramp_fft_effort effort;
    size_t threads;      /* the night driver's worker threads (1: none) */
    size_t parts;        /* its channels per part (0: one SIMD vector) */
    double best_s;       /* least CPU time of a timed run, s; HUGE_VAL before any */
    double best_wall_s;  /* least wall time of a timed run, s */
    int differs;         /* episodes not those of the reference: run no more */
    uint64_t hash;       /* of the episodes */
    size_t episodes;
    int failed;
    char error[CRAMP_ERROR_MESSAGE_SIZE];
} candidate;

/* What a child sends back through its pipe. */
typedef struct child_report {
    int status;          /* cramp_status of the runs */
    double seconds;      /* the timed run: CPU time of the process, s */
    double wall_s;       /* and its wall time */
    uint64_t hash;
    size_t episodes;
    char error[CRAMP_ERROR_MESSAGE_SIZE];
} child_report;

static void hash_bytes(uint64_t *h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) {
        *h ^= b[i];
        *h *= 1099511628211ull;
    }
}

static void hash_double(uint64_t *h, double v) { hash_bytes(h, &v, sizeof v); }
static void hash_size(uint64_t *h, uint64_t v) { hash_bytes(h, &v, sizeof v); }

/* Every field of every episode, bit for bit (doubles as their bytes). */
static uint64_t hash_result(const cramp_night_result *r)
{
    uint64_t h = 14695981039346656037ull;
    hash_size(&h, r->n_episodes);
    hash_double(&h, r->mains_hz);
    for (size_t i = 0; i < r->n_episodes; i++) {
        const cramp_episode *e = &r->episodes[i];
        const double d[] = {e->onset_s, e->offset_s, e->duration_s, e->rms_uv, e->rest_uv,
                            e->rms_x_rest, e->peak_uv, e->mnf_start_hz, e->mnf_end_hz,
                            e->mdf_start_hz, e->mdf_end_hz, e->mnf_slope_hz_s, e->lf_ratio,
                            e->kurtosis, e->tonic_fraction, e->rise_interval_s, e->rise_cv,
                            e->clip_fraction, e->flat_fraction, e->prev_interval_s,
                            e->next_interval_s, e->confidence};
        for (size_t k = 0; k < sizeof d / sizeof d[0]; k++) hash_double(&h, d[k]);
        const uint64_t z[] = {(uint64_t)e->type, e->channels, e->n_channels, e->main_channel,
                              e->kurtosis_blocks, e->bursts, e->rises, (uint64_t)e->series};
        for (size_t k = 0; k < sizeof z / sizeof z[0]; k++) hash_size(&h, z[k]);
        if (e->reason) hash_bytes(&h, e->reason, strlen(e->reason));
    }
    return h;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* CPU time of this process (all its threads): on a shared machine far less
 * disturbed by other work than wall time, which counts the time the process
 * waited for a core. It cannot show a gain from threads (it sums over them,
 * and handing blocks between threads only adds to it): the thread-count axis
 * is ranked by wall time. */
static double cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* The night under candidate c's settings, once to warm up (page faults,
 * FFTW planning) and once timed. Runs in the child. */
static void run_candidate(const night_file *m, const candidate *c, const char *wisdom,
                          child_report *rep)
{
    cramp_night_options opt;
    cramp_night_options_default(&opt);
    opt.block_frames = c->block;
    opt.detect.simd = c->simd;
    opt.detect.fft_effort = c->effort;
    opt.detect.fft_wisdom = c->effort == CRAMP_FFT_ESTIMATE ? NULL : wisdom;
    opt.mains_hz = -1;
    opt.threads = c->threads;
    opt.part_channels = c->parts;
    cramp_error err;
    cramp_night_result res;
    memset(rep, 0, sizeof *rep);
    /* Opened in the child (its own descriptor; the reader preads). */
    cramp_recording *rec = NULL;
    cramp_status st = cramp_recording_open(&rec, m->path, NULL, &err);
    for (int pass = 0; pass < 2 && st == CRAMP_OK; pass++) {
        const double t0 = now_s(), c0 = cpu_s();
        st = cramp_night_run_recording(rec, &opt, &res, &err);
        const double t1 = now_s(), c1 = cpu_s();
        if (st != CRAMP_OK) break;
        rep->seconds = c1 - c0;
        rep->wall_s = t1 - t0;
        rep->hash = hash_result(&res);
        rep->episodes = res.n_episodes;
        cramp_night_result_free(&res);
    }
    if (rec) cramp_recording_close(rec);
    if (st != CRAMP_OK) {
        rep->status = st;
        snprintf(rep->error, sizeof rep->error, "%s", err.message);
    }
}

/* Runs candidate c in a child and folds its report into c. */
static void measure(const night_file *m, candidate *c, const char *wisdom)
{
    int fd[2];
    if (pipe(fd) != 0) {
        c->failed = 1;
        snprintf(c->error, sizeof c->error, "pipe: %s", strerror(errno));
        return;
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        close(fd[0]);
        child_report rep;
        run_candidate(m, c, wisdom, &rep);
        ssize_t w = write(fd[1], &rep, sizeof rep);
        _exit(w == (ssize_t)sizeof rep ? 0 : 1);
    }
    close(fd[1]);
    child_report rep;
    memset(&rep, 0, sizeof rep);
    ssize_t got = pid > 0 ? read(fd[0], &rep, sizeof rep) : -1;
    close(fd[0]);
    int ws = 0;
    if (pid > 0) waitpid(pid, &ws, 0);
    if (pid < 0 || got != (ssize_t)sizeof rep || !WIFEXITED(ws) || WEXITSTATUS(ws) != 0) {
        c->failed = 1;
        snprintf(c->error, sizeof c->error, "the measuring process failed");
        return;
    }
    if (rep.status != CRAMP_OK) {
        c->failed = 1;
        snprintf(c->error, sizeof c->error, "%s", rep.error);
        return;
    }
    if (isfinite(c->best_s) && rep.hash != c->hash) {
        c->failed = 1;
        snprintf(c->error, sizeof c->error, "episodes differ from run to run");
        return;
    }
    c->hash = rep.hash;
    c->episodes = rep.episodes;
    if (rep.seconds < c->best_s) c->best_s = rep.seconds;
    if (rep.wall_s < c->best_wall_s) c->best_wall_s = rep.wall_s;
}

/* ---- the thread count ----------------------------------------------------- */

/* Most thread counts tried (one per online core up to this). */
#define TUNE_MAX_THREADS 64

/* The night driver's default channels per part: the filters' vector. */
static size_t vector_width(void)
{
    const cramp_simd b = cramp_simd_best();
    return b == CRAMP_SIMD_AVX512 ? 8 : b == CRAMP_SIMD_AVX2 ? 4 : 1;
}

/* With the chosen setting `base`, runs 1 .. `max` threads in `rounds`
 * interleaved rounds (each round starting one further along), each count
 * above 1 with parts of one vector (the driver's default) and of half a
 * vector (more parts for the threads; a narrower part costs as much per
 * frame), into tc[] (room for 2 x max); *n gets how many. Returns the index
 * of the one kept: the least wall time among those whose episodes hash to
 * `want`, if it beats 1 thread's by more than 3 %, else 0 (1 thread). Wall
 * time, not CPU time: threads add CPU time (the hand-over of blocks) and
 * gain only in time to the result. */
static size_t tune_threads(const night_file *m, const candidate *base, size_t max, size_t rounds,
                           uint64_t want, char wisdom[][64], int quiet, candidate *tc,
                           size_t *n)
{
    const size_t vec = vector_width();
    size_t nt = 0;
    for (size_t th = 1; th <= max; th++)
        for (size_t w = 0; w < (th > 1 && vec > 1 ? 2u : 1u); w++) {
            candidate *k = &tc[nt++];
            *k = *base;
            k->threads = th;
            k->parts = w ? vec / 2 : 0;
            k->best_s = k->best_wall_s = HUGE_VAL;
            k->differs = k->failed = 0;
            k->hash = 0;
            k->episodes = 0;
            k->error[0] = '\0';
        }
    *n = nt;
    if (max < 2) return 0;
    for (size_t r = 0; r < rounds; r++) {
        if (!quiet) cli_note("threads, round %zu of %zu: 1 to %zu threads", r + 1, rounds, max);
        for (size_t i = 0; i < nt; i++) {
            candidate *k = &tc[(i + r) % nt];
            if (k->failed || k->differs) continue;
            measure(m, k, wisdom[k->effort]);
            if (!k->failed && k->hash != want) k->differs = 1;
        }
    }
    if (tc[0].failed || tc[0].hash != want) return 0;
    size_t fast = 0;
    for (size_t i = 1; i < nt; i++)
        if (!tc[i].failed && tc[i].hash == want && tc[i].best_wall_s < tc[fast].best_wall_s)
            fast = i;
    return tc[fast].best_wall_s < tc[0].best_wall_s / 1.03 ? fast : 0;
}

/* ---- the command ---------------------------------------------------------- */

void cmd_tune_help(FILE *out)
{
    fputs("Usage: cramp tune [OPTIONS]\n"
          "\n"
          "Finds the fastest settings of the night driver on this machine and saves them\n"
          "for cramp detect and cramp batch (which apply them unless --no-tuning). A\n"
          "simulated night (8 channels at 2 kHz and 4 at 512 Hz, the default scenario\n"
          "with more events) is written to a temporary EDF in $TMPDIR (default /tmp;\n"
          "removed at the end, on an error or a signal) and detected as cramp detect\n"
          "detects a file (cramp_night_run_recording) with every block size (1024,\n"
          "4096, 16384, 65536 frames), SIMD path this CPU runs and FFTW planner effort\n"
          "(estimate, measure, patient), each run in a process of its own, in interleaved\n"
          "rounds; a setting's least CPU time counts (a shared machine disturbs it less\n"
          "than wall time). A setting whose episodes are not bit-identical to the\n"
          "reference's (4096 frames, scalar, estimate) is dropped after its first run.\n"
          "The fastest is kept if it beats the untuned default (4096, best path,\n"
          "estimate) by more than 3 %, a timed FFTW planner only if it beats that by 3 %\n"
          "more (its plans for sizes this night lacks are not checked).\n"
          "\n"
          "Then, with the chosen setting, every thread count from 1 to the online cores\n"
          "(the night driver's worker threads for one recording; its episodes are the\n"
          "same bits for any count, and a count whose episodes differ is dropped) in\n"
          "interleaved rounds, ranked by least WALL time: CPU time cannot show a gain\n"
          "from threads (it sums over them, and handing blocks between threads adds to\n"
          "it), so this axis is disturbed by other work on a shared machine. More than\n"
          "1 thread is kept only if it beats 1 thread by more than 3 %. Each count above\n"
          "1 runs with parts of one SIMD vector (the default) and of half a vector (more\n"
          "parts for the threads, saved as part_channels when it wins). cramp detect\n"
          "uses the saved count unless --threads is given (without a tuning: one per\n"
          "core); cramp batch keeps 1 per recording unless --threads-per-night (its\n"
          "jobs already fill the cores).\n"
          "\n"
          "The choice is saved under the CPU's model and flags in\n"
          "$XDG_CONFIG_HOME/cramp/tuning (default ~/.config/cramp/tuning), FFTW wisdom\n"
          "beside it (fftw-wisdom); a file for another CPU is ignored with a note.\n"
          "'cramp --version' says which tuning is in force. The results never depend\n"
          "on it: only speed does.\n"
          "\n"
          "Options:\n"
          "  -o, --output FILE   the tuning file (default: the path above)\n"
          "  --minutes M         length of the simulated night (default 4)\n"
          "  --rounds N          timed rounds over all settings (default 5)\n"
          "  --seed N            simulator seed (default 1)\n"
          "  --dry-run           measure and print, save nothing\n"
          "  --quiet             no table on stderr\n"
          "  -h, --help          show this help\n"
          "\n"
          "The tables (stderr): each setting's least CPU and wall time, M samples per CPU\n"
          "second, and whether its episodes matched; then each thread count's (and part\n"
          "width's) least wall and CPU time and M samples per wall second. Exit status 0\n"
          "when saved (or --dry-run), 1 on failure.\n"
          "\n"
          "Example: cramp tune --minutes 1 --rounds 1 --dry-run\n",
          out);
}

enum { OPT_MINUTES = 256, OPT_ROUNDS, OPT_SEED, OPT_DRY, OPT_QUIET };

/* mkdir -p of path's folder. */
static int make_folder(const char *path)
{
    char dir[CRAMP_TUNING_PATH_SIZE];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (!slash || slash == dir) return CLI_OK;
    *slash = '\0';
    for (char *p = dir + 1; *p; p++) {
        if (*p != '/') continue;
        *p = '\0';
        if (mkdir(dir, 0777) != 0 && errno != EEXIST)
            return cli_fail("%s: cannot make the folder: %s", dir, strerror(errno));
        *p = '/';
    }
    if (mkdir(dir, 0777) != 0 && errno != EEXIST)
        return cli_fail("%s: cannot make the folder: %s", dir, strerror(errno));
    return CLI_OK;
}

/* Copies file src to dst through the safe output. */
static int copy_file(const char *src, const char *dst)
{
    FILE *in = fopen(src, "rb");
    if (!in) return cli_fail("%s: cannot read: %s", src, strerror(errno));
    cramp_output *o;
    cramp_error err;
    if (cramp_output_open(&o, dst, 0, &err) != CRAMP_OK) {
        fclose(in);
        return cli_fail("%s", err.message);
    }
    FILE *f = cramp_output_stream(o, &err);
    char buf[8192];
    size_t k;
    int ok = f != NULL;
    while (ok && (k = fread(buf, 1, sizeof buf, in)) > 0) ok = fwrite(buf, 1, k, f) == k;
    ok = ok && !ferror(in);
    fclose(in);
    if (!ok) {
        cramp_output_abort(o);
        return cli_fail("%s: cannot write", dst);
    }
    if (cramp_output_commit(o, &err) != CRAMP_OK) return cli_fail("%s", err.message);
    return CLI_OK;
}

int cmd_tune(int argc, char *argv[])
{
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'},  {"minutes", required_argument, NULL, OPT_MINUTES},
        {"rounds", required_argument, NULL, OPT_ROUNDS}, {"seed", required_argument, NULL, OPT_SEED},
        {"dry-run", no_argument, NULL, OPT_DRY},   {"quiet", no_argument, NULL, OPT_QUIET},
        {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0}};
    const char *out = NULL;
    double minutes = 4;
    size_t rounds = 5, seed = 1;
    int dry = 0, quiet = 0;
    opterr = 0;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, ":o:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'h': cmd_tune_help(stdout); return CLI_OK;
        case 'o': out = optarg; break;
        case OPT_MINUTES:
            if (cli_parse_double(optarg, &minutes) != 0 || !(minutes >= 0.5 && minutes <= 120))
                return cli_usage_error("--minutes wants a number in [0.5, 120], not '%s'", optarg);
            break;
        case OPT_ROUNDS:
            if (cli_parse_size(optarg, &rounds) != 0 || rounds < 1 || rounds > 100)
                return cli_usage_error("--rounds wants a whole number in 1..100, not '%s'", optarg);
            break;
        case OPT_SEED:
            if (cli_parse_size(optarg, &seed) != 0)
                return cli_usage_error("--seed wants a whole number, not '%s'", optarg);
            break;
        case OPT_DRY: dry = 1; break;
        case OPT_QUIET: quiet = 1; break;
        default: return cli_bad_option(argv, c);
        }
    }
    if (optind < argc) return cli_usage_error("takes no arguments ('%s')", argv[optind]);

    char path[CRAMP_TUNING_PATH_SIZE];
    cramp_error err;
    if (out) {
        if (strlen(out) >= sizeof path - 32) return cli_usage_error("-o: the path is too long");
        snprintf(path, sizeof path, "%s", out);
    } else if (cramp_tuning_default_path(path, sizeof path, &err) != CRAMP_OK) {
        return cli_fail("%s (give -o FILE)", err.message);
    }
    if (!dry && make_folder(path) != CLI_OK) return CLI_FAIL;

    /* Scratch wisdom, one file per effort: wisdom of a more patient planner
     * would serve a less patient one's plans. */
    char scratch[] = "/tmp/cramp-tune.XXXXXX";
    if (!mkdtemp(scratch)) return cli_fail("cannot make a scratch folder: %s", strerror(errno));
    char wisdom[3][64];
    _Static_assert(sizeof scratch + 32 <= 64, "the wisdom paths fit");
    for (int e = 0; e < 3; e++)
        snprintf(wisdom[e], sizeof wisdom[e], "%s/wisdom-%s", scratch,
                 cramp_tuning_effort_name((cramp_fft_effort)e));
    memcpy(g_scratch, scratch, sizeof scratch);
    memcpy(g_wisdom, wisdom, sizeof wisdom);
    g_scratch_made = 1;
    tune_signals_set(tune_on_signal);

    night_file m;
    if (!quiet) cli_note("simulating the tuning night: %.3g min, 8 ch at 2000 Hz + 4 at 512 Hz",
                         minutes);
    int rc = night_write(&m, minutes, seed);
    if (rc == CLI_OK && !quiet)
        cli_note("timing cramp_night_run_recording on %s (EDF, as cramp detect reads a file)",
                 m.path);

    static const size_t blocks[] = {1024, 4096, 16384, 65536};
    static const cramp_simd paths[] = {CRAMP_SIMD_SCALAR, CRAMP_SIMD_AVX2, CRAMP_SIMD_AVX512};
    candidate cand[4 * 3 * 3];
    size_t nc = 0, ref = 0, dflt = 0;
    const cramp_simd best = cramp_simd_best();
    for (int e = 0; e < 3; e++)
        for (size_t p = 0; p < 3; p++) {
            if (!cramp_simd_available(paths[p])) continue;
            for (size_t b = 0; b < 4; b++) {
                candidate *k = &cand[nc];
                memset(k, 0, sizeof *k);
                k->block = blocks[b];
                k->simd = paths[p];
                k->effort = (cramp_fft_effort)e;
                k->threads = 1;
                k->best_s = k->best_wall_s = HUGE_VAL;
                if (k->block == 4096 && e == 0 && paths[p] == CRAMP_SIMD_SCALAR) ref = nc;
                if (k->block == 4096 && e == 0 && paths[p] == best) dflt = nc;
                nc++;
            }
        }
    /* The reference first (its episodes decide), then rounds over all,
     * each round starting one further along so that no setting always
     * follows the same one. */
    if (rc == CLI_OK) {
        measure(&m, &cand[ref], wisdom[0]);
        if (cand[ref].failed) rc = cli_fail("the reference run failed: %s", cand[ref].error);
    }
    for (size_t r = 0; r < rounds && rc == CLI_OK; r++) {
        if (!quiet) cli_note("round %zu of %zu: %zu settings", r + 1, rounds, nc);
        for (size_t i = 0; i < nc; i++) {
            candidate *k = &cand[(i + r * 5) % nc];
            if (k->failed || k->differs) continue;
            measure(&m, k, wisdom[k->effort]);
            /* Settings whose episodes differ are out: no more time on them. */
            if (!k->failed && k->hash != cand[ref].hash) k->differs = 1;
        }
    }
    if (rc != CLI_OK) {
        tune_clean();
        tune_signals_set(SIG_DFL);
        return rc;
    }

    /* The fastest setting whose episodes are identical, if it beats the
     * untuned default by more than the noise (3 %); a timed planner only if
     * it beats that by as much again (its plans for sizes this night lacks
     * are not checked, and planning costs time). */
    const double msamples = (double)m.samples / 1e6;
    const uint64_t want = cand[ref].hash;
    size_t pick = !cand[dflt].failed && cand[dflt].hash == want ? dflt : ref;
    for (int timed = 0; timed < 2; timed++) {
        size_t fast = pick;
        for (size_t i = 0; i < nc; i++) {
            const candidate *k = &cand[i];
            if (k->failed || k->hash != want || (k->effort != CRAMP_FFT_ESTIMATE) != timed)
                continue;
            if (k->best_s < cand[fast].best_s) fast = i;
        }
        if (cand[fast].best_s < cand[pick].best_s / 1.03) pick = fast;
    }
    if (!quiet) {
        fprintf(stderr, "%-7s %-7s %-9s %10s %9s %12s  %s\n", "block", "simd", "fft",
                "CPU ms", "wall ms", "M smp/CPUs", "episodes");
        for (size_t i = 0; i < nc; i++) {
            const candidate *k = &cand[i];
            fprintf(stderr, "%-7zu %-7s %-9s ", k->block, cramp_simd_name(k->simd),
                    cramp_tuning_effort_name(k->effort));
            if (k->failed)
                fprintf(stderr, "%10s %9s %12s  failed: %s\n", "-", "-", "-", k->error);
            else
                fprintf(stderr, "%10.1f %9.1f %12.1f  %zu, %s%s%s\n", 1e3 * k->best_s,
                        1e3 * k->best_wall_s, msamples / k->best_s, k->episodes,
                        k->hash == cand[ref].hash ? "identical" : "DIFFERENT",
                        i == ref ? " (reference)" : "", i == pick ? " <- chosen" : "");
        }
        fprintf(stderr, "night: %.1f M samples (%zu channels, 2 rates); untuned default "
                "(4096, %s, estimate) %.1f M samples/s\n", msamples, m.n,
                cramp_simd_name(best), msamples / cand[dflt].best_s);
    }

    /* The thread count, with the setting chosen on one thread. */
    const long online = sysconf(_SC_NPROCESSORS_ONLN);
    const size_t max_threads = online < 1                  ? 1
                               : online > TUNE_MAX_THREADS ? TUNE_MAX_THREADS
                                                           : (size_t)online;
    candidate tc[2 * TUNE_MAX_THREADS];
    size_t ntc = 0;
    const size_t tpick =
        tune_threads(&m, &cand[pick], max_threads, rounds, want, wisdom, quiet, tc, &ntc);
    if (!quiet && max_threads > 1) {
        fprintf(stderr, "%-7s %-6s %9s %10s %13s  %s\n", "threads", "part", "wall ms", "CPU ms",
                "M smp/wall-s", "episodes");
        for (size_t i = 0; i < ntc; i++) {
            const candidate *k = &tc[i];
            char part[24] = "-";
            if (k->threads > 1)
                snprintf(part, sizeof part, "%zu", k->parts ? k->parts : vector_width());
            fprintf(stderr, "%-7zu %-6s ", k->threads, part);
            if (k->failed)
                fprintf(stderr, "%9s %10s %13s  failed: %s\n", "-", "-", "-", k->error);
            else
                fprintf(stderr, "%9.1f %10.1f %13.1f  %zu, %s%s\n", 1e3 * k->best_wall_s,
                        1e3 * k->best_s, msamples / k->best_wall_s, k->episodes,
                        k->hash == want ? "identical" : "DIFFERENT",
                        i == tpick ? " <- chosen" : "");
        }
    }

    cramp_tuning t;
    cramp_tuning_init(&t);
    t.block_frames = cand[pick].block;
    t.simd = cand[pick].simd;
    t.fft_effort = cand[pick].effort;
    /* 1 thread when only one core is online, or when 1 thread's run failed
     * here (then the tuning says nothing about threads). */
    t.threads = max_threads < 2 ? 1 : tc[0].failed ? 0 : tc[tpick].threads;
    t.part_channels = tc[tpick].parts; /* 0 (not written) unless half a vector won */
    t.measured_msps = msamples / cand[pick].best_s;
    t.reference_msps = cand[dflt].failed ? 0 : msamples / cand[dflt].best_s;
    if (!dry && t.fft_effort != CRAMP_FFT_ESTIMATE) {
        const size_t fl = (size_t)(strrchr(path, '/') ? strrchr(path, '/') - path + 1 : 0);
        snprintf(t.fft_wisdom, sizeof t.fft_wisdom, "%.*sfftw-wisdom", (int)fl, path);
        rc = copy_file(wisdom[t.fft_effort], t.fft_wisdom);
    }
    if (rc == CLI_OK && !dry) {
        if (cramp_tuning_write(path, &t, &err) != CRAMP_OK) rc = cli_fail("%s", err.message);
    }
    char walls[96] = "";
    if (max_threads > 1 && !tc[0].failed)
        snprintf(walls, sizeof walls, " (wall %.1f ms; 1 thread %.1f ms)",
                 1e3 * tc[tpick].best_wall_s, 1e3 * tc[0].best_wall_s);
    if (rc == CLI_OK)
        printf("%s: block_frames %zu, simd %s, fft_effort %s: %.1f M samples/s "
               "(untuned %.1f) on %s / %s; threads %zu%s%s\n",
               dry ? "would save" : path, t.block_frames, cramp_simd_name(t.simd),
               cramp_tuning_effort_name(t.fft_effort), t.measured_msps, t.reference_msps,
               t.cpu_model, t.cpu_flags, t.threads, t.part_channels ? ", half-vector parts" : "",
               walls);
    tune_clean();
    tune_signals_set(SIG_DFL);
    return rc;
}
