/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cramp batch: a whole study in one command. Finds the recordings (files,
 * folders searched recursively, @lists, BIDS roots), runs the night driver
 * (cramp/night.h) on each in a worker process of its own, writes what
 * cramp detect writes (detect_output.h's writers) mirroring the input tree, and
 * the study tables nights.tsv and nights.json.
 *
 * Layout of OUTDIR:
 *   <mirror stem>.detected.tsv / .detected.json (/ .fatigue.tsv)
 *   nights.tsv, nights.json, batch.log (a shard K/N: nights.shard-K-of-N.*,
 *     batch.shard-K-of-N.log, so the shards of a job array share OUTDIR)
 *   .cramp-batch/study               the settings and the whole input list
 *   .cramp-batch/states/<mirror>.state  one recording's row and fingerprint
 * A recording's outputs and its state are committed all or none (the state
 * last), so a state names outputs that are complete; a rerun reuses a state
 * whose input size, modification time and settings are unchanged. The study
 * tables are made from the states alone, so a resumed run, a merge of shards
 * and an uninterrupted run write the same bytes: they hold nothing that
 * depends on when or where a recording was analysed (the analysis times are
 * in batch.log).
 *
 * One worker process per recording (fork): its memory is the night driver's,
 * constant in the length of the night, and returned at its exit; a crash
 * fails that recording only. */
/* MAP_ANONYMOUS (glibc hides it under plain _POSIX_C_SOURCE) */
#define _DEFAULT_SOURCE 1
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif
#if !defined(MAP_ANONYMOUS) && defined(MAP_ANON)
#define MAP_ANONYMOUS MAP_ANON
#endif

#include "cmd_batch.h"
#include "cmd_fatigue.h"
#include "cmd_tune.h"
#include "common.h"
#include "detect_options.h"
#include "detect_output.h"
#include "cramp/night.h"
#include "cramp/recording.h"
#include "sha256.h"

#define STATE_DIR ".cramp-batch"

/* ---- help ------------------------------------------------------------------ */

void cmd_batch_help(FILE *out)
{
    fputs(
        "Usage: cramp batch [OPTIONS] INPUT... -o OUTDIR\n"
        "       cramp batch --merge OUTDIR... [-o OUTDIR]\n"
        "\n"
        "Runs cramp detect on every recording of a study, in parallel, and writes\n"
        "one table for the study. INPUT is a recording (EDF/BDF, WAV family, WFDB\n"
        ".hea, delimited text), a folder (searched recursively for .edf .bdf .rec\n"
        ".wav .w64 .rf64 .flac .aif .aiff .caf .hea .csv .txt; hidden files and\n"
        "OUTDIR are left out), @LIST (a file of inputs, one per line, '#' comments),\n"
        "or a BIDS root (a folder with dataset_description.json: its sub-*/[ses-*/]\n"
        "*/*.edf|.bdf). Subject and session come from the path (sub-XX, ses-YY).\n"
        "\n"
        "Outputs in OUTDIR, mirroring the input tree (relative to the folder given,\n"
        "or to the common folder of the files given):\n"
        "  NAME.detected.tsv    the events table, as 'cramp detect NAME' writes it\n"
        "  NAME.detected.json   its JSON summary, as 'cramp detect --json' writes it\n"
        "  NAME.fatigue.tsv     with --fatigue: 'cramp fatigue NAME' (whole-night epochs)\n"
        "  nights.tsv           one row per recording, tab-separated: recording subject\n"
        "                       session status error duration_h channels fs_hz cramps\n"
        "                       cramps_per_hour cramp_total_s cramp_longest_s plm\n"
        "                       plm_index bursts movements artefacts seconds\n"
        "                       (status ok, failed or skipped: no channel at >= 100 Hz;\n"
        "                       error: the message cramp detect prints for the file;\n"
        "                       seconds: the recording's length; n/a where undefined)\n"
        "  nights.json          the same, with the settings, the cramp version, and per\n"
        "                       input its size, modification time and SHA-256\n"
        "  batch.log            what each recording printed, with its analysis time\n"
        "Every output is written to a temporary file and renamed into place; a\n"
        "recording's files all or none. nights.tsv and nights.json depend only on\n"
        "the inputs and settings, never on timing, jobs or shards.\n"
        "\n"
        "Resuming: the same command again reuses every recording whose outputs\n"
        "exist and whose input (size, modification time) and settings are unchanged,\n"
        "and redoes the rest, failed ones included; after an interruption (even\n"
        "kill -9) the rerun ends with exactly the outputs of an uninterrupted run.\n"
        "\n",
        out);
    fputs(
        "Options:\n"
        "  -o, --output OUTDIR     output folder (created; required)\n"
        "  -j, --jobs N            worker processes, one recording each at a time\n"
        "                          (default: SLURM_CPUS_PER_TASK, else the machine's cores)\n"
        "  --shard K/N             only the K-th (0 <= K < N) of N shards of the inputs;\n"
        "                          a recording's shard depends on its path under OUTDIR\n"
        "                          alone (stable under reruns and added recordings);\n"
        "                          writes nights.shard-K-of-N.tsv/.json\n"
        "  --merge                 join the shard results in the OUTDIRs given into\n"
        "                          nights.tsv/nights.json (in -o, default the first),\n"
        "                          the same bytes a single run writes\n"
        "  --force                 redo every recording (no reuse)\n"
        "  --fatigue               also the spectral fatigue indices (cramp fatigue)\n"
        "  --channels LIST         as cramp detect: channels by label or 1-based index\n"
        "                          (default as cramp detect: an EDF/BDF's leg EMG channels)\n"
        "  --all-channels          as cramp detect: every channel at a usable rate\n"
        "  --mains 50|60|auto|none as cramp detect (default auto)\n"
        "  --band LO-HI            as cramp detect, Hz\n"
        "  --full-scale-uv X       as cramp detect (WAV inputs)\n"
        "  --no-sparseness         as cramp detect\n"
        "  --no-env-mod            as cramp detect (no modulated-contraction row)\n"
        "  --RULE, --no-RULE       the rule switches, as cramp detect (e.g.\n"
        "                          --no-plm-rhythm-rule; cramp detect --help lists them)\n"
        "  --threads-per-night N   threads inside each recording (cramp detect\n"
        "                          --threads; default 1: the jobs fill the cores);\n"
        "                          the results do not depend on it\n"
        "  --quiet                 no progress and no summary line (failures are still\n"
        "                          reported)\n"
        "  --no-tuning             as cramp detect (ignore the saved speed tuning)\n"
        "  -h, --help              show this help\n"
        "Progress (on a terminal): recordings done / total, hours of signal,\n"
        "M samples/s, ETA. The summary line gives the counts and the speed.\n"
        "\n",
        out);
    fputs(
        "Examples:\n"
        "  for i in 1 2 3; do mkdir -p study/sub-0$i\n"
        "    cramp synth --minutes 2 --seed $i -o study/sub-0$i/night.edf; done\n"
        "  cramp batch study -o results -j 2\n"
        "  cramp batch study -o results          (again: reuses all, redoes nothing)\n"
        "  ls study/*/night.edf > nights.txt; cramp batch @nights.txt --mains 60 -o results60\n"
        "  # three shards, then the merge (as on a cluster):\n"
        "  for k in 0 1 2; do cramp batch study --shard $k/3 -j 1 -o results; done\n"
        "  cramp batch --merge results\n"
        "  # GNU parallel, one shard per job (several machines: --sshlogin):\n"
        "  parallel cramp batch study --shard {}/4 -j 1 -o results ::: 0 1 2 3\n"
        "  cramp batch --merge results\n"
        "  # Slurm: a job array, one shard per task, then a dependent merge job:\n"
        "  export INPUT=study OUTDIR=$PWD/results      # OUTDIR on a shared filesystem\n"
        "  jid=$(sbatch --parsable --array=0-9 --export=ALL scripts/slurm/cramp-batch.sbatch)\n"
        "  sbatch --dependency=afterany:$jid --export=ALL,MERGE=1 scripts/slurm/cramp-batch.sbatch\n"
        "  (afterany: a shard with a failed recording exits 1 and the merge must run)\n"
        "\n"
        "Exit status: 0 every recording ok or skipped, 1 any failed (the others are\n"
        "complete) or the study tables could not be written, 2 usage error.\n",
        out);
}

/* ---- small helpers ---------------------------------------------------------- */

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) {
        cli_fail("out of memory");
        exit(CLI_FAIL);
    }
    return p;
}

static char *xstrdup(const char *s)
{
    const size_t n = strlen(s) + 1;
    char *p = xmalloc(n);
    memcpy(p, s, n);
    return p;
}

static char *xprintf(const char *fmt, ...) CLI_PRINTF(1, 2);
static char *xprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    const int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *p = xmalloc((size_t)(n < 0 ? 0 : n) + 1);
    va_start(ap, fmt);
    vsnprintf(p, (size_t)(n < 0 ? 0 : n) + 1, fmt, ap);
    va_end(ap);
    return p;
}

static int ends_with_ci(const char *s, const char *suffix)
{
    const size_t n = strlen(s), m = strlen(suffix);
    if (m > n) return 0;
    for (size_t i = 0; i < m; i++) {
        char a = s[n - m + i], b = suffix[i];
        if (a >= 'A' && a <= 'Z') a = (char)(a - 'A' + 'a');
        if (a != b) return 0;
    }
    return 1;
}

/* A stream into a growing buffer (freed by the caller after fclose). */
static FILE *mem_stream(char **buf, size_t *len)
{
    FILE *f = open_memstream(buf, len);
    if (!f) {
        cli_fail("out of memory");
        exit(CLI_FAIL);
    }
    return f;
}

/* Every folder of path's folder, created as needed (mkdir -p of dirname). */
static int make_parents(const char *path)
{
    char *p = xstrdup(path);
    int rc = 0;
    for (char *s = strchr(p + 1, '/'); s && !rc; s = strchr(s + 1, '/')) {
        *s = 0;
        if (mkdir(p, 0777) != 0 && errno != EEXIST) rc = -1;
        *s = '/';
    }
    if (rc) cli_fail("cannot make the folders of '%s': %s", path, strerror(errno));
    free(p);
    return rc;
}

/* Removes the temporary files ".NAME.XXXXXX" a killed run left beside path
 * (cramp/output.h names them so). */
static void remove_stale(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir = slash ? xprintf("%.*s", (int)(slash - path), path) : xstrdup(".");
    const char *base = slash ? slash + 1 : path;
    const size_t bl = strlen(base);
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            const char *n = e->d_name;
            if (n[0] == '.' && strlen(n) == bl + 8 && !strncmp(n + 1, base, bl) &&
                n[bl + 1] == '.') {
                char *full = xprintf("%s/%s", dir, n);
                unlink(full);
                free(full);
            }
        }
        closedir(d);
    }
    free(dir);
}

/* No tab, CR or LF in a table cell. */
static char *cell(const char *s)
{
    char *p = xstrdup(s ? s : "");
    for (char *q = p; *q; q++)
        if (*q == '\t' || *q == '\n' || *q == '\r') *q = ' ';
    return p;
}

/* ---- the recordings of a study --------------------------------------------- */

typedef struct item {
    char *path;      /* as found (the nights.tsv key) */
    char *mirror;    /* relative path under OUTDIR, with the input's extension */
    char *subject, *session; /* "" when the path has none */
    int loose;       /* a file given directly or in a list: mirror set at the end */
} item;

typedef struct item_list {
    item *v;
    size_t n, cap;
} item_list;

static void add_item(item_list *l, const char *path, const char *mirror, int loose)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 64;
        item *nv = realloc(l->v, l->cap * sizeof *nv);
        if (!nv) {
            cli_fail("out of memory");
            exit(CLI_FAIL);
        }
        l->v = nv;
    }
    item *it = &l->v[l->n++];
    memset(it, 0, sizeof *it);
    it->path = xstrdup(path);
    it->mirror = xstrdup(mirror);
    it->loose = loose;
}

static const char *const rec_ext[] = {".edf", ".bdf", ".rec", ".wav", ".w64", ".rf64", ".flac",
                                      ".aif", ".aiff", ".caf", ".hea", ".csv", ".txt"};

static int is_recording_name(const char *name, int bids)
{
    if (bids) return ends_with_ci(name, ".edf") || ends_with_ci(name, ".bdf");
    for (size_t i = 0; i < sizeof rec_ext / sizeof rec_ext[0]; i++)
        if (ends_with_ci(name, rec_ext[i])) return 1;
    return 0;
}

typedef struct walk_ctx {
    item_list *list;
    dev_t out_dev;
    ino_t out_ino;
    int have_out;
} walk_ctx;

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Folder dir (rel: its path under the root, "" at the root), in name order. */
static int walk(walk_ctx *w, const char *dir, const char *rel, int bids, int depth)
{
    if (depth > 64) return cli_fail("'%s': folders nested too deep (a link loop?)", dir);
    DIR *d = opendir(dir);
    if (!d) return cli_fail("cannot read the folder '%s': %s", dir, strerror(errno));
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 32;
            char **nn = realloc(names, cap * sizeof *nn);
            if (!nn) {
                closedir(d);
                cli_fail("out of memory");
                exit(CLI_FAIL);
            }
            names = nn;
        }
        names[n++] = xstrdup(e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmp_str);
    int rc = CLI_OK;
    for (size_t i = 0; i < n; i++) {
        char *full = xprintf("%s/%s", dir, names[i]);
        char *r = rel[0] ? xprintf("%s/%s", rel, names[i]) : xstrdup(names[i]);
        struct stat st;
        if (stat(full, &st) == 0 && S_ISDIR(st.st_mode)) {
            const int skip = (w->have_out && st.st_dev == w->out_dev && st.st_ino == w->out_ino) ||
                             (bids && depth == 0 && strncmp(names[i], "sub-", 4) != 0);
            if (!skip && walk(w, full, r, bids, depth + 1) != CLI_OK) rc = CLI_FAIL;
        } else if (is_recording_name(names[i], bids)) {
            add_item(w->list, full, r, 0);
        }
        free(full);
        free(r);
        free(names[i]);
    }
    free(names);
    return rc;
}

static int add_input(walk_ctx *w, const char *arg, int from_list);

/* @LIST: one input per line; '#' starts a comment line. */
static int add_list(walk_ctx *w, const char *file)
{
    FILE *f = fopen(file, "r");
    if (!f) return cli_fail("cannot read the list '%s': %s", file, strerror(errno));
    char line[4096];
    int rc = CLI_OK;
    while (fgets(line, sizeof line, f)) {
        size_t n = strlen(line);
        while (n && (line[n - 1] == '\n' || line[n - 1] == '\r' || line[n - 1] == ' ' ||
                     line[n - 1] == '\t'))
            line[--n] = 0;
        const char *p = line;
        while (*p == ' ' || *p == '\t') p++;
        if (!*p || *p == '#') continue;
        if (add_input(w, p, 1) != CLI_OK) rc = CLI_FAIL;
    }
    fclose(f);
    return rc;
}

static int add_input(walk_ctx *w, const char *arg, int from_list)
{
    if (arg[0] == '@' && !from_list) return add_list(w, arg + 1);
    struct stat st;
    if (stat(arg, &st) == 0 && S_ISDIR(st.st_mode)) {
        char *root = xstrdup(arg);
        for (size_t n = strlen(root); n > 1 && root[n - 1] == '/'; n--) root[n - 1] = 0;
        char *desc = xprintf("%s/dataset_description.json", root);
        const int bids = access(desc, F_OK) == 0;
        free(desc);
        const int rc = walk(w, root, "", bids, 0);
        free(root);
        return rc;
    }
    /* a file (or a missing one: its worker reports what cramp detect says) */
    add_item(w->list, arg, arg, 1);
    return CLI_OK;
}

/* Files given directly: their path under the folder common to all of them,
 * "." and ".." components and a leading '/' dropped. */
static void set_loose_mirrors(item_list *l)
{
    size_t common = SIZE_MAX;
    const char *first = NULL;
    for (size_t i = 0; i < l->n; i++) {
        if (!l->v[i].loose) continue;
        const char *p = l->v[i].path;
        const char *slash = strrchr(p, '/');
        const size_t dirlen = slash ? (size_t)(slash - p) + 1 : 0;
        if (!first) {
            first = p;
            common = dirlen;
            continue;
        }
        size_t k = 0;
        while (k < common && k < dirlen && first[k] == p[k]) k++;
        while (k > 0 && first[k - 1] != '/') k--;
        common = k;
    }
    for (size_t i = 0; i < l->n; i++) {
        item *it = &l->v[i];
        if (!it->loose) continue;
        const char *p = it->path + common;
        char *m = xmalloc(strlen(p) + 1);
        size_t o = 0;
        while (*p) {
            while (*p == '/') p++;
            const char *end = strchr(p, '/');
            const size_t len = end ? (size_t)(end - p) : strlen(p);
            const int dots = (len == 1 && p[0] == '.') || (len == 2 && p[0] == '.' && p[1] == '.');
            if (len && !dots) {
                if (o) m[o++] = '/';
                memcpy(m + o, p, len);
                o += len;
            }
            p += len;
        }
        m[o] = 0;
        free(it->mirror);
        it->mirror = m;
    }
}

/* sub-XX and ses-YY: the last folder so named, else the file name's entity
 * (BIDS: sub-01_ses-02_task-sleep_eeg.edf). */
static void bids_entities(item *it)
{
    char *ent[2] = {NULL, NULL};
    static const char *const key[2] = {"sub-", "ses-"};
    const char *p = it->path;
    while (*p) {
        const char *end = strchr(p, '/');
        const size_t len = end ? (size_t)(end - p) : strlen(p);
        for (int k = 0; k < 2; k++) {
            if (len > 4 && !strncmp(p, key[k], 4)) {
                if (end) {
                    free(ent[k]);
                    ent[k] = xprintf("%.*s", (int)(len - 4), p + 4);
                } else if (!ent[k]) { /* the file name: a BIDS label, alphanumeric */
                    size_t v = 4;
                    while (v < len && isalnum((unsigned char)p[v])) v++;
                    ent[k] = xprintf("%.*s", (int)(v - 4), p + 4);
                }
            }
            /* entities later in the file name: _ses-YY */
            if (!end && !ent[k]) {
                char pat[8];
                snprintf(pat, sizeof pat, "_%s", key[k]);
                const char *q = strstr(p, pat);
                if (q) {
                    q += 5;
                    size_t v = 0;
                    while (isalnum((unsigned char)q[v])) v++;
                    ent[k] = xprintf("%.*s", (int)v, q);
                }
            }
        }
        p += len;
        while (*p == '/') p++;
    }
    it->subject = ent[0] ? ent[0] : xstrdup("");
    it->session = ent[1] ? ent[1] : xstrdup("");
}

/* The output stem: mirror without the extension. */
static char *stem_of(const char *mirror)
{
    const char *slash = strrchr(mirror, '/');
    const char *dot = strrchr(mirror, '.');
    const size_t n = dot && (!slash || dot > slash) && dot != (slash ? slash + 1 : mirror)
                         ? (size_t)(dot - mirror)
                         : strlen(mirror);
    return xprintf("%.*s", (int)n, mirror);
}

static int cmp_item_path(const void *a, const void *b)
{
    return strcmp(((const item *)a)->path, ((const item *)b)->path);
}

typedef struct stem_ref {
    char *stem;
    size_t i;
} stem_ref;

static int cmp_stem(const void *a, const void *b)
{
    return strcmp(((const stem_ref *)a)->stem, ((const stem_ref *)b)->stem);
}

/* Sorted by path, duplicates dropped; two recordings writing the same
 * outputs (a.edf and a.wav in one folder) are a usage error. */
static int finish_list(item_list *l)
{
    set_loose_mirrors(l);
    qsort(l->v, l->n, sizeof *l->v, cmp_item_path);
    size_t o = 0;
    for (size_t i = 0; i < l->n; i++) {
        if (o && !strcmp(l->v[o - 1].path, l->v[i].path)) {
            free(l->v[i].path);
            free(l->v[i].mirror);
            continue;
        }
        l->v[o++] = l->v[i];
    }
    l->n = o;
    for (size_t i = 0; i < l->n; i++) {
        if (strpbrk(l->v[i].path, "\t\n\r"))
            return cli_usage_error("'%s': a path with a tab or line break cannot go in "
                                   "nights.tsv",
                                   l->v[i].path);
        if (!l->v[i].mirror[0])
            return cli_usage_error("'%s' names no file", l->v[i].path);
        bids_entities(&l->v[i]);
    }
    stem_ref *s = xmalloc(l->n * sizeof *s);
    for (size_t i = 0; i < l->n; i++) s[i] = (stem_ref){stem_of(l->v[i].mirror), i};
    qsort(s, l->n, sizeof *s, cmp_stem);
    int rc = CLI_OK;
    for (size_t i = 1; i < l->n && rc == CLI_OK; i++)
        if (!strcmp(s[i - 1].stem, s[i].stem))
            rc = cli_usage_error("'%s' and '%s' would write the same outputs (%s.detected.*)",
                                 l->v[s[i - 1].i].path, l->v[s[i].i].path, s[i].stem);
    for (size_t i = 0; i < l->n; i++) free(s[i].stem);
    free(s);
    return rc;
}

/* The shard of a recording: its mirror path's SHA-256, mod N. Depends on
 * nothing else, so adding recordings moves none. */
static unsigned shard_of(const item *it, unsigned n)
{
    char hex[65];
    sha256_hex(it->mirror, strlen(it->mirror), hex);
    uint64_t v = 0;
    for (int i = 0; i < 16; i++) {
        const char c = hex[i];
        v = v << 4 | (uint64_t)(c <= '9' ? c - '0' : c - 'a' + 10);
    }
    return (unsigned)(v % n);
}

/* ---- settings -------------------------------------------------------------- */

typedef struct batch_opts {
    const char *outdir;
    int quiet, fatigue, force, merge, jobs_given;
    int all_channels; /* --all-channels: as cramp detect */
    long jobs;
    unsigned shard_k, shard_n; /* shard_n 0: no shard */
    cramp_night_options night;
    cli_input in;
    char *settings;      /* canonical text (its hash is the settings id) */
    char *settings_json; /* the "settings" object of nights.json */
    char settings_id[17];
} batch_opts;

static void make_settings(batch_opts *o)
{
    char rules[CRAMP_DETECT_RULES_ID_SIZE];
    cramp_detect_rules_id(&o->night.detect, rules);
    char mains[16];
    if (o->night.mains_hz < 0)
        snprintf(mains, sizeof mains, "auto");
    else if (o->night.mains_hz == 0)
        snprintf(mains, sizeof mains, "none");
    else
        snprintf(mains, sizeof mains, "%g", o->night.mains_hz);
    o->settings = xprintf("cramp %s; rules %s; mains %s; channels %s; full_scale_uv %.17g; "
                          "fatigue %d",
                          cramp_version_string(), rules, mains,
                          o->in.channels       ? o->in.channels
                          : o->all_channels    ? "(all)"
                                               : "(default)",
                          o->in.full_scale_uv, o->fatigue);
    char hex[65];
    sha256_hex(o->settings, strlen(o->settings), hex);
    memcpy(o->settings_id, hex, 16);
    o->settings_id[16] = 0;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = mem_stream(&buf, &len);
    fprintf(f, "{\"band_hz\": [%g, %g], \"mains\": ", o->night.detect.band_lo_hz,
            o->night.detect.band_hi_hz);
    if (o->night.mains_hz > 0)
        fprintf(f, "%g", o->night.mains_hz);
    else
        fprintf(f, "\"%s\"", mains);
    fputs(", \"channels\": ", f);
    if (o->in.channels)
        cli_json_string(f, o->in.channels);
    else
        fputs("null", f);
    fputs(", \"full_scale_uv\": ", f);
    if (o->in.full_scale_uv > 0)
        fprintf(f, "%g", o->in.full_scale_uv);
    else
        fputs("null", f);
    fprintf(f, ", \"sparseness\": %s, \"fatigue\": %s, \"rules_id\": \"%s\", "
               "\"settings_id\": \"%s\"}",
            o->night.detect.sparse_block_s > 0 ? "true" : "false", o->fatigue ? "true" : "false",
            rules, o->settings_id);
    fclose(f);
    o->settings_json = buf;
}

/* ---- states: one recording's row ------------------------------------------ */

enum {
    F_RECORDING, F_SUBJECT, F_SESSION, F_STATUS, F_ERROR, F_DURATION_H, F_CHANNELS, F_FS_HZ,
    F_CRAMPS, F_CRAMPS_PER_HOUR, F_CRAMP_TOTAL_S, F_CRAMP_LONGEST_S, F_PLM, F_PLM_INDEX,
    F_BURSTS, F_MOVEMENTS, F_ARTEFACTS, F_SECONDS,
    N_COLS,
    F_SIZE = N_COLS, F_MTIME, F_SHA256, F_SETTINGS, F_SAMPLES, F_ANALYSIS_S, F_EVENTS,
    F_SUMMARY, F_FATIGUE,
    N_FIELDS
};
static const char *const field_name[N_FIELDS] = {
    "recording", "subject", "session", "status", "error", "duration_h", "channels", "fs_hz",
    "cramps", "cramps_per_hour", "cramp_total_s", "cramp_longest_s", "plm", "plm_index",
    "bursts", "movements", "artefacts", "seconds", "size", "mtime", "sha256", "settings",
    "samples", "analysis_s", "events", "summary", "fatigue"};

typedef struct row {
    char *f[N_FIELDS]; /* NULL: n/a */
} row;

static void row_set(row *r, int k, const char *v)
{
    free(r->f[k]);
    r->f[k] = v ? cell(v) : NULL;
}

static void row_setf(row *r, int k, const char *fmt, ...) CLI_PRINTF(3, 4);
static void row_setf(row *r, int k, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    row_set(r, k, buf);
}

static void row_free(row *r)
{
    for (int k = 0; k < N_FIELDS; k++) free(r->f[k]);
    memset(r, 0, sizeof *r);
}

static const char *row_get(const row *r, int k) { return r->f[k] ? r->f[k] : "n/a"; }

static void row_write(FILE *f, const row *r)
{
    fputs("cramp-batch-state\t1\n", f);
    for (int k = 0; k < N_FIELDS; k++)
        if (r->f[k]) fprintf(f, "%s\t%s\n", field_name[k], r->f[k]);
}

/* 0 and *r filled, or -1 (missing, unreadable, not a state). */
static int row_read(const char *path, row *r)
{
    memset(r, 0, sizeof *r);
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    char line[8192];
    int ok = fgets(line, sizeof line, f) && !strcmp(line, "cramp-batch-state\t1\n");
    while (ok && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = 0;
        char *tab = strchr(line, '\t');
        if (!tab) continue;
        *tab = 0;
        for (int k = 0; k < N_FIELDS; k++)
            if (!strcmp(line, field_name[k])) row_set(r, k, tab + 1);
    }
    fclose(f);
    if (!ok || !r->f[F_RECORDING] || !r->f[F_STATUS]) {
        row_free(r);
        return -1;
    }
    return 0;
}

typedef struct paths {
    char *stem;     /* OUTDIR-relative stem */
    char *events, *summary, *fatigue; /* OUTDIR-relative */
    char *events_abs, *summary_abs, *fatigue_abs, *state, *log;
} paths;

static void paths_make(paths *p, const char *outdir, const item *it)
{
    p->stem = stem_of(it->mirror);
    p->events = xprintf("%s.detected.tsv", p->stem);
    p->summary = xprintf("%s.detected.json", p->stem);
    p->fatigue = xprintf("%s.fatigue.tsv", p->stem);
    p->events_abs = xprintf("%s/%s", outdir, p->events);
    p->summary_abs = xprintf("%s/%s", outdir, p->summary);
    p->fatigue_abs = xprintf("%s/%s", outdir, p->fatigue);
    p->state = xprintf("%s/" STATE_DIR "/states/%s.state", outdir, it->mirror);
    p->log = xprintf("%s/" STATE_DIR "/states/%s.log", outdir, it->mirror);
}

static void paths_free(paths *p)
{
    free(p->stem);
    free(p->events);
    free(p->summary);
    free(p->fatigue);
    free(p->events_abs);
    free(p->summary_abs);
    free(p->fatigue_abs);
    free(p->state);
    free(p->log);
    memset(p, 0, sizeof *p);
}

/* The input's fingerprint: size and modification time (ns). */
static int fingerprint(const char *path, char *size, size_t cs, char *mtime, size_t cm)
{
    struct stat st;
    if (stat(path, &st) != 0) return -1;
    snprintf(size, cs, "%lld", (long long)st.st_size);
    snprintf(mtime, cm, "%lld.%09ld", (long long)st.st_mtim.tv_sec, (long)st.st_mtim.tv_nsec);
    return 0;
}

/* A state from an earlier run that this run may keep. */
static int reusable(const row *r, const item *it, const batch_opts *o, const paths *p)
{
    char size[32], mtime[48];
    if (strcmp(row_get(r, F_RECORDING), it->path) || strcmp(row_get(r, F_SETTINGS), o->settings_id))
        return 0;
    if (strcmp(row_get(r, F_STATUS), "ok") && strcmp(row_get(r, F_STATUS), "skipped")) return 0;
    if (fingerprint(it->path, size, sizeof size, mtime, sizeof mtime) != 0) return 0;
    if (strcmp(row_get(r, F_SIZE), size) || strcmp(row_get(r, F_MTIME), mtime)) return 0;
    if (!strcmp(row_get(r, F_STATUS), "ok") &&
        (access(p->events_abs, F_OK) || access(p->summary_abs, F_OK) ||
         (o->fatigue && access(p->fatigue_abs, F_OK))))
        return 0;
    return 1;
}

/* The last message the worker printed ("cramp batch: MESSAGE") in its log. */
static char *last_message(const char *log)
{
    FILE *f = fopen(log, "r");
    if (!f) return NULL;
    char line[4096], *best = NULL;
    const size_t pl = strlen(cli_name());
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = 0;
        if (!strncmp(line, cli_name(), pl) && !strncmp(line + pl, ": ", 2) &&
            strncmp(line + pl + 2, "warning: ", 9)) {
            free(best);
            best = xstrdup(line + pl + 2);
        }
    }
    fclose(f);
    return best;
}

static int commit_state(const row *r, const char *state)
{
    cli_output o;
    if (cli_output_open_text(&o, state) != CLI_OK) return CLI_FAIL;
    row_write(o.fp, r);
    return cli_output_commit(&o);
}

/* ---- the worker: one recording ---------------------------------------------- */

/* The worker's fraction of its night done, in memory shared with the parent
 * (its progress line); NULL when there is no progress line. */
static volatile double *g_fraction;

static void on_progress(void *user, double fraction)
{
    (void)user;
    if (g_fraction) *g_fraction = fraction;
}

static void join_groups(const cramp_night_result *res, const char *const *lab, row *r)
{
    char buf[2048] = "";
    for (size_t c = 0; c < res->n_channels; c++) {
        size_t len = strlen(buf);
        snprintf(buf + len, sizeof buf - len, "%s%s", c ? "," : "", lab[c]);
    }
    row_set(r, F_CHANNELS, buf);
    buf[0] = 0;
    for (size_t g = 0; g < res->n_groups; g++) {
        size_t len = strlen(buf);
        snprintf(buf + len, sizeof buf - len, "%s%g", g ? "," : "", res->group[g].fs);
    }
    row_set(r, F_FS_HZ, buf);
}

static void row_result(row *r, const cramp_night_result *res)
{
    const cramp_detect_summary *s = &res->summary;
    row_setf(r, F_DURATION_H, "%.4f", res->duration_s / 3600);
    row_setf(r, F_CRAMPS, "%zu", s->cramps);
    if (isfinite(s->cramps_per_hour)) row_setf(r, F_CRAMPS_PER_HOUR, "%.6g", s->cramps_per_hour);
    row_setf(r, F_CRAMP_TOTAL_S, "%.3f", s->cramp_total_s);
    row_setf(r, F_CRAMP_LONGEST_S, "%.3f", s->cramp_longest_s);
    row_setf(r, F_PLM, "%zu", s->plm);
    if (isfinite(s->plm_index)) row_setf(r, F_PLM_INDEX, "%.6g", s->plm_index);
    row_setf(r, F_BURSTS, "%zu", s->count[CRAMP_EVENT_BURST]);
    row_setf(r, F_MOVEMENTS, "%zu", s->count[CRAMP_EVENT_MOVEMENT]);
    row_setf(r, F_ARTEFACTS, "%zu", s->count[CRAMP_EVENT_ARTEFACT]);
    row_setf(r, F_SECONDS, "%.3f", res->duration_s);
    row_setf(r, F_SAMPLES, "%llu", (unsigned long long)res->samples);
}

/* Every data channel slower than the detector takes: nothing to analyse. */
static int nothing_to_analyse(const cramp_rec_header *h, const batch_opts *o)
{
    if (o->in.channels) return 0;
    size_t data = 0;
    for (size_t c = 0; c < h->n_channels; c++) {
        if (h->channels[c].is_annotation) continue;
        data++;
        if (h->channels[c].fs >= CRAMP_NIGHT_MIN_FS_HZ) return 0;
    }
    return data > 0;
}

/* cramp fatigue on the recording, into its .fatigue.tsv (its own atomic
 * output: a kill before the state's commit has the rerun redo it). */
static int run_fatigue(const item *it, const batch_opts *o, const paths *p)
{
    char fs[64];
    char *argv[12];
    int argc = 0;
    argv[argc++] = (char *)"fatigue";
    argv[argc++] = it->path;
    argv[argc++] = (char *)"-o";
    argv[argc++] = p->fatigue_abs;
    argv[argc++] = (char *)"--quiet";
    if (o->in.channels) {
        argv[argc++] = (char *)"--channels";
        argv[argc++] = (char *)o->in.channels;
    }
    if (o->in.full_scale_uv > 0) {
        snprintf(fs, sizeof fs, "%.17g", o->in.full_scale_uv);
        argv[argc++] = (char *)"--full-scale-uv";
        argv[argc++] = fs;
    }
    argv[argc] = NULL;
    return cmd_fatigue(argc, argv);
}

/* The analysis, as cramp detect does it (same library calls, same
 * messages); the outputs and the state committed together. Returns the
 * status text. */
static const char *analyse(const item *it, const batch_opts *o, const paths *p, row *r)
{
    cramp_recording *rec = NULL;
    cramp_recording_options ro;
    cramp_recording_options_default(&ro);
    cli_input_options(&o->in, &ro);
    ro.tals_as_read = 1; /* as cramp detect: an EDF+'s TALs as the run reads */
    cramp_error err;
    memset(&err, 0, sizeof err);
    cramp_status st = cramp_recording_open(&rec, it->path, &ro, &err);
    if (st != CRAMP_OK) {
        cli_fail("%s", err.message[0] ? err.message : cramp_strerror(st));
        return "failed";
    }
    const cramp_rec_header *h = cramp_recording_header(rec);
    cramp_night_result res;
    memset(&res, 0, sizeof res);
    const char *status = "failed";
    size_t idx[CRAMP_DETECT_MAX_CHANNELS];
    cramp_night_options opt = o->night;
    opt.name = it->path;
    if (g_fraction) opt.progress = on_progress;
    cli_output out[3];
    memset(out, 0, sizeof out);
    const size_t warned = h->n_warnings;
    for (size_t i = 0; i < warned; i++) cli_note("warning: %s", h->warnings[i]);
    if (cli_input_check(&o->in, h, it->path) != CLI_OK) goto done;
    /* the channels as cramp detect chooses them (one function for both) */
    if (detect_choose_channels(rec, it->path, o->in.channels, o->all_channels, 1, &opt,
                               idx) != CLI_OK) {
        if (nothing_to_analyse(h, o)) status = "skipped";
        goto done;
    }
    st = cramp_night_run_recording(rec, &opt, &res, &err);
    /* the warnings the run's TALs gave */
    for (size_t i = warned; i < h->n_warnings; i++) cli_note("warning: %s", h->warnings[i]);
    if (st != CRAMP_OK) {
        cli_fail("%s", err.message);
        goto done;
    }
    const char *lab[CRAMP_DETECT_MAX_CHANNELS];
    for (size_t c = 0; c < res.n_channels; c++) lab[c] = h->channels[res.channel_index[c]].label;
    row_result(r, &res);
    join_groups(&res, lab, r);
    if (o->fatigue && run_fatigue(it, o, p) != CLI_OK) goto done;
    row_set(r, F_STATUS, "ok");
    row_set(r, F_EVENTS, p->events);
    row_set(r, F_SUMMARY, p->summary);
    if (o->fatigue) row_set(r, F_FATIGUE, p->fatigue);
    remove_stale(p->events_abs);
    remove_stale(p->summary_abs);
    remove_stale(p->state);
    if (cli_output_open_text(&out[0], p->events_abs) != CLI_OK ||
        cli_output_open_text(&out[1], p->summary_abs) != CLI_OK ||
        cli_output_open_text(&out[2], p->state) != CLI_OK)
        goto done;
    detect_write_tsv(out[0].fp, lab, &res);
    detect_write_json(out[1].fp, it->path, lab, &res);
    row_write(out[2].fp, r);
    cli_output *const all[3] = {&out[0], &out[1], &out[2]}; /* the state last */
    if (cli_output_commit_all(all, 3) != CLI_OK) goto done;
    status = "ok";
done:
    for (int i = 0; i < 3; i++) cli_output_abort(&out[i]);
    cramp_night_result_free(&res);
    cramp_recording_close(rec);
    return status;
}

/* In the worker process: stderr to the recording's log; the state removed
 * first, so that the parent finds a state only if this run committed it. */
static void worker(const item *it, const batch_opts *o, const paths *p)
{
    unlink(p->state);
    if (make_parents(p->state) != 0 || make_parents(p->events_abs) != 0) _exit(3);
    const int fd = open(p->log, O_WRONLY | O_CREAT | O_TRUNC, 0666);
    if (fd >= 0) {
        fflush(stderr);
        dup2(fd, 2);
        close(fd);
    }
    const double t0 = cli_now();
    row r;
    memset(&r, 0, sizeof r);
    row_set(&r, F_RECORDING, it->path);
    row_set(&r, F_SUBJECT, it->subject[0] ? it->subject : NULL);
    row_set(&r, F_SESSION, it->session[0] ? it->session : NULL);
    row_set(&r, F_SETTINGS, o->settings_id);
    char size[32], mtime[48], sha[65];
    if (fingerprint(it->path, size, sizeof size, mtime, sizeof mtime) == 0) {
        row_set(&r, F_SIZE, size);
        row_set(&r, F_MTIME, mtime);
    }
    if (sha256_file(it->path, sha) == 0) row_set(&r, F_SHA256, sha);
    row_set(&r, F_STATUS, "running");
    const char *status = analyse(it, o, p, &r);
    if (strcmp(status, "ok") != 0) {
        fflush(stderr);
        char *msg = last_message(p->log);
        row r2;
        memset(&r2, 0, sizeof r2);
        /* a failed or skipped row carries no result */
        for (int k = 0; k < N_FIELDS; k++)
            if (k < F_DURATION_H || k == F_SIZE || k == F_MTIME || k == F_SHA256 ||
                k == F_SETTINGS)
                row_set(&r2, k, r.f[k]);
        row_set(&r2, F_STATUS, status);
        row_set(&r2, F_ERROR, msg ? msg : "failed (no message)");
        free(msg);
        unlink(p->events_abs);
        unlink(p->summary_abs);
        unlink(p->fatigue_abs);
        remove_stale(p->state);
        row_setf(&r2, F_ANALYSIS_S, "%.3f", cli_now() - t0);
        commit_state(&r2, p->state);
        row_free(&r2);
    }
    row_free(&r);
    fflush(NULL);
    _exit(0);
}

/* ---- study tables ---------------------------------------------------------- */

/* A cell as JSON: n/a is null; numeric fields as numbers. */
static void json_cell(FILE *f, const char *v, int numeric)
{
    if (!v) {
        fputs("null", f);
        return;
    }
    if (numeric) {
        char *end;
        const double d = strtod(v, &end);
        if (*v && !*end && isfinite(d)) {
            fputs(v, f);
            return;
        }
    }
    cli_json_string(f, v);
}

static void json_list(FILE *f, const char *v, int numeric)
{
    if (!v) {
        fputs("null", f);
        return;
    }
    fputc('[', f);
    const char *p = v;
    for (int first = 1;; first = 0) {
        const char *c = strchr(p, ',');
        char *part = xprintf("%.*s", (int)(c ? (size_t)(c - p) : strlen(p)), p);
        fputs(first ? "" : ", ", f);
        json_cell(f, part, numeric);
        free(part);
        if (!c) break;
        p = c + 1;
    }
    fputc(']', f);
}

static void iso_time(const char *mtime, char *buf, size_t cap)
{
    char *end;
    const long long s = strtoll(mtime, &end, 10);
    time_t t = (time_t)s;
    struct tm tm;
    if (!gmtime_r(&t, &tm) || !strftime(buf, cap, "%Y-%m-%dT%H:%M:%S", &tm)) {
        snprintf(buf, cap, "%s", mtime);
        return;
    }
    if (*end == '.' && strtol(end + 1, NULL, 10) != 0) {
        const size_t len = strlen(buf);
        snprintf(buf + len, cap - len, ".%.9s", end + 1);
    }
    const size_t len = strlen(buf);
    snprintf(buf + len, cap - len, "Z");
}

typedef struct study {
    const char *settings_json;
    const char *shard; /* "K/N" or NULL */
} study;

static void write_tsv(FILE *f, row *const *rows, size_t n)
{
    for (int k = 0; k < N_COLS; k++) fprintf(f, "%s%s", k ? "\t" : "", field_name[k]);
    fputc('\n', f);
    for (size_t i = 0; i < n; i++)
        for (int k = 0; k < N_COLS; k++)
            fprintf(f, "%s%s", row_get(rows[i], k), k == N_COLS - 1 ? "\n" : "\t");
}

static void write_json(FILE *f, const study *s, row *const *rows, size_t n)
{
    size_t count[3] = {0, 0, 0};
    for (size_t i = 0; i < n; i++) {
        const char *st = row_get(rows[i], F_STATUS);
        count[!strcmp(st, "ok") ? 0 : !strcmp(st, "failed") ? 1 : 2]++;
    }
    fputs("{\"cramp_version\": ", f);
    cli_json_string(f, cramp_version_string());
    if (s->shard) {
        fputs(", \"shard\": ", f);
        cli_json_string(f, s->shard);
    }
    fprintf(f, ",\n \"settings\": %s,\n \"recordings\": %zu, \"ok\": %zu, \"failed\": %zu, "
               "\"skipped\": %zu,\n \"nights\": [",
            s->settings_json, n, count[0], count[1], count[2]);
    for (size_t i = 0; i < n; i++) {
        const row *r = rows[i];
        fprintf(f, "%s\n  {", i ? "," : "");
        for (int k = 0; k < N_COLS; k++) {
            fprintf(f, "%s\"%s\": ", k ? ", " : "", field_name[k]);
            if (k == F_CHANNELS)
                json_list(f, r->f[k], 0);
            else if (k == F_FS_HZ)
                json_list(f, r->f[k], 1);
            else
                json_cell(f, r->f[k], k >= F_DURATION_H);
        }
        fputs(",\n   \"input\": {\"size\": ", f);
        json_cell(f, r->f[F_SIZE], 1);
        fputs(", \"mtime\": ", f);
        if (r->f[F_MTIME]) {
            char iso[64];
            iso_time(r->f[F_MTIME], iso, sizeof iso);
            cli_json_string(f, iso);
        } else {
            fputs("null", f);
        }
        fputs(", \"sha256\": ", f);
        json_cell(f, r->f[F_SHA256], 0);
        fputs("}, \"outputs\": {\"events\": ", f);
        json_cell(f, r->f[F_EVENTS], 0);
        fputs(", \"summary\": ", f);
        json_cell(f, r->f[F_SUMMARY], 0);
        fputs(", \"fatigue\": ", f);
        json_cell(f, r->f[F_FATIGUE], 0);
        fputs("}}", f);
    }
    fputs("\n]}\n", f);
}

/* Both tables, all or none. */
static int write_tables(const char *dir, const char *suffix, const study *s, row *const *rows,
                        size_t n)
{
    char *tsv = xprintf("%s/nights%s.tsv", dir, suffix);
    char *json = xprintf("%s/nights%s.json", dir, suffix);
    remove_stale(tsv);
    remove_stale(json);
    cli_output a, b;
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    int rc = CLI_FAIL;
    if (cli_output_open_text(&a, tsv) == CLI_OK && cli_output_open_text(&b, json) == CLI_OK) {
        write_tsv(a.fp, rows, n);
        write_json(b.fp, s, rows, n);
        cli_output *const both[2] = {&a, &b};
        rc = cli_output_commit_all(both, 2);
    }
    cli_output_abort(&a);
    cli_output_abort(&b);
    free(tsv);
    free(json);
    return rc;
}

/* ---- the study file: settings and the whole input list ---------------------- */

static char *study_text(const batch_opts *o, const item_list *l)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = mem_stream(&buf, &len);
    fprintf(f, "cramp-batch-study\t1\nsettings\t%s\nsettings_json\t%s\nsettings_id\t%s\n",
            o->settings, o->settings_json, o->settings_id);
    for (size_t i = 0; i < l->n; i++)
        fprintf(f, "recording\t%s\t%s\t%s\t%s\n", l->v[i].path, l->v[i].mirror, l->v[i].subject,
                l->v[i].session);
    fclose(f);
    return buf;
}

static char *read_all(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    char *buf = NULL;
    size_t len = 0, cap = 0, n;
    char tmp[65536];
    while ((n = fread(tmp, 1, sizeof tmp, f)) > 0) {
        if (len + n + 1 > cap) {
            cap = 2 * (len + n + 1);
            char *nb = realloc(buf, cap);
            if (!nb) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = nb;
        }
        memcpy(buf + len, tmp, n);
        len += n;
    }
    fclose(f);
    if (!buf) buf = xstrdup("");
    else buf[len] = 0;
    return buf;
}

/* ---- progress --------------------------------------------------------------- */

typedef struct progress {
    int tty, quiet;
    double t0;
    size_t done, total;
    double hours;                /* of signal, done (reused ones too) */
    double hours_run, samples;   /* analysed in this run */
    double bytes_done, bytes_all; /* of the recordings this run analyses */
    int shown;
} progress;

static void progress_show(progress *pg)
{
    if (!pg->tty || pg->quiet) return;
    const double el = cli_now() - pg->t0;
    char eta[32] = "--:--:--";
    if (pg->bytes_done > 0 && pg->bytes_all >= pg->bytes_done) {
        const long s = lround(el * (pg->bytes_all - pg->bytes_done) / pg->bytes_done);
        snprintf(eta, sizeof eta, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
    }
    fprintf(stderr, "\r%s: %zu/%zu recordings, %.1f h of signal, %.1f M samples/s, ETA %s  ",
            cli_name(), pg->done, pg->total, pg->hours, el > 0 ? pg->samples / el / 1e6 : 0.0,
            eta);
    fflush(stderr);
    pg->shown = 1;
}

/* ---- the run ---------------------------------------------------------------- */

typedef struct task {
    size_t item;
    pid_t pid;
    double t0, bytes;
    size_t slot; /* its place in the shared fractions */
} task;

static void append_log(FILE *log, const item *it, const paths *p, const row *r, double el)
{
    if (!log) return;
    fprintf(log, "== %s: %s", it->path, row_get(r, F_STATUS));
    if (!strcmp(row_get(r, F_STATUS), "ok"))
        fprintf(log, ", %s cramps, %s h, %.2f s", row_get(r, F_CRAMPS), row_get(r, F_DURATION_H),
                el);
    else
        fprintf(log, " (%s), %.2f s", row_get(r, F_ERROR), el);
    fputc('\n', log);
    FILE *f = fopen(p->log, "r");
    if (f) {
        char line[4096];
        while (fgets(line, sizeof line, f)) fputs(line, log);
        fclose(f);
    }
    fflush(log);
}

/* The worker ended: its state, or a failed one in its place. */
static void reap(const batch_opts *o, const item *it, int wstatus, row *r)
{
    paths p;
    paths_make(&p, o->outdir, it);
    if (row_read(p.state, r) != 0) {
        memset(r, 0, sizeof *r);
        row_set(r, F_RECORDING, it->path);
        row_set(r, F_SUBJECT, it->subject[0] ? it->subject : NULL);
        row_set(r, F_SESSION, it->session[0] ? it->session : NULL);
        row_set(r, F_SETTINGS, o->settings_id);
        row_set(r, F_STATUS, "failed");
        char *msg = last_message(p.log);
        if (WIFSIGNALED(wstatus))
            row_setf(r, F_ERROR, "the worker ended by signal %d%s%s", WTERMSIG(wstatus),
                     msg ? " after: " : "", msg ? msg : "");
        else
            row_setf(r, F_ERROR, "%s", msg ? msg : "the worker wrote no result");
        free(msg);
        commit_state(r, p.state);
    }
    paths_free(&p);
}

static int run_study(batch_opts *o, item_list *l)
{
    int rc = CLI_OK;
    const double t_start = cli_now();
    char *state_dir = xprintf("%s/" STATE_DIR "/x", o->outdir);
    if (make_parents(state_dir) != 0) return CLI_FAIL;
    free(state_dir);

    /* the study file: identical for every shard of one study */
    char *study_path = xprintf("%s/" STATE_DIR "/study", o->outdir);
    char *text = study_text(o, l);
    char *old = read_all(study_path);
    if (!old || strcmp(old, text)) {
        /* no remove_stale here: the shards of one study, running at once,
         * write this same file, and one's temporary file is not stale */
        cli_output so;
        if (cli_output_open_text(&so, study_path) != CLI_OK) return CLI_FAIL;
        fputs(text, so.fp);
        if (cli_output_commit(&so) != CLI_OK) return CLI_FAIL;
    }
    free(old);
    free(text);
    free(study_path);

    char suffix[64] = "", shard[40] = "";
    if (o->shard_n) {
        snprintf(suffix, sizeof suffix, ".shard-%u-of-%u", o->shard_k, o->shard_n);
        snprintf(shard, sizeof shard, "%u/%u", o->shard_k, o->shard_n);
    }
    char *log_path = xprintf("%s/batch%s.log", o->outdir, suffix);
    FILE *log = fopen(log_path, "a");
    if (!log) cli_note("warning: cannot append to '%s': %s", log_path, strerror(errno));

    /* this run's recordings: the shard's, less those an earlier run finished */
    size_t *mine = xmalloc(l->n * sizeof *mine), n_mine = 0;
    size_t *todo = xmalloc(l->n * sizeof *todo), n_todo = 0;
    row *rows = xmalloc(l->n * sizeof *rows);
    memset(rows, 0, l->n * sizeof *rows);
    progress pg;
    memset(&pg, 0, sizeof pg);
    pg.tty = isatty(2);
    pg.quiet = o->quiet;
    pg.t0 = t_start;
    for (size_t i = 0; i < l->n; i++) {
        if (o->shard_n && shard_of(&l->v[i], o->shard_n) != o->shard_k) continue;
        paths p;
        paths_make(&p, o->outdir, &l->v[i]);
        row r;
        const int have = !o->force && row_read(p.state, &r) == 0;
        if (have && reusable(&r, &l->v[i], o, &p)) {
            rows[i] = r;
            pg.done++;
            pg.hours += atof(row_get(&r, F_DURATION_H));
        } else {
            if (have) row_free(&r);
            struct stat st;
            pg.bytes_all += stat(l->v[i].path, &st) == 0 ? (double)st.st_size : 0;
            todo[n_todo++] = i;
        }
        paths_free(&p);
        mine[n_mine++] = i;
    }
    pg.total = n_mine;
    const size_t reused = pg.done;
    if (log) {
        time_t now = time(NULL);
        struct tm tm;
        char when[32] = "";
        if (gmtime_r(&now, &tm)) strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
        fprintf(log, "=== cramp %s batch %s: %zu recordings%s%s, %zu reused, %zu to analyse, "
                     "%ld jobs; settings %s (%s)\n",
                cramp_version_string(), when, n_mine, shard[0] ? " in shard " : "", shard,
                reused, n_todo, o->jobs, o->settings_id, o->settings);
        fflush(log);
    }
    progress_show(&pg);

    /* the workers: one process per recording, at most jobs at once */
    task *run = xmalloc((size_t)o->jobs * sizeof *run);
    size_t running = 0, next = 0;
    /* on a terminal the workers report how far into their night they are,
     * so that the ETA moves during long nights */
    volatile double *frac = NULL;
    const size_t frac_size = (size_t)o->jobs * sizeof(double);
#ifdef MAP_ANONYMOUS
    if (pg.tty && !pg.quiet) {
        void *m = mmap(NULL, frac_size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        if (m != MAP_FAILED) frac = m;
    }
#endif
    double shown_at = cli_now();
    unsigned char *slot_used = xmalloc((size_t)o->jobs);
    memset(slot_used, 0, (size_t)o->jobs);
    const pid_t parent = getpid();
    fflush(NULL);
    while (next < n_todo || running) {
        while (next < n_todo && running < (size_t)o->jobs) {
            const item *it = &l->v[todo[next]];
            struct stat st;
            const double bytes = stat(it->path, &st) == 0 ? (double)st.st_size : 0;
            size_t slot = 0;
            while (slot_used[slot]) slot++;
            if (frac) frac[slot] = 0;
            const pid_t pid = fork();
            if (pid < 0) {
                cli_fail("cannot start a worker: %s", strerror(errno));
                break;
            }
            if (pid == 0) {
#ifdef __linux__
                /* a killed batch takes its workers with it */
                prctl(PR_SET_PDEATHSIG, SIGKILL);
                if (getppid() != parent) _exit(4);
#endif
                g_fraction = frac ? &frac[slot] : NULL;
                paths p;
                paths_make(&p, o->outdir, it);
                worker(it, o, &p);
            }
            run[running++] = (task){todo[next], pid, cli_now(), bytes, slot};
            slot_used[slot] = 1;
            next++;
        }
        if (!running) break;
        int ws;
        pid_t pid = waitpid(-1, &ws, frac ? WNOHANG : 0);
        if (pid == 0) {
            /* nothing ended: look again in 20 ms (a short night's end is not
             * waited for long), and every 0.5 s the line with the nights in
             * progress */
            if (cli_now() - shown_at >= 0.5) {
                double part = 0;
                for (size_t k = 0; k < running; k++) part += frac[run[k].slot] * run[k].bytes;
                pg.bytes_done += part;
                progress_show(&pg);
                pg.bytes_done -= part;
                shown_at = cli_now();
            }
            const struct timespec tick = {0, 20000000};
            nanosleep(&tick, NULL);
            continue;
        }
        if (pid < 0) {
            if (errno == EINTR) continue;
            cli_fail("waiting for the workers: %s", strerror(errno));
            break;
        }
        size_t k = 0;
        while (k < running && run[k].pid != pid) k++;
        if (k == running) continue;
        const task t = run[k];
        run[k] = run[--running];
        slot_used[t.slot] = 0;
        const item *it = &l->v[t.item];
        row *r = &rows[t.item];
        reap(o, it, ws, r);
        paths p;
        paths_make(&p, o->outdir, it);
        append_log(log, it, &p, r, cli_now() - t.t0);
        unlink(p.log);
        paths_free(&p);
        pg.done++;
        pg.hours += atof(row_get(r, F_DURATION_H));
        pg.samples += atof(row_get(r, F_SAMPLES));
        pg.hours_run += atof(row_get(r, F_DURATION_H));
        pg.bytes_done += t.bytes;
        progress_show(&pg);
    }
    free(run);
    free(slot_used);
    if (frac) munmap((void *)frac, frac_size);
    if (pg.shown) fputc('\n', stderr);

    /* the tables: the shard's rows in input order */
    row **sel = xmalloc((n_mine ? n_mine : 1) * sizeof *sel);
    size_t n_ok = 0, n_failed = 0, n_skipped = 0, missing = 0;
    for (size_t j = 0; j < n_mine; j++) {
        row *r = &rows[mine[j]];
        if (!r->f[F_STATUS]) { /* a worker was not started (fork failed) */
            missing++;
            row_set(r, F_RECORDING, l->v[mine[j]].path);
            row_set(r, F_STATUS, "failed");
            row_set(r, F_ERROR, "not analysed (no worker could be started)");
        }
        sel[j] = r;
        const char *st = row_get(r, F_STATUS);
        if (!strcmp(st, "ok"))
            n_ok++;
        else if (!strcmp(st, "failed"))
            n_failed++;
        else
            n_skipped++;
        if (!strcmp(st, "failed"))
            cli_note("failed: %s", row_get(r, F_ERROR));
    }
    study s = {o->settings_json, shard[0] ? shard : NULL};
    if (write_tables(o->outdir, suffix, &s, sel, n_mine) != CLI_OK) rc = CLI_FAIL;
    const double el = cli_now() - t_start;
    if (!o->quiet)
        fprintf(stderr,
                "%s: %zu recording%s%s%s: %zu ok, %zu failed, %zu skipped (%zu reused); %.2f h "
                "analysed in %.1f s, %.1f M samples/s -> %s/nights%s.tsv\n",
                cli_name(), n_mine, n_mine == 1 ? "" : "s", shard[0] ? " in shard " : "", shard,
                n_ok, n_failed,
                n_skipped, reused, pg.hours_run, el,
                el > 0 ? pg.samples / el / 1e6 : 0.0, o->outdir, suffix);
    if (log) {
        fprintf(log, "=== done: %zu ok, %zu failed, %zu skipped (%zu reused) in %.1f s, %.1f M "
                     "samples/s\n",
                n_ok, n_failed, n_skipped, reused, el, el > 0 ? pg.samples / el / 1e6 : 0.0);
        fclose(log);
    }
    free(log_path);
    for (size_t i = 0; i < l->n; i++) row_free(&rows[i]);
    free(rows);
    free(sel);
    free(mine);
    free(todo);
    (void)missing;
    if (n_failed && rc == CLI_OK) rc = CLI_FAIL;
    return rc;
}

/* ---- merge ------------------------------------------------------------------- */

static int merge(const batch_opts *o, char **dirs, int n_dirs)
{
    char *text = NULL;
    for (int d = 0; d < n_dirs; d++) {
        char *sp = xprintf("%s/" STATE_DIR "/study", dirs[d]);
        char *t = read_all(sp);
        if (!t) {
            int e = errno;
            free(sp);
            free(text);
            return cli_fail("'%s' holds no cramp batch results (%s/" STATE_DIR "/study: %s)",
                            dirs[d], dirs[d], strerror(e));
        }
        free(sp);
        if (text && strcmp(text, t)) {
            free(t);
            free(text);
            return cli_fail("'%s' and '%s' are results of different studies (other inputs or "
                            "settings)",
                            dirs[0], dirs[d]);
        }
        free(text);
        text = t;
    }
    if (strncmp(text, "cramp-batch-study\t1\n", 20) != 0) {
        free(text);
        return cli_fail("'%s/" STATE_DIR "/study' is not a cramp batch study file", dirs[0]);
    }
    /* the settings and the list, in the order a single run has them */
    char *settings_json = NULL, *settings_id = NULL;
    char **recs = NULL, **mirrors = NULL;
    size_t n = 0, cap = 0;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        char *tab = strchr(line, '\t');
        if (!tab) continue;
        *tab = 0;
        if (!strcmp(line, "settings_json"))
            settings_json = tab + 1;
        else if (!strcmp(line, "settings_id"))
            settings_id = tab + 1;
        else if (!strcmp(line, "recording")) {
            char *path = tab + 1, *t2 = strchr(path, '\t');
            if (!t2) continue;
            *t2 = 0;
            char *mir = t2 + 1, *t3 = strchr(mir, '\t');
            if (t3) *t3 = 0;
            if (n == cap) {
                cap = cap ? 2 * cap : 64;
                char **a = realloc(recs, cap * sizeof *a), **b;
                if (!a) exit(CLI_FAIL);
                recs = a;
                b = realloc(mirrors, cap * sizeof *b);
                if (!b) exit(CLI_FAIL);
                mirrors = b;
            }
            recs[n] = path;
            mirrors[n++] = mir;
        }
    }
    int rc = CLI_OK;
    row *rows = xmalloc((n ? n : 1) * sizeof *rows);
    row **sel = xmalloc((n ? n : 1) * sizeof *sel);
    size_t n_failed = 0, n_ok = 0;
    for (size_t i = 0; i < n; i++) {
        int found = 0;
        for (int d = 0; d < n_dirs && !found; d++) {
            char *sp = xprintf("%s/" STATE_DIR "/states/%s.state", dirs[d], mirrors[i]);
            if (row_read(sp, &rows[i]) == 0) {
                if (!strcmp(row_get(&rows[i], F_RECORDING), recs[i]) && settings_id &&
                    !strcmp(row_get(&rows[i], F_SETTINGS), settings_id))
                    found = 1;
                else
                    row_free(&rows[i]);
            }
            free(sp);
        }
        if (!found) {
            memset(&rows[i], 0, sizeof rows[i]);
            if (rc == CLI_OK)
                cli_fail("'%s' has no result in %s: was every shard run (to the end)?", recs[i],
                         n_dirs > 1 ? "the folders given" : dirs[0]);
            rc = CLI_FAIL;
        }
        sel[i] = &rows[i];
        if (found && !strcmp(row_get(&rows[i], F_STATUS), "failed")) {
            n_failed++;
            cli_note("failed: %s", row_get(&rows[i], F_ERROR));
        } else if (found && !strcmp(row_get(&rows[i], F_STATUS), "ok")) {
            n_ok++;
        }
    }
    const char *out = o->outdir ? o->outdir : dirs[0];
    if (rc == CLI_OK) {
        char *probe = xprintf("%s/x", out);
        if (make_parents(probe) != 0) rc = CLI_FAIL;
        free(probe);
    }
    if (rc == CLI_OK) {
        study s = {settings_json ? settings_json : "null", NULL};
        rc = write_tables(out, "", &s, sel, n);
    }
    if (rc == CLI_OK && !o->quiet)
        fprintf(stderr, "%s: %zu recording%s from %d folder%s: %zu ok, %zu failed, %zu skipped "
                        "-> %s/nights.tsv\n",
                cli_name(), n, n == 1 ? "" : "s", n_dirs, n_dirs == 1 ? "" : "s", n_ok, n_failed,
                n - n_ok - n_failed, out);
    for (size_t i = 0; i < n; i++) row_free(&rows[i]);
    free(rows);
    free(sel);
    free(recs);
    free(mirrors);
    free(text);
    if (rc == CLI_OK && n_failed) rc = CLI_FAIL;
    return rc;
}

/* ---- options ---------------------------------------------------------------- */

enum { OPT_QUIET = 256, OPT_SHARD, OPT_MERGE, OPT_FATIGUE, OPT_FORCE, OPT_THREADS, OPT_NO_TUNING };

int cmd_batch(int argc, char *argv[])
{
    struct option longopts[64] = {
        {"output", required_argument, NULL, 'o'},
        {"jobs", required_argument, NULL, 'j'},
        {"shard", required_argument, NULL, OPT_SHARD},
        {"merge", no_argument, NULL, OPT_MERGE},
        {"force", no_argument, NULL, OPT_FORCE},
        {"fatigue", no_argument, NULL, OPT_FATIGUE},
        DETECT_OPTION_LONGOPTS,
        {"quiet", no_argument, NULL, OPT_QUIET},
        {"threads-per-night", required_argument, NULL, OPT_THREADS},
        {"no-tuning", no_argument, NULL, OPT_NO_TUNING},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    batch_opts o;
    memset(&o, 0, sizeof o);
    cramp_night_options_default(&o.night);
    int no_tuning = 0;
    opterr = 0;
    optind = 1;
    int c;
    detect_add_switch_longopts(longopts, sizeof longopts / sizeof longopts[0]);
    while ((c = getopt_long(argc, argv, ":o:j:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'h': cmd_batch_help(stdout); return CLI_OK;
        case 'o': o.outdir = optarg; break;
        case 'j': {
            size_t j;
            if (cli_parse_size(optarg, &j) != 0 || j < 1 || j > 4096)
                return cli_usage_error("--jobs wants a number of processes, 1 to 4096, not '%s'",
                                       optarg);
            o.jobs = (long)j;
            o.jobs_given = 1;
            break;
        }
        case OPT_SHARD: {
            unsigned k, n;
            char extra;
            if (sscanf(optarg, "%u/%u%c", &k, &n, &extra) != 2 || n < 1 || k >= n ||
                strchr(optarg, '-'))
                return cli_usage_error("--shard wants K/N with 0 <= K < N (e.g. 0/4), not '%s'",
                                       optarg);
            o.shard_k = k;
            o.shard_n = n;
            break;
        }
        case OPT_MERGE: o.merge = 1; break;
        case OPT_FORCE: o.force = 1; break;
        case OPT_FATIGUE: o.fatigue = 1; break;
        case OPT_QUIET: o.quiet = 1; break;
        case OPT_NO_TUNING: no_tuning = 1; break;
        case OPT_THREADS:
            if (detect_parse_threads("--threads-per-night", optarg, &o.night) != CLI_OK)
                return CLI_USAGE;
            break;
        default: {
            const int rc = detect_option(c, optarg, &o.night, &o.in, &o.all_channels);
            if (rc == DETECT_OPT_NONE) return cli_bad_option(argv, c);
            if (rc != CLI_OK) return rc;
        }
        }
    }
    const int n_in = argc - optind;
    if (o.merge) {
        if (n_in < 1) return cli_usage_error("--merge wants the OUTDIRs of the shards");
        if (o.shard_n || o.force || o.fatigue)
            return cli_usage_error("--merge takes only -o and --quiet");
        return merge(&o, argv + optind, n_in);
    }
    if (n_in < 1) return cli_usage_error("give the recordings, folders or @lists to analyse");
    cli_tuning_apply(&o.night, no_tuning, o.quiet);
    if (!o.outdir) return cli_usage_error("give the output folder with -o OUTDIR");
    if (!strcmp(o.outdir, "-")) return cli_usage_error("-o wants a folder, not '-'");
    if (!o.jobs_given) {
        const char *sl = getenv("SLURM_CPUS_PER_TASK");
        size_t j = 0;
        if (sl && cli_parse_size(sl, &j) == 0 && j >= 1)
            o.jobs = (long)j;
        else
            o.jobs = sysconf(_SC_NPROCESSORS_ONLN);
        if (o.jobs < 1) o.jobs = 1;
    }
    make_settings(&o);

    char *probe = xprintf("%s/x", o.outdir);
    const int made = make_parents(probe);
    free(probe);
    if (made != 0) return CLI_FAIL;
    item_list l;
    memset(&l, 0, sizeof l);
    walk_ctx w = {&l, 0, 0, 0};
    struct stat st;
    if (stat(o.outdir, &st) == 0) {
        w.out_dev = st.st_dev;
        w.out_ino = st.st_ino;
        w.have_out = 1;
    }
    int rc = CLI_OK;
    for (int i = optind; i < argc; i++)
        if (add_input(&w, argv[i], 0) != CLI_OK) rc = CLI_FAIL;
    if (rc == CLI_OK) rc = finish_list(&l);
    if (rc == CLI_OK && l.n == 0)
        rc = cli_fail("no recordings found in the inputs given (looked for %s, ...)",
                      ".edf .bdf .wav .hea");
    if (rc == CLI_OK) rc = run_study(&o, &l);
    for (size_t i = 0; i < l.n; i++) {
        free(l.v[i].path);
        free(l.v[i].mirror);
        free(l.v[i].subject);
        free(l.v[i].session);
    }
    free(l.v);
    free(o.settings);
    free(o.settings_json);
    return rc;
}
