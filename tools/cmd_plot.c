/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cramp plot: paper figures of cramp's outputs. Each kind reduces its inputs
 * to small data files (a recording is streamed block by block through the
 * library's envelope and kept only as per-bin minima and maxima, so memory
 * does not grow with the night), writes a gnuplot script beside them in a
 * private folder next to the figure, and runs gnuplot as a child process
 * whose standard output is the figure's temporary file (common.h's atomic
 * output): a failed run leaves no figure. --keep-script moves the script and
 * its data beside the figure, where `gnuplot NAME.gp` redraws it. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmd_plot.h"
#include "common.h"

/* ---- classes and their colours ------------------------------------------- */

/* Okabe & Ito's colour-blind-safe palette (Okabe M, Ito K. Color universal
 * design, 2008), one colour per event class in every figure. Classes the
 * detector does not emit yet keep their colour reserved. */
static const struct {
    const char *name;
    const char *rgb;
} classes[] = {
    {"cramp", "#D55E00"},    /* vermillion */
    {"plm", "#0072B2"},      /* blue */
    {"burst", "#E69F00"},    /* orange */
    {"movement", "#009E73"}, /* bluish green */
    {"artefact", "#CC79A7"}, /* reddish purple */
    {"hft", "#56B4E9"},      /* sky blue */
    {"alma", "#F0E442"},     /* yellow */
    {"fragmentary", "#000000"},
};
#define N_CLASSES (sizeof classes / sizeof classes[0])
/* Any other trial_type. */
#define OTHER_CLASS N_CLASSES
#define OTHER_RGB "#999999"
/* Series that are not classes (signal, MNF, MDF): greys. */
#define INK_RGB "#333333"
#define INK2_RGB "#888888"

static size_t class_index(const char *name)
{
    for (size_t k = 0; k < N_CLASSES; k++)
        if (name && strcmp(name, classes[k].name) == 0) return k;
    return OTHER_CLASS;
}
static const char *class_rgb(size_t k) { return k < N_CLASSES ? classes[k].rgb : OTHER_RGB; }
static const char *class_name(size_t k) { return k < N_CLASSES ? classes[k].name : "other"; }

/* ---- options ------------------------------------------------------------- */

typedef enum { FMT_PDF, FMT_SVG, FMT_PNG } fig_format;

typedef struct plot_opts {
    const char *out;
    fig_format fmt;
    double width_cm, height_cm; /* 0: the kind's default */
    const char *font;
    const char *title;
    double dpi;
    int keep;
    int quiet;
    const char *time_axis;      /* night: "clock", "hours" or NULL (clock when known) */
    long index;                 /* episode: 1-based row, 0 = not given */
    double at;
    int have_at;
    double context_s;           /* episode: seconds each side; 0 = default */
    const char *channel;
    const char *group_by;       /* cohort */
    const char *labels;         /* scores: group names */
    double iv_lo, iv_hi;        /* fatigue: fitted interval */
    int have_iv;
    cli_input input;
} plot_opts;

void cmd_plot_help(FILE *out)
{
    fputs("Usage: cramp plot KIND INPUT... -o FIGURE.{pdf,svg,png} [OPTIONS]\n"
          "\n"
          "Draws a figure of cramp's outputs with gnuplot (run as a child process;\n"
          "Debian/Ubuntu package gnuplot-nox). The format follows FIGURE's extension:\n"
          ".pdf (vector, for papers), .svg, .png. Event classes keep one colour in\n"
          "every figure (Okabe-Ito, safe for colour-blind readers): cramp vermillion,\n"
          "plm blue, burst orange, movement green, artefact purple (hft sky blue, alma\n"
          "yellow, fragmentary black; other classes grey).\n"
          "\n"
          "Kinds:\n"
          "  night RECORDING EVENTS.tsv\n"
          "      the whole night, one strip per channel: the 0.25-s RMS envelope in uV\n"
          "      on a log axis (the band between its smallest and largest value in each\n"
          "      of about 2000 time bins, so short bursts stay visible), the events\n"
          "      (cramp detect or cramp synth output) as spans coloured by class on the\n"
          "      channels they name (on every strip when they name none; at least 1/400\n"
          "      of the axis wide, so short ones stay visible), cramp onsets as\n"
          "      triangles. The recording is streamed: memory does not grow with it.\n",
          out);
    cramp_detect_config dc;
    cramp_detect_config_default(&dc);
    fprintf(out,
            "  episode RECORDING EVENTS.tsv (--index N | --at SECONDS)\n"
            "      one event with context: the band-passed signal (%g-%g Hz, as the\n"
            "      detector) of its main channel, its %g-s RMS envelope with the\n",
            dc.band_lo_hz, dc.band_hi_hz, dc.env_window_s);
    fputs("      detector's onset and offset thresholds at its default settings (from\n"
          "      the rest_uv column that cramp detect writes), onset and offset marked,\n"
          "      and the MNF and MDF of 0.5-s epochs with their least-squares slopes\n"
          "      over the event\n"
          "  fatigue FATIGUE.tsv\n"
          "      MNF and MDF (Hz) and FInsm5 (own axis) of one channel over time (cramp\n"
          "      fatigue output), each with its least-squares line and the line's 95 %\n"
          "      confidence band over --interval (default all epochs)\n"
          "  scores SCORES.tsv...\n"
          "      precision, recall and F1 per class (cramp score output; the pooled rows\n"
          "      when there are several nights), one group of bars per input file\n"
          "  cohort NIGHTS.tsv\n"
          "      cramps per hour and PLM index of every night (cramp batch's nights.tsv:\n"
          "      columns recording, cramps_per_hour, plm_index; subject, session and\n"
          "      status if present, nights whose status is not ok left out) as a strip\n"
          "      plot with each group's median and interquartile range\n"
          "\n",
          out);
    fputs("Figure:\n"
          "  -o, --output FILE  the figure (required); written atomically\n"
          "  --size WxH[cm|in]  size (default cm; each kind has its own default, 17 cm\n"
          "                     wide for a two-column page)\n"
          "  --font 'NAME,PT'   font (default 'Sans,9')\n"
          "  --title TEXT       a title above the figure\n"
          "  --dpi N            PNG: pixels per inch (default 150)\n"
          "  --keep-script      also write FIGURE's name with .gp (the gnuplot script)\n"
          "                     and its .dat files beside it, to restyle by hand:\n"
          "                     cd FOLDER && gnuplot NAME.gp\n"
          "\n"
          "Kind options:\n"
          "  --time clock|hours night: x axis as clock time from the recording's start\n"
          "                     (default when the header has one) or hours\n"
          CLI_INPUT_HELP
          "  --index N          episode: the N-th event of EVENTS.tsv (1 = first row)\n"
          "  --at SECONDS       episode: the event holding this time, else the nearest\n"
          "  --context SECONDS  episode: signal shown before and after (default 10, or\n"
          "                     half the event when longer)\n"
          "  --channel LABEL    episode: the channel (default the event's main_channel,\n"
          "                     else its first); fatigue: the channel (default the first)\n"
          "  --interval A-B     fatigue: seconds over which the lines are fitted\n"
          "  --labels A,B,...   scores: names of the groups (default the file names)\n"
          "  --group-by COLUMN  cohort: subject, session or none (default subject when\n"
          "                     the column is there, else session, else none)\n"
          "  --quiet            no summary on stderr\n"
          "  -h, --help         show this help\n"
          "\n"
          "Examples (a simulated night, its detection, scores and fatigue):\n"
          "  cramp synth datasets/suite/many-short-cramps-2k.scenario --minutes 20 -o n.edf\n"
          "  cramp detect n.edf -o det.tsv\n"
          "  cramp plot night n.edf det.tsv -o night.pdf\n"
          "  cramp plot episode n.edf det.tsv --index 2 -o episode.png --dpi 200\n"
          "  cramp score n.events.tsv det.tsv -o score.tsv\n"
          "  cramp plot scores score.tsv --labels threshold -o scores.svg\n"
          "  cramp fatigue n.edf --channels L-GAS --epoch 1 -o fat.tsv\n"
          "  cramp plot fatigue fat.tsv --interval 300-400 -o fatigue.pdf --keep-script\n"
          "\n"
          "Exit status: 0 success, 1 failure (a file, a column, gnuplot), 2 usage error.\n",
          out);
}

enum {
    OPT_SIZE = 256, OPT_FONT, OPT_TITLE, OPT_DPI, OPT_KEEP, OPT_QUIET, OPT_TIME, OPT_INDEX,
    OPT_AT, OPT_CONTEXT, OPT_CHANNEL, OPT_GROUP_BY, OPT_LABELS, OPT_INTERVAL, OPT_CHANNELS,
    OPT_FULL_SCALE
};

static int parse_size(const char *s, double *w_cm, double *h_cm)
{
    char *end;
    errno = 0;
    double w = strtod(s, &end);
    if (end == s || (*end != 'x' && *end != 'X' && *end != ',')) return -1;
    const char *p = end + 1;
    double h = strtod(p, &end);
    if (end == p) return -1;
    double scale = 1;
    if (strcmp(end, "in") == 0) scale = 2.54;
    else if (*end && strcmp(end, "cm") != 0) return -1;
    if (!(w > 0) || !(h > 0) || !isfinite(w) || !isfinite(h)) return -1;
    *w_cm = w * scale;
    *h_cm = h * scale;
    if (*w_cm > 200 || *h_cm > 200) return -1;
    return 0;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    if (n < m) return 0;
    for (size_t i = 0; i < m; i++) {
        char c = s[n - m + i];
        if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
        if (c != suffix[i]) return 0;
    }
    return 1;
}

/* ---- a small TSV reader ------------------------------------------------------ */

/* A tab-separated table read whole (the tables plotted are a few thousand
 * rows at most): the header names the columns, rows end at the end of the
 * file or, with stop_at_blank, at the first blank line (cramp score's
 * confusion table follows one). */
typedef struct tsv {
    const char *path;
    char *text;
    char **head;
    size_t cols;
    char ***rows;
    size_t n_rows;
    size_t *line;   /* the file line of each row, for messages */
} tsv;

static void tsv_free(tsv *t)
{
    for (size_t r = 0; r < t->n_rows; r++) free(t->rows[r]);
    free(t->rows);
    free(t->line);
    free(t->head);
    free(t->text);
    memset(t, 0, sizeof *t);
}

/* Splits line at tabs into at most cap fields; returns the count. */
static size_t split_tabs(char *line, char **fields, size_t cap)
{
    size_t n = 0;
    char *p = line;
    for (;;) {
        char *tab = strchr(p, '\t');
        if (n < cap) fields[n] = p;
        n++;
        if (!tab) break;
        *tab = '\0';
        p = tab + 1;
    }
    return n < cap ? n : cap;
}

static int tsv_read(tsv *t, const char *path, int stop_at_blank)
{
    memset(t, 0, sizeof *t);
    t->path = path;
    FILE *f = fopen(path, "rb");
    if (!f) return cli_fail("cannot open '%s': %s", path, strerror(errno));
    size_t cap = 1 << 16, len = 0;
    t->text = malloc(cap);
    for (;;) {
        if (!t->text) {
            fclose(f);
            return cli_fail("out of memory reading '%s'", path);
        }
        len += fread(t->text + len, 1, cap - 1 - len, f);
        if (len < cap - 1) break;
        cap *= 2;
        char *grown = realloc(t->text, cap);
        if (!grown) free(t->text);
        t->text = grown;
    }
    int err = ferror(f);
    fclose(f);
    if (err) {
        tsv_free(t);
        return cli_fail("error reading '%s'", path);
    }
    t->text[len] = '\0';
    if (memchr(t->text, '\0', len)) {
        tsv_free(t);
        return cli_fail("'%s' is not a text table (it holds NUL bytes)", path);
    }

    char *p = t->text;
    size_t lineno = 0, row_cap = 0;
    while (*p) {
        char *nl = strchr(p, '\n');
        char *next = nl ? nl + 1 : p + strlen(p);
        if (nl) *nl = '\0';
        if (nl > p && nl[-1] == '\r') nl[-1] = '\0';
        lineno++;
        if (!t->head) {
            size_t n = 1;
            for (const char *q = p; *q; q++) n += *q == '\t';
            t->head = malloc(n * sizeof *t->head);
            if (!t->head) goto oom;
            t->cols = split_tabs(p, t->head, n);
        } else if (*p == '\0') {
            if (stop_at_blank) break;
        } else {
            if (t->n_rows == row_cap) {
                row_cap = row_cap ? 2 * row_cap : 256;
                char ***rows = realloc(t->rows, row_cap * sizeof *rows);
                size_t *line = realloc(t->line, row_cap * sizeof *line);
                if (rows) t->rows = rows;
                if (line) t->line = line;
                if (!rows || !line) goto oom;
            }
            char **fields = calloc(t->cols, sizeof *fields);
            if (!fields) goto oom;
            size_t n = split_tabs(p, fields, t->cols);
            for (size_t i = n; i < t->cols; i++) fields[i] = "";
            t->rows[t->n_rows] = fields;
            t->line[t->n_rows++] = lineno;
        }
        p = next;
    }
    if (!t->head) {
        tsv_free(t);
        return cli_fail("'%s' is empty: a header line naming the columns is needed", path);
    }
    return CLI_OK;
oom:
    tsv_free(t);
    return cli_fail("out of memory reading '%s'", path);
}

static long tsv_col(const tsv *t, const char *name)
{
    for (size_t c = 0; c < t->cols; c++)
        if (strcmp(t->head[c], name) == 0) return (long)c;
    return -1;
}

/* The column called name, or a message naming the file and the column. */
static int tsv_need(const tsv *t, const char *name, const char *what, size_t *col)
{
    long c = tsv_col(t, name);
    if (c < 0)
        return cli_fail("'%s' has no column '%s' (%s); its header names: %s%s%s%s%s", t->path,
                        name, what, t->cols > 0 ? t->head[0] : "",
                        t->cols > 1 ? ", " : "", t->cols > 1 ? t->head[1] : "",
                        t->cols > 2 ? ", " : "", t->cols > 2 ? "..." : "");
    *col = (size_t)c;
    return CLI_OK;
}

/* A number of row r, column c: n/a, NaN or empty give NaN; anything else
 * that is not a number is an error naming the file, line and column. */
static int tsv_num(const tsv *t, size_t r, size_t c, double *v)
{
    const char *s = t->rows[r][c];
    if (!*s || strcmp(s, "n/a") == 0 || strcmp(s, "NaN") == 0 || strcmp(s, "nan") == 0) {
        *v = (double)NAN;
        return CLI_OK;
    }
    if (cli_parse_double(s, v) != 0)
        return cli_fail("'%s' line %zu: column '%s' holds '%s', not a number", t->path,
                        t->line[r], t->head[c], s);
    return CLI_OK;
}

/* ---- the figure: script, data files, gnuplot --------------------------------- */

#define MAX_FILES 16

typedef struct plot {
    const plot_opts *o;
    char dir[4096];       /* the figure's folder */
    char base[1024];      /* its name without the extension */
    char work[6144];      /* private folder beside it: script and data while drawing */
    char files[MAX_FILES][1100];
    /* full paths of the files and the log, for the signal handler */
    char paths[MAX_FILES + 1][7300];
    volatile sig_atomic_t n_paths;
    size_t n_files;
    FILE *gp;
    double w_cm, h_cm; /* figure size */
    double em;         /* font size / 9 pt: margins grow with the font */
} plot;

/* A gnuplot string literal: double quotes, so a newline can be written as
 * \n; backslashes and quotes escaped. */
static void gp_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; s && *s; s++) {
        if (*s == '\n') {
            fputs("\\n", f);
            continue;
        }
        if (*s == '"' || *s == '\\') fputc('\\', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

/* The figure being drawn, for the signal handler: an interrupted run
 * removes its work folder, then lets common.h's handler remove the figure's
 * temporary file and end the process by the signal. */
static plot *volatile g_plot;
static struct sigaction g_prev[3];
static const int g_signals[3] = {SIGINT, SIGTERM, SIGHUP};

static void plot_on_signal(int sig)
{
    plot *p = g_plot;
    if (p) {
        for (sig_atomic_t i = 0; i < p->n_paths; i++) unlink(p->paths[i]); /* async-signal-safe */
        rmdir(p->work);
    }
    for (int i = 0; i < 3; i++)
        if (g_signals[i] == sig && g_prev[i].sa_handler != SIG_DFL &&
            g_prev[i].sa_handler != SIG_IGN) {
            g_prev[i].sa_handler(sig);
            return;
        }
    signal(sig, SIG_DFL);
    raise(sig);
}

/* Puts plot_on_signal in front of the handlers in place (called again after
 * the atomic output installs its own). */
static void plot_catch_signals(plot *p)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = plot_on_signal;
    sigemptyset(&sa.sa_mask);
    g_plot = p;
    for (int i = 0; i < 3; i++) {
        struct sigaction old;
        sigaction(g_signals[i], &sa, &old);
        if (old.sa_handler != plot_on_signal) g_prev[i] = old;
    }
}

static void plot_remove_work(plot *p)
{
    g_plot = NULL;
    if (!p->work[0]) return;
    for (sig_atomic_t i = 0; i < p->n_paths; i++) unlink(p->paths[i]);
    rmdir(p->work);
    p->work[0] = '\0';
}

static void plot_abort(plot *p)
{
    if (p->gp) fclose(p->gp);
    p->gp = NULL;
    plot_remove_work(p);
}

/* Opens a file name.SUFFIX in the work folder; its name (relative, as the
 * script uses it) is p->files[returned index]. */
static FILE *plot_file(plot *p, const char *suffix, const char **name)
{
    if (p->n_files == MAX_FILES) return NULL;
    char *n = p->files[p->n_files];
    snprintf(n, sizeof p->files[0], "%s.%s", p->base, suffix);
    char path[sizeof p->paths[0]];
    snprintf(path, sizeof path, "%s/%s", p->work, n);
    memcpy(p->paths[p->n_paths], path, sizeof path);
    FILE *f = fopen(path, "w");
    if (!f) {
        cli_fail("cannot write '%s': %s", path, strerror(errno));
        return NULL;
    }
    p->n_paths++;
    p->n_files++;
    if (name) *name = n;
    return f;
}

static int close_data(FILE *f, const char *name)
{
    int bad = ferror(f) != 0;
    bad |= fclose(f) != 0;
    return bad ? cli_fail("error writing the data file '%s'", name) : CLI_OK;
}

/* Starts a figure: the work folder beside -o and the script's terminal,
 * size and font. def_w_cm, def_h_cm: the kind's default size. */
static int plot_begin(plot *p, const plot_opts *o, double def_w_cm, double def_h_cm)
{
    memset(p, 0, sizeof *p);
    p->o = o;
    const char *slash = strrchr(o->out, '/');
    if (slash) snprintf(p->dir, sizeof p->dir, "%.*s", (int)(slash - o->out + 1), o->out);
    else snprintf(p->dir, sizeof p->dir, "./");
    const char *name = slash ? slash + 1 : o->out;
    const char *dot = strrchr(name, '.');
    snprintf(p->base, sizeof p->base, "%.*s", (int)(dot ? dot - name : (long)strlen(name)), name);
    if (!p->base[0]) snprintf(p->base, sizeof p->base, "figure");
    snprintf(p->work, sizeof p->work, "%s.%s.plot-XXXXXX", p->dir, p->base);
    if (!mkdtemp(p->work)) {
        int e = errno;
        p->work[0] = '\0';
        return cli_fail("cannot write beside '%s': %s", o->out, strerror(e));
    }
    snprintf(p->paths[0], sizeof p->paths[0], "%s/gnuplot.log", p->work);
    p->n_paths = 1;
    plot_catch_signals(p);
    const char *gpname;
    p->gp = plot_file(p, "gp", &gpname);
    if (!p->gp) {
        plot_remove_work(p);
        return CLI_FAIL;
    }
    const double w = o->width_cm > 0 ? o->width_cm : def_w_cm;
    const double h = o->height_cm > 0 ? o->height_cm : def_h_cm;
    const char *font = o->font ? o->font : "Sans,9";
    p->w_cm = w;
    p->h_cm = h;
    p->em = 1;
    const char *comma = strrchr(font, ',');
    double pt;
    if (comma && cli_parse_double(comma + 1, &pt) == 0 && pt > 1 && pt < 100) p->em = pt / 9;
    FILE *g = p->gp;
    fprintf(g, "# %s: written by cramp plot; redraw with: gnuplot %s\n", gpname, gpname);
    fputs("set encoding utf8\n", g);
    switch (o->fmt) {
    case FMT_PDF: fprintf(g, "set terminal pdfcairo size %.3fcm,%.3fcm", w, h); break;
    case FMT_SVG:
        /* gnuplot's SVG unit is a point (1/72 in), as the fonts' */
        fprintf(g, "set terminal svg size %ld,%ld fixed", lround(w / 2.54 * 72),
                lround(h / 2.54 * 72));
        break;
    case FMT_PNG:
        /* pixels; fonts and lines scaled from gnuplot's 72 dpi */
        fprintf(g, "set terminal pngcairo size %ld,%ld fontscale %.4g linewidth %.4g",
                lround(w / 2.54 * o->dpi), lround(h / 2.54 * o->dpi), o->dpi / 72.0,
                o->dpi / 72.0);
        break;
    }
    fputs(" noenhanced font ", g);
    gp_str(g, font);
    if (o->fmt != FMT_PDF) fputs(" background '#ffffff'", g);
    fputs("\n# cramp plot passes cramp_stdout to write the figure to its standard output\n"
          "if (!exists('cramp_stdout')) set output ",
          g);
    gp_str(g, strrchr(o->out, '/') ? strrchr(o->out, '/') + 1 : o->out);
    fputc('\n', g);
    fputs("set border lw 0.8\nset tics nomirror out scale 0.6\nset grid lw 0.3 lc rgb '#dddddd'\n",
          g);
    return CLI_OK;
}

/* The full path of the executable `name` on PATH, or 0. */
static int find_on_path(const char *name, char *out, size_t cap)
{
    const char *path = getenv("PATH");
    if (!path || !*path) return 0;
    while (*path) {
        const char *colon = strchr(path, ':');
        size_t n = colon ? (size_t)(colon - path) : strlen(path);
        snprintf(out, cap, "%.*s/%s", (int)n, n ? path : ".", name);
        if (access(out, X_OK) == 0) return 1;
        path += n + (colon != NULL);
    }
    return 0;
}

/* Runs gnuplot on the script with its standard output on fd; prints
 * gnuplot's messages when it fails. */
static int run_gnuplot(plot *p, int fd)
{
    char exe[4096];
    if (!find_on_path("gnuplot", exe, sizeof exe))
        return cli_fail("gnuplot is not installed (not found on PATH): install the package "
                        "gnuplot-nox (Debian/Ubuntu: apt-get install gnuplot-nox, or run "
                        "scripts/setup)");
    const char *log = p->paths[0];
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) return cli_fail("cannot start gnuplot: %s", strerror(errno));
    if (pid == 0) {
        int e = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (e < 0 || chdir(p->work) != 0 || dup2(fd, 1) < 0 || dup2(e, 2) < 0) _exit(126);
        execl(exe, "gnuplot", "-e", "cramp_stdout=1", p->files[0], (char *)NULL);
        _exit(127);
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) return cli_fail("waiting for gnuplot: %s", strerror(errno));
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return CLI_OK;
    FILE *f = fopen(log, "r");
    if (f) {
        char line[1024];
        int shown = 0;
        while (fgets(line, sizeof line, f) && shown < 20) {
            if (line[0] == '\n') continue;
            fprintf(stderr, "  gnuplot: %s", line);
            shown++;
        }
        fclose(f);
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
        return cli_fail("cannot run '%s': install the package gnuplot-nox", exe);
    return cli_fail("gnuplot failed drawing '%s'%s", p->o->out,
                    WIFSIGNALED(status) ? " (killed by a signal)" : "");
}

/* Renders into a temporary file beside the figure and renames it into
 * place; with --keep-script moves the script and data beside it. Removes
 * the work folder either way. */

/* Copies the work file `from` to `to` beside the figure (cli_output: temporary
 * file and rename for a regular file, direct for a device or FIFO). */
static int plot_keep_file(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb");
    if (!in) return cli_fail("cannot read '%s': %s", from, strerror(errno));
    cli_output o;
    memset(&o, 0, sizeof o);
    if (cli_output_open_text(&o, to) != CLI_OK) {
        fclose(in);
        return CLI_FAIL;
    }
    char buf[65536];
    size_t n;
    int rc = CLI_OK;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        if (fwrite(buf, 1, n, o.fp) != n) break;
    if (ferror(in)) rc = cli_fail("cannot read '%s': %s", from, strerror(errno));
    fclose(in);
    if (rc == CLI_OK) return cli_output_commit(&o);
    cli_output_abort(&o);
    return rc;
}

static int plot_finish(plot *p)
{
    int rc = CLI_FAIL;
    FILE *g = p->gp;
    p->gp = NULL;
    if (ferror(g) | (fclose(g) != 0)) {
        cli_fail("error writing the gnuplot script");
        plot_remove_work(p);
        return CLI_FAIL;
    }
    cli_output o;
    memset(&o, 0, sizeof o);
    if (cli_output_open_text(&o, p->o->out) != CLI_OK) {
        plot_remove_work(p);
        return CLI_FAIL;
    }
    plot_catch_signals(p);
    if (run_gnuplot(p, fileno(o.fp)) != CLI_OK) {
        cli_output_abort(&o);
        plot_remove_work(p);
        return CLI_FAIL;
    }
    struct stat st;
    if (fstat(fileno(o.fp), &st) != 0 || st.st_size == 0) {
        cli_output_abort(&o);
        plot_remove_work(p);
        return cli_fail("gnuplot wrote nothing for '%s'", p->o->out);
    }
    if (cli_output_commit(&o) != CLI_OK) {
        plot_remove_work(p);
        return CLI_FAIL;
    }
    rc = CLI_OK;
    if (p->o->keep) {
        /* through the one safe output: a link, device or read-only file
           beside the figure is treated as every other output is */
        char from[8192], to[8192];
        for (size_t i = 0; i < p->n_files && rc == CLI_OK; i++) {
            snprintf(from, sizeof from, "%s/%s", p->work, p->files[i]);
            snprintf(to, sizeof to, "%s%s", p->dir, p->files[i]);
            rc = plot_keep_file(from, to);
        }
        if (rc == CLI_OK && !p->o->quiet)
            cli_note("script %s%s (redraw: cd %s && gnuplot %s)", p->dir, p->files[0], p->dir,
                     p->files[0]);
    }
    plot_remove_work(p);
    return rc;
}

/* A legend entry per class in present[]. */
static void key_classes(FILE *g, const int *present)
{
    for (size_t k = 0; k <= N_CLASSES; k++) {
        if (!present[k]) continue;
        fprintf(g, ", keyentry with boxes fs solid 0.45 noborder fc rgb '%s' title '%s'",
                class_rgb(k), class_name(k));
    }
}

static void title_line(FILE *g, const plot_opts *o, const char *what)
{
    if (o->title) {
        fprintf(g, "%s title ", what);
        gp_str(g, o->title);
    }
}

/* Extra bottom room (cm) for n group names under an axis panel_cm wide:
 * 0 when they fit side by side (about 0.19 cm a character at 9 pt),
 * else the names are turned by 30 degrees and need about half their length. */
static double slanted_names(FILE *g, const char *const *names, size_t n, double panel_cm,
                            double em)
{
    size_t longest = 0;
    for (size_t i = 0; i < n; i++)
        if (strlen(names[i]) > longest) longest = strlen(names[i]);
    const double need = (double)longest * 0.19 * em;
    if (need <= 0.85 * panel_cm / (double)n) return 0;
    fputs("set xtics rotate by 30 right\n", g);
    return 0.5 * need;
}

/* "set multiplot layout ROWS,COLS" with margins and spacing given in cm
 * (times the font's size over 9 pt), so labels keep their room whatever the
 * figure's size; then the --title, if any. */
static void multiplot(plot *p, int rows, int cols, double left, double right, double bottom,
                      double top, double hspace, double vspace)
{
    const double e = p->em, w = p->w_cm, h = p->h_cm;
    double l = left * e / w, r = 1 - right * e / w, b = bottom * e / h, t = 1 - top * e / h;
    if (p->o->title) t -= 0.6 * e / h;
    if (r < l + 0.1) r = l + 0.1;
    if (t < b + 0.1) t = b + 0.1;
    fprintf(p->gp, "set multiplot layout %d,%d margins %.4f,%.4f,%.4f,%.4f spacing %.4f,%.4f",
            rows, cols, l, r, b, t, hspace * e / w, vspace * e / h);
    title_line(p->gp, p->o, "");
    fputc('\n', p->gp);
}

/* ---- night --------------------------------------------------------------------- */

#define NIGHT_BINS 2000
#define NIGHT_ENV_WINDOW_S 0.25
#define NIGHT_ENV_STEP_S 0.05
#define NIGHT_FLOOR_UV 0.01

/* Does the comma-separated label list name label? */
static int names_channel(const char *list, const char *label)
{
    size_t n = strlen(label);
    for (const char *p = list; p && *p;) {
        const char *comma = strchr(p, ',');
        size_t m = comma ? (size_t)(comma - p) : strlen(p);
        if (m == n && strncmp(p, label, n) == 0) return 1;
        if (!comma) break;
        p = comma + 1;
    }
    return 0;
}

/* A unit for an axis label: uV as µV. */
static const char *unit_text(const char *unit)
{
    return strcmp(unit, "uV") == 0 ? "µV" : unit;
}

static int empty_channel(const char *ch)
{
    return !ch || !*ch || strcmp(ch, "n/a") == 0;
}

static int plot_night(const plot_opts *o, int argc, char **argv)
{
    if (argc != 2) return cli_usage_error("night wants RECORDING EVENTS.tsv");
    const char *rec_path = argv[0], *ev_path = argv[1];

    cramp_error err;
    memset(&err, 0, sizeof err);
    cramp_event_table *ev = NULL;
    if (cramp_event_table_read(&ev, ev_path, &err) != CRAMP_OK)
        return cli_fail("%s", err.message[0] ? err.message : "cannot read events");

    cli_reader rd;
    if (cli_reader_open_input(&rd, rec_path, &o->input, o->quiet) != CLI_OK) {
        cramp_event_table_destroy(ev);
        return CLI_FAIL;
    }
    const size_t C = rd.channels;
    const double fs = rd.fs;
    const int64_t frames = rd.frames;
    int rc = CLI_FAIL;
    float *buf = NULL, *env = NULL;
    double *lo = NULL, *hi = NULL;
    cramp_envelope *e = NULL;
    plot p;
    memset(&p, 0, sizeof p);

    int clock = rd.hdr->start_valid;
    if (o->time_axis && strcmp(o->time_axis, "hours") == 0) clock = 0;
    if (o->time_axis && strcmp(o->time_axis, "clock") == 0 && !rd.hdr->start_valid) {
        if (!o->quiet) cli_note("'%s' has no valid start time: time in hours", rec_path);
        clock = 0;
    }
    if (frames <= 0) {
        cli_fail("'%s' holds no samples", rec_path);
        goto done;
    }

    cramp_envelope_config cfg;
    cramp_envelope_config_default(&cfg);
    cfg.kind = CRAMP_ENV_RMS;
    cfg.fs = fs;
    cfg.window_s = NIGHT_ENV_WINDOW_S;
    const size_t bin_frames = (size_t)((frames + NIGHT_BINS - 1) / NIGHT_BINS);
    size_t step = (size_t)lround(NIGHT_ENV_STEP_S * fs);
    if (step < 1) step = 1;
    if (step > bin_frames) step = bin_frames;
    cfg.decimation = step;
    if (cfg.window_s * fs < 1) cfg.window_s = 1 / fs;
    if (cramp_envelope_create(&e, C, &cfg, &err) != CRAMP_OK) {
        cli_fail("%s: envelope: %s", rec_path, err.message);
        goto done;
    }
    const size_t nbins = (size_t)((frames + (int64_t)bin_frames - 1) / (int64_t)bin_frames);
    const size_t out_cap = cramp_envelope_max_output(e, CLI_BLOCK_FRAMES);
    buf = malloc((size_t)CLI_BLOCK_FRAMES * C * sizeof *buf);
    env = malloc(out_cap * C * sizeof *env);
    lo = malloc(nbins * C * sizeof *lo);
    hi = malloc(nbins * C * sizeof *hi);
    if (!buf || !env || !lo || !hi) {
        cli_fail("out of memory");
        goto done;
    }
    for (size_t i = 0; i < nbins * C; i++) {
        lo[i] = INFINITY;
        hi[i] = -INFINITY;
    }
    const double delay = cramp_envelope_delay_s(e);
    uint64_t k_out = 0;
    for (;;) {
        long got = cli_reader_read(&rd, buf, CLI_BLOCK_FRAMES);
        if (got < 0) goto done;
        if (got == 0) break;
        size_t n_env = 0;
        if (cramp_envelope_process(e, buf, (size_t)got, env, out_cap, &n_env) != CRAMP_OK) {
            cli_fail("envelope failed");
            goto done;
        }
        for (size_t k = 0; k < n_env; k++, k_out++) {
            /* output k is the window ending at input frame (k + 1) D - 1;
             * binned at the window's centre */
            double t = (double)((k_out + 1) * step - 1) / fs - delay;
            if (t < 0) t = 0;
            size_t b = (size_t)(t * fs) / bin_frames;
            if (b >= nbins) b = nbins - 1;
            for (size_t c = 0; c < C; c++) {
                double v = env[k * C + c];
                if (!isfinite(v)) continue;
                if (v < NIGHT_FLOOR_UV) v = NIGHT_FLOOR_UV;
                if (v < lo[b * C + c]) lo[b * C + c] = v;
                if (v > hi[b * C + c]) hi[b * C + c] = v;
            }
        }
    }

    double ymin = INFINITY, ymax = -INFINITY;
    for (size_t i = 0; i < nbins * C; i++) {
        if (lo[i] < ymin) ymin = lo[i];
        if (hi[i] > ymax) ymax = hi[i];
    }
    if (!(ymin <= ymax)) {
        cli_fail("'%s': no finite envelope to draw", rec_path);
        goto done;
    }
    ymin = pow(10, floor(log10(ymin)));
    ymax = pow(10, ceil(log10(ymax * 1.5)));
    if (ymax <= ymin * 10) ymax = ymin * 100;

    const double t0 = clock ? rd.hdr->hour * 3600.0 + rd.hdr->minute * 60.0 + rd.hdr->second +
                                  rd.hdr->start_subsecond
                            : 0;
    const double tscale = clock ? 1 : 1 / 3600.0;
    const double duration = (double)frames / fs;

    const double strip_cm = C > 4 ? 2.2 : 3.0;
    if (plot_begin(&p, o, 17, 2.6 + strip_cm * (double)C) != CLI_OK) goto done;
    const char *env_name, *ev_name;
    FILE *d = plot_file(&p, "envelope.dat", &env_name);
    if (!d) goto done;
    fputs("# x (clock seconds or hours), then per channel the smallest and largest 0.25-s RMS "
          "(uV) in the bin\n", d);
    for (size_t b = 0; b < nbins; b++) {
        double tc = ((double)b + 0.5) * (double)bin_frames / fs;
        if (tc > duration) tc = duration;
        fprintf(d, "%.6f", t0 * tscale + tc * tscale);
        for (size_t c = 0; c < C; c++) {
            if (isfinite(lo[b * C + c])) fprintf(d, "\t%.5g\t%.5g", lo[b * C + c], hi[b * C + c]);
            else fputs("\tNaN\tNaN", d);
        }
        fputc('\n', d);
    }
    if (close_data(d, env_name) != CLI_OK) goto done;

    int present[N_CLASSES + 1] = {0};
    size_t n_drawn = 0, n_cramps = 0;
    d = plot_file(&p, "events.dat", &ev_name);
    if (!d) goto done;
    fputs("# span x_start x_end (widened to 1/400 of the axis at least), strip (1 = first "
          "channel), class (0 = cramp ...), onset x\n", d);
    const cramp_event *evs = cramp_event_table_events(ev);
    for (size_t i = 0; i < cramp_event_table_size(ev); i++) {
        const cramp_event *x = &evs[i];
        if (!isfinite(x->onset_s) || x->onset_s > duration) continue;
        double dur = isfinite(x->duration_s) && x->duration_s > 0 ? x->duration_s : 0;
        /* at least 1/400 of the axis, so a 1-s burst in 8 hours stays visible */
        double x0 = x->onset_s;
        if (dur < duration / 400) {
            x0 -= (duration / 400 - dur) / 2;
            dur = duration / 400;
        }
        size_t k = class_index(x->trial_type);
        int any = 0;
        for (size_t c = 0; c < C; c++) {
            if (!empty_channel(x->channel) && !names_channel(x->channel, cli_reader_label(&rd, c)))
                continue;
            fprintf(d, "%.6f\t%.6f\t%zu\t%zu\t%.6f\n", (t0 + x0) * tscale, (t0 + x0 + dur) * tscale,
                    c + 1, k, (t0 + x->onset_s) * tscale);
            any = 1;
        }
        if (any) {
            present[k] = 1;
            n_drawn++;
            n_cramps += k == 0;
        }
    }
    if (close_data(d, ev_name) != CLI_OK) goto done;

    FILE *g = p.gp;
    fprintf(g, "set logscale y\nset yrange [%g:%g]\nset format y '10^{%%L}'\n", ymin, ymax);
    fputs("set format y '%g'\n", g);
    if (clock) {
        fprintf(g, "set xdata time\nset timefmt '%%s'\nset format x '%%H:%%M'\n"
                   "set xrange [%.6f:%.6f]\n",
                t0, t0 + duration);
    } else {
        fprintf(g, "set xrange [0:%.6f]\n", duration / 3600);
    }
    multiplot(&p, (int)C, 1, 2.6, 0.8, 1.6, 1.0, 0, 0.15);
    fprintf(g, "set key at screen 0.5,%.4f center center horizontal noautotitle samplen 1.5 "
               "width 1\n",
            1 - (0.5 * p.em + (o->title ? 0.6 * p.em : 0)) / p.h_cm);
    for (size_t c = 0; c < C; c++) {
        fputs("set ylabel ", g);
        char lab[256];
        snprintf(lab, sizeof lab, "%s (%s)", cli_reader_label(&rd, c),
                 unit_text(cli_reader_unit(&rd, c)));
        gp_str(g, lab);
        fputc('\n', g);
        if (c + 1 == C) {
            fprintf(g, "set format x %s\nset xlabel %s\n", clock ? "'%H:%M'" : "'%g'",
                    clock ? "'clock time (from the recording start)'" : "'time (h)'");
        } else {
            fputs("set format x ''\nunset xlabel\n", g);
        }
        fputs("plot ", g);
        /* spans behind the envelope; a row of another strip or class has
         * every x undefined (boxxyerror draws from xlow and xhigh) */
        for (size_t k = 0; k <= N_CLASSES; k++) {
            if (!present[k]) continue;
            gp_str(g, ev_name);
            fprintf(g, " using (($3==%zu && $4==%zu) ? ($1+$2)/2 : NaN):(%g):"
                       "(($3==%zu && $4==%zu) ? $1 : NaN):(($3==%zu && $4==%zu) ? $2 : NaN):"
                       "(%g):(%g) with boxxyerror fs transparent solid 0.4 noborder "
                       "fc rgb '%s' notitle, ",
                    c + 1, k, sqrt(ymin * ymax), c + 1, k, c + 1, k, ymin, ymax, class_rgb(k));
        }
        gp_str(g, env_name);
        fprintf(g, " using 1:%zu:%zu with filledcurves fc rgb '%s' fs solid 1.0 noborder notitle",
                2 + 2 * c, 3 + 2 * c, INK_RGB);
        if (present[0]) {
            fputs(", ", g);
            gp_str(g, ev_name);
            fprintf(g, " using (($3==%zu && $4==0) ? $5 : NaN):(%g) with points pt 11 ps 0.9 "
                       "lc rgb '%s' notitle",
                    c + 1, ymax / 2.2, class_rgb(0));
        }
        if (c == 0) key_classes(g, present);
        else fputs("\nunset key", g);
        fputc('\n', g);
    }
    fputs("unset multiplot\n", g);
    if (plot_finish(&p) != CLI_OK) goto done;
    if (!o->quiet)
        cli_note("%s: %zu channel%s, %.2f h in %zu bins, %zu events (%zu cramps) -> %s",
                 rec_path, C, C == 1 ? "" : "s", duration / 3600, nbins, n_drawn, n_cramps,
                 o->out);
    rc = CLI_OK;
done:
    plot_abort(&p);
    cramp_envelope_destroy(e);
    free(buf);
    free(env);
    free(lo);
    free(hi);
    cli_reader_close(&rd);
    cramp_event_table_destroy(ev);
    return rc;
}

/* ---- scores --------------------------------------------------------------- */

#define MAX_GROUPS 32

static int plot_scores(const plot_opts *o, int argc, char **argv)
{
    if (argc < 1) return cli_usage_error("scores wants one or more SCORES.tsv");
    if (argc > MAX_GROUPS) return cli_usage_error("scores takes at most %d files", MAX_GROUPS);
    /* per group, class: precision, recall, f1 */
    static double v[MAX_GROUPS][N_CLASSES + 1][3];
    char names[MAX_GROUPS][128];
    int present[N_CLASSES + 1] = {0};
    const char *lp = o->labels;
    for (int gi = 0; gi < argc; gi++) {
        for (size_t k = 0; k <= N_CLASSES; k++)
            v[gi][k][0] = v[gi][k][1] = v[gi][k][2] = (double)NAN;
        if (lp && *lp) {
            const char *comma = strchr(lp, ',');
            size_t n = comma ? (size_t)(comma - lp) : strlen(lp);
            snprintf(names[gi], sizeof names[gi], "%.*s", (int)n, lp);
            lp = comma ? comma + 1 : NULL;
        } else {
            const char *s = strrchr(argv[gi], '/');
            s = s ? s + 1 : argv[gi];
            const char *dot = strrchr(s, '.');
            const int len = (int)(dot && dot > s ? dot - s : (long)strlen(s));
            snprintf(names[gi], sizeof names[gi], "%.*s", len, s);
        }
        tsv t;
        if (tsv_read(&t, argv[gi], 1) != CLI_OK) return CLI_FAIL;
        size_t cc, cm[3];
        static const char *const metric[3] = {"precision", "recall", "f1"};
        int bad = tsv_need(&t, "class", "the event class", &cc) != CLI_OK;
        for (int m = 0; m < 3 && !bad; m++)
            bad = tsv_need(&t, metric[m], "a cramp score table", &cm[m]) != CLI_OK;
        if (bad) {
            tsv_free(&t);
            return CLI_FAIL;
        }
        /* Several nights: the pooled rows; one table of classes: every row. */
        long cn = tsv_col(&t, "night");
        int has_pooled = 0;
        if (cn >= 0)
            for (size_t r = 0; r < t.n_rows; r++)
                has_pooled |= strcmp(t.rows[r][cn], "pooled") == 0;
        int seen[N_CLASSES + 1] = {0};
        size_t used = 0;
        for (size_t r = 0; r < t.n_rows; r++) {
            if (has_pooled && strcmp(t.rows[r][cn], "pooled") != 0) continue;
            size_t k = class_index(t.rows[r][cc]);
            if (seen[k]) {
                const int several = cn >= 0 && !has_pooled;
                cli_fail("'%s' line %zu: class '%s' appears twice%s", argv[gi], t.line[r],
                         t.rows[r][cc],
                         several ? " (several nights and no 'pooled' rows)" : "");
                tsv_free(&t);
                return CLI_FAIL;
            }
            seen[k] = 1;
            for (int m = 0; m < 3; m++)
                if (tsv_num(&t, r, cm[m], &v[gi][k][m]) != CLI_OK) {
                    tsv_free(&t);
                    return CLI_FAIL;
                }
            if (isfinite(v[gi][k][0]) || isfinite(v[gi][k][1])) present[k] = 1;
            used++;
        }
        tsv_free(&t);
        if (!used) return cli_fail("'%s' holds no score rows", argv[gi]);
    }
    size_t K = 0;
    for (size_t k = 0; k <= N_CLASSES; k++) K += present[k] != 0;
    if (!K) return cli_fail("no class has a defined precision or recall in the inputs");

    plot p;
    if (plot_begin(&p, o, 17, 8) != CLI_OK) return CLI_FAIL;
    const char *dname;
    FILE *d = plot_file(&p, "scores.dat", &dname);
    if (!d) {
        plot_abort(&p);
        return CLI_FAIL;
    }
    fputs("# group class x precision recall f1 (n/a: NaN)\n", d);
    const double bw = 0.8 / (double)K;
    for (int gi = 0; gi < argc; gi++) {
        size_t j = 0;
        for (size_t k = 0; k <= N_CLASSES; k++) {
            if (!present[k]) continue;
            const double x = gi + ((double)j - ((double)K - 1) / 2) * bw;
            fprintf(d, "%d\t%zu\t%.4f", gi, k, x);
            for (int m = 0; m < 3; m++) {
                if (isfinite(v[gi][k][m])) fprintf(d, "\t%.6g", v[gi][k][m]);
                else fputs("\tNaN", d);
            }
            fputc('\n', d);
            j++;
        }
    }
    if (close_data(d, dname) != CLI_OK) {
        plot_abort(&p);
        return CLI_FAIL;
    }
    FILE *g = p.gp;
    fprintf(g, "set yrange [0:1.05]\nset xrange [-0.6:%d.6]\nset ytics 0.2\nset grid ytics\n"
               "unset grid\nset grid ytics lw 0.3 lc rgb '#dddddd'\nset boxwidth %.4f absolute\n",
            argc - 1, bw * 0.92);
    fputs("set xtics (", g);
    for (int gi = 0; gi < argc; gi++) {
        fputs(gi ? ", " : "", g);
        gp_str(g, names[gi]);
        fprintf(g, " %d", gi);
    }
    fputs(") scale 0\n", g);
    /* three panels placed by hand, then the legend in a full-width row of
     * its own (a key inside one narrow panel drops entries that overflow) */
    const double em = p.em, W = p.w_cm, H = p.h_cm;
    const double L = 1.8 * em / W, R = 1 - 0.3 * em / W, gap = 0.4 * em / W;
    const char *np[MAX_GROUPS];
    for (int gi = 0; gi < argc; gi++) np[gi] = names[gi];
    const double extra = slanted_names(g, np, (size_t)argc, (R - L - 2 * gap) / 3 * W, em);
    const double B = (2.4 * em + extra) / H, T = 1 - (1.0 + (o->title ? 0.6 : 0)) * em / H;
    const double pw = (R - L - 2 * gap) / 3;
    fputs("set multiplot", g);
    title_line(g, o, "");
    fputc('\n', g);
    fprintf(g, "set bmargin at screen %.4f\nset tmargin at screen %.4f\nunset key\n", B, T);
    static const char *const label[3] = {"precision", "recall", "F1"};
    for (int m = 0; m < 3; m++) {
        fprintf(g, "set lmargin at screen %.4f\nset rmargin at screen %.4f\n",
                L + m * (pw + gap), L + m * (pw + gap) + pw);
        fprintf(g, "set title '%s'\n", label[m]);
        fputs(m == 0 ? "set ylabel 'score'\n" : "unset ylabel\nset format y ''\n", g);
        fputs("plot ", g);
        size_t first = 1;
        for (size_t k = 0; k <= N_CLASSES; k++) {
            if (!present[k]) continue;
            fputs(first ? "" : ", ", g);
            first = 0;
            gp_str(g, dname);
            fprintf(g, " using ($2==%zu ? $3 : NaN):%d with boxes fs solid 0.85 noborder "
                       "fc rgb '%s' notitle",
                    k, 4 + m, class_rgb(k));
        }
        fputc('\n', g);
    }
    fprintf(g, "set lmargin at screen 0.02\nset rmargin at screen 0.98\n"
               "set bmargin at screen 0\nset tmargin at screen %.4f\n"
               "unset border\nunset tics\nunset title\nunset ylabel\nunset xlabel\nunset grid\n"
               "set xrange [0:1]\nset yrange [0:1]\n"
               "set key at screen 0.5,%.4f center center horizontal maxrows 1 samplen 1.5 "
               "width 1\nplot NaN notitle",
            1.3 * em / H, 0.65 * em / H);
    key_classes(g, present);
    fputc('\n', g);
    fputs("unset multiplot\n", g);
    if (plot_finish(&p) != CLI_OK) {
        plot_abort(&p);
        return CLI_FAIL;
    }
    if (!o->quiet) cli_note("%d input%s, %zu classes -> %s", argc, argc == 1 ? "" : "s", K, o->out);
    return CLI_OK;
}

/* ---- fatigue -------------------------------------------------------------- */

typedef struct fit_band {
    cramp_slope s;
    double tbar, sxx;
    int ok;
} fit_band;

/* Least-squares line of (t, y) over [lo, hi] with what its confidence band
 * needs: se of the line at t = sqrt(s^2 / n + se_b^2 (t - tbar)^2), where
 * s^2 = se_b^2 Sxx. */
static void fit_over(const double *t, const double *y, size_t n, double lo, double hi,
                     double *tt, double *yy, fit_band *f)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (t[i] >= lo && t[i] <= hi && isfinite(y[i]) && isfinite(t[i])) {
            tt[m] = t[i];
            yy[m] = y[i];
            m++;
        }
    memset(f, 0, sizeof *f);
    if (cramp_slope_fit(tt, yy, m, 0.95, &f->s) != CRAMP_OK) return;
    double sum = 0;
    for (size_t i = 0; i < m; i++) sum += tt[i];
    f->tbar = sum / (double)m;
    for (size_t i = 0; i < m; i++) f->sxx += (tt[i] - f->tbar) * (tt[i] - f->tbar);
    f->ok = 1;
}

static void fit_write(FILE *d, const fit_band *f, double t)
{
    if (!f->ok) {
        fputs("\tNaN\tNaN\tNaN", d);
        return;
    }
    const double yhat = f->s.intercept + f->s.slope * t;
    double half = (double)NAN;
    if (isfinite(f->s.slope_se) && f->s.slope_se > 0 && isfinite(f->s.ci_high)) {
        const double tcrit = (f->s.ci_high - f->s.slope) / f->s.slope_se;
        const double s2 = f->s.slope_se * f->s.slope_se * f->sxx;
        half = tcrit * sqrt(s2 / (double)f->s.n +
                            f->s.slope_se * f->s.slope_se * (t - f->tbar) * (t - f->tbar));
    }
    fprintf(d, "\t%.9g\t%.9g\t%.9g", yhat, isfinite(half) ? yhat - half : yhat,
            isfinite(half) ? yhat + half : yhat);
}

/* The plot clauses of index k (0 MNF, 1 MDF, 2 FInsm5): its line's 95 %
 * band from the fit file fn (columns 3k+3, 3k+4), the epochs from the data
 * file dn (column k+2) as points, the line (column 3k+2) titled key. */
static void fit_clauses(FILE *g, const char *dn, const char *fn, int k, const char *rgb, int pt,
                        int dt, const char *name, const char *key)
{
    gp_str(g, fn);
    fprintf(g, " using 1:%d:%d with filledcurves fs transparent solid 0.2 noborder fc rgb '%s' "
               "notitle, ",
            3 * k + 3, 3 * k + 4, rgb);
    gp_str(g, dn);
    fprintf(g, " using 1:%d with points pt %d ps 0.4 lc rgb '%s' title '%s', ", k + 2, pt, rgb,
            name);
    gp_str(g, fn);
    fprintf(g, " using 1:%d with lines lw 1.5 dt %d lc rgb '%s' title ", 3 * k + 2, dt, rgb);
    gp_str(g, key);
}

static int plot_fatigue(const plot_opts *o, int argc, char **argv)
{
    if (argc != 1) return cli_usage_error("fatigue wants one FATIGUE.tsv (cramp fatigue output)");
    tsv t;
    if (tsv_read(&t, argv[0], 1) != CLI_OK) return CLI_FAIL;
    size_t ct, cch, cmnf, cmdf, cfi;
    if (tsv_need(&t, "time_s", "epoch centre, s", &ct) != CLI_OK ||
        tsv_need(&t, "channel", "channel label", &cch) != CLI_OK ||
        tsv_need(&t, "mnf", "mean frequency, Hz", &cmnf) != CLI_OK ||
        tsv_need(&t, "mdf", "median frequency, Hz", &cmdf) != CLI_OK ||
        tsv_need(&t, "finsm5", "Dimitrov's index", &cfi) != CLI_OK) {
        tsv_free(&t);
        return CLI_FAIL;
    }
    const char *chan = o->channel;
    if (!chan && t.n_rows) chan = t.rows[0][cch];
    int rc = CLI_FAIL;
    plot p;
    memset(&p, 0, sizeof p);
    double *buf = malloc((t.n_rows + 1) * 6 * sizeof *buf);
    if (!buf) {
        tsv_free(&t);
        return cli_fail("out of memory");
    }
    double *tm = buf, *mnf = tm + t.n_rows + 1, *mdf = mnf + t.n_rows + 1,
           *fi = mdf + t.n_rows + 1, *tt = fi + t.n_rows + 1, *yy = tt + t.n_rows + 1;
    size_t n = 0;
    for (size_t r = 0; r < t.n_rows; r++) {
        if (strcmp(t.rows[r][cch], chan) != 0) continue;
        if (tsv_num(&t, r, ct, &tm[n]) != CLI_OK || tsv_num(&t, r, cmnf, &mnf[n]) != CLI_OK ||
            tsv_num(&t, r, cmdf, &mdf[n]) != CLI_OK || tsv_num(&t, r, cfi, &fi[n]) != CLI_OK)
            goto done;
        n++;
    }
    if (n < 2) {
        cli_fail("'%s' holds %zu epoch%s of channel '%s': at least 2 are needed", argv[0], n,
                 n == 1 ? "" : "s", chan ? chan : "");
        goto done;
    }
    const double lo = o->have_iv ? o->iv_lo : -(double)INFINITY;
    const double hi = o->have_iv ? o->iv_hi : (double)INFINITY;
    fit_band f[3];
    fit_over(tm, mnf, n, lo, hi, tt, yy, &f[0]);
    fit_over(tm, mdf, n, lo, hi, tt, yy, &f[1]);
    fit_over(tm, fi, n, lo, hi, tt, yy, &f[2]);
    if (!f[0].ok && !f[1].ok && !f[2].ok) {
        cli_fail("'%s': fewer than 2 epochs with values%s: no slope to draw", argv[0],
                 o->have_iv ? " inside --interval" : "");
        goto done;
    }
    double flo = INFINITY, fhi = -INFINITY;
    for (size_t i = 0; i < n; i++)
        if (tm[i] >= lo && tm[i] <= hi) {
            if (tm[i] < flo) flo = tm[i];
            if (tm[i] > fhi) fhi = tm[i];
        }

    if (plot_begin(&p, o, 12, 10) != CLI_OK) goto done;
    const char *dn, *fn;
    FILE *d = plot_file(&p, "epochs.dat", &dn);
    if (!d) goto done;
    fputs("# time_s mnf_hz mdf_hz finsm5\n", d);
    for (size_t i = 0; i < n; i++) {
        fprintf(d, "%.6f", tm[i]);
        const double vals[3] = {mnf[i], mdf[i], fi[i]};
        for (int k = 0; k < 3; k++) {
            if (isfinite(vals[k])) fprintf(d, "\t%.9g", vals[k]);
            else fputs("\tNaN", d);
        }
        fputc('\n', d);
    }
    if (close_data(d, dn) != CLI_OK) goto done;
    d = plot_file(&p, "fit.dat", &fn);
    if (!d) goto done;
    fputs("# time_s, then for mnf, mdf, finsm5: line, 95 % band low, high\n", d);
    for (int i = 0; i <= 60; i++) {
        const double x = flo + (fhi - flo) * i / 60.0;
        fprintf(d, "%.6f", x);
        for (int k = 0; k < 3; k++) fit_write(d, &f[k], x);
        fputc('\n', d);
    }
    if (close_data(d, fn) != CLI_OK) goto done;

    FILE *g = p.gp;
    char key[3][160];
    static const char *const nm[3] = {"MNF", "MDF", "FInsm5"};
    static const char *const un[3] = {"Hz/s", "Hz/s", "/s"};
    for (int k = 0; k < 3; k++) {
        if (!f[k].ok) snprintf(key[k], sizeof key[k], "%s: no slope", nm[k]);
        else snprintf(key[k], sizeof key[k], "%s slope %.3g %s", nm[k], f[k].s.slope, un[k]);
    }
    multiplot(&p, 2, 1, 2.6, 0.5, 1.6, 0.3, 0, 0.4);
    fputs("set key top left reverse Left samplen 1.5\n", g);
    /* the fitted interval with a fifth of its length either side */
    const double pad = o->have_iv ? 0.2 * (fhi - flo) : 0;
    fprintf(g, "set xrange [%.6f:%.6f]\n", fmax(tm[0], flo - pad), fmin(tm[n - 1], fhi + pad));
    double r0 = INFINITY, r1 = -INFINITY, q0 = INFINITY, q1 = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        if (tm[i] < flo - pad || tm[i] > fhi + pad) continue;
        if (isfinite(mnf[i])) r0 = fmin(r0, mnf[i]), r1 = fmax(r1, mnf[i]);
        if (isfinite(mdf[i])) r0 = fmin(r0, mdf[i]), r1 = fmax(r1, mdf[i]);
        if (isfinite(fi[i])) q0 = fmin(q0, fi[i]), q1 = fmax(q1, fi[i]);
    }
    /* room above the data for the key */
    if (r1 > r0)
        fprintf(g, "set yrange [%.6g:%.6g]\n", r0 - 0.05 * (r1 - r0), r1 + 0.7 * (r1 - r0));
    fputs("set ylabel 'frequency (Hz)'\nset format x ''\nunset xlabel\n", g);
    fputs("plot ", g);
    fit_clauses(g, dn, fn, 0, INK_RGB, 7, 1, "MNF", key[0]);
    fputs(", ", g);
    fit_clauses(g, dn, fn, 1, INK2_RGB, 6, 2, "MDF", key[1]);
    fputs("\n", g);
    if (q1 > q0)
        fprintf(g, "set yrange [%.6g:%.6g]\n", q0 - 0.05 * (q1 - q0), q1 + 0.5 * (q1 - q0));
    else fputs("set yrange [*:*]\n", g);
    fputs("set ylabel 'FInsm5'\nset format y '%.1e'\nset format x '%g'\n"
          "set xlabel 'time (s)'\nplot ",
          g);
    fit_clauses(g, dn, fn, 2, INK_RGB, 7, 1, "FInsm5", key[2]);
    fputs("\nunset multiplot\n", g);
    if (plot_finish(&p) != CLI_OK) goto done;
    if (!o->quiet) {
        cli_note("%s: channel %s, %zu epochs -> %s", argv[0], chan, n, o->out);
        for (int k = 0; k < 3; k++)
            if (f[k].ok)
                cli_note("  %s slope %.4g %s, 95 %% CI [%.4g, %.4g], %zu epochs from %g to %g s",
                         nm[k], f[k].s.slope, un[k], f[k].s.ci_low, f[k].s.ci_high, f[k].s.n, flo,
                         fhi);
    }
    rc = CLI_OK;
done:
    plot_abort(&p);
    free(buf);
    tsv_free(&t);
    return rc;
}

/* ---- episode -------------------------------------------------------------- */

#define EPISODE_BINS 3000
/* MNF/MDF over the episode: 0.5-s epochs of 0.25-s Welch segments, short
 * enough for a 2-s leg movement to give a few points. */
#define EPISODE_EPOCH_S 0.5
#define EPISODE_SEGMENT_S 0.25

static int plot_episode(const plot_opts *o, int argc, char **argv)
{
    if (argc != 2) return cli_usage_error("episode wants RECORDING EVENTS.tsv");
    if (!o->index && !o->have_at) return cli_usage_error("episode wants --index N or --at SECONDS");
    if (o->index && o->have_at) return cli_usage_error("give --index or --at, not both");
    const char *rec_path = argv[0];
    tsv t;
    if (tsv_read(&t, argv[1], 0) != CLI_OK) return CLI_FAIL;
    size_t con, cdu, cty, cch = 0;
    if (tsv_need(&t, "onset", "seconds", &con) != CLI_OK ||
        tsv_need(&t, "duration", "seconds", &cdu) != CLI_OK ||
        tsv_need(&t, "trial_type", "event class", &cty) != CLI_OK) {
        tsv_free(&t);
        return CLI_FAIL;
    }
    long lch = tsv_col(&t, "channel"), lmain = tsv_col(&t, "main_channel"),
         lrest = tsv_col(&t, "rest_uv");
    if (lch >= 0) cch = (size_t)lch;
    size_t row = 0;
    if (o->index) {
        if ((size_t)o->index > t.n_rows) {
            cli_fail("--index %ld is out of range: '%s' holds %zu event%s", o->index, argv[1],
                     t.n_rows, t.n_rows == 1 ? "" : "s");
            tsv_free(&t);
            return CLI_FAIL;
        }
        row = (size_t)o->index - 1;
    } else {
        double best = INFINITY;
        int inside = 0;
        for (size_t r = 0; r < t.n_rows; r++) {
            double on, du;
            if (tsv_num(&t, r, con, &on) != CLI_OK || tsv_num(&t, r, cdu, &du) != CLI_OK) {
                tsv_free(&t);
                return CLI_FAIL;
            }
            const int in = o->at >= on && o->at <= on + du;
            const double dist = fabs(on - o->at);
            if ((in && !inside) || (in == inside && dist < best)) {
                best = dist;
                row = r;
                inside = in;
            }
        }
        if (!t.n_rows) {
            cli_fail("'%s' holds no events", argv[1]);
            tsv_free(&t);
            return CLI_FAIL;
        }
    }
    double onset, dur, rest = (double)NAN;
    if (tsv_num(&t, row, con, &onset) != CLI_OK || tsv_num(&t, row, cdu, &dur) != CLI_OK ||
        (lrest >= 0 && tsv_num(&t, row, (size_t)lrest, &rest) != CLI_OK)) {
        tsv_free(&t);
        return CLI_FAIL;
    }
    if (!isfinite(onset) || onset < 0) {
        cli_fail("'%s' line %zu: the onset is not a time", argv[1], t.line[row]);
        tsv_free(&t);
        return CLI_FAIL;
    }
    if (!isfinite(dur) || dur < 0) dur = 0;
    const size_t cls = class_index(t.rows[row][cty]);
    char cls_name[64];
    snprintf(cls_name, sizeof cls_name, "%s", t.rows[row][cty]);
    char chan[256] = "";
    if (o->channel) snprintf(chan, sizeof chan, "%s", o->channel);
    else if (lmain >= 0 && !empty_channel(t.rows[row][lmain]))
        snprintf(chan, sizeof chan, "%s", t.rows[row][lmain]);
    else if (lch >= 0 && !empty_channel(t.rows[row][cch])) {
        snprintf(chan, sizeof chan, "%s", t.rows[row][cch]);
        char *comma = strchr(chan, ',');
        if (comma) *comma = '\0';
    }
    const size_t line = t.line[row];
    tsv_free(&t);

    cli_input in = o->input;
    if (chan[0]) in.channels = chan;
    else if (!in.channels) in.channels = "1";
    cli_reader rd;
    if (cli_reader_open_input(&rd, rec_path, &in, o->quiet) != CLI_OK) return CLI_FAIL;
    if (rd.channels != 1) {
        cli_reader_close(&rd);
        return cli_usage_error("episode draws one channel: give one with --channel");
    }
    int rc = CLI_FAIL;
    cramp_filter *flt = NULL;
    cramp_envelope *e = NULL;
    cramp_spectral *sp = NULL;
    cramp_spectral_result *sres = NULL;
    float *buf = NULL, *envb = NULL;
    double *slo = NULL, *shi = NULL, *emax = NULL, *spec_t = NULL, *spec_y = NULL;
    size_t n_spec = 0;
    plot p;
    memset(&p, 0, sizeof p);
    cramp_error err;
    memset(&err, 0, sizeof err);
    const double fs = rd.fs, total = (double)rd.frames / fs;
    if (onset > total) {
        cli_fail("'%s' line %zu: the event at %.3f s is past the end of '%s' (%.3f s)", argv[1],
                 line, onset, rec_path, total);
        goto done;
    }
    const double ctx = o->context_s > 0 ? o->context_s : fmax(10, dur / 2);
    const double a = fmax(0, onset - ctx), b = fmin(total, onset + dur + ctx);
    const double warm = 2.0; /* let the band-pass settle before a */
    const int64_t f0 = (int64_t)floor(fmax(0, a - warm) * fs), fa = (int64_t)floor(a * fs),
                  fb = (int64_t)ceil(b * fs);
    if (cramp_recording_seek(rd.rec, (size_t)f0, &err) != CRAMP_OK) {
        cli_fail("%s: %s", rec_path, err.message);
        goto done;
    }
    rd.frames_read = f0;

    cramp_detect_config dc;
    cramp_detect_config_default(&dc);
    double blo = dc.band_lo_hz, bhi = dc.band_hi_hz;
    if (cramp_band_clamp(fs, dc.band_lo_hz, dc.band_hi_hz, 0.9, &blo, &bhi, NULL, &err) !=
        CRAMP_OK) {
        cli_fail("%s: %s", rec_path, err.message);
        goto done;
    }
    cramp_butter_spec spec = {CRAMP_BANDPASS, dc.band_order, fs, blo, bhi};
    cramp_biquad sos[CRAMP_BUTTER_MAX_SECTIONS];
    size_t nsec = 0;
    if (cramp_butter_design(&spec, sos, CRAMP_BUTTER_MAX_SECTIONS, &nsec, &err) != CRAMP_OK ||
        cramp_filter_create(&flt, sos, nsec, 1, NULL) != CRAMP_OK) {
        cli_fail("%s: band-pass %g-%g Hz: %s", rec_path, blo, bhi, err.message);
        goto done;
    }
    cramp_envelope_config ec;
    cramp_envelope_config_default(&ec);
    ec.fs = fs;
    ec.window_s = dc.env_window_s;
    if (cramp_envelope_create(&e, 1, &ec, &err) != CRAMP_OK) {
        cli_fail("%s: envelope: %s", rec_path, err.message);
        goto done;
    }
    cramp_spectral_config sc;
    cramp_spectral_config_default(&sc);
    sc.fs = fs;
    sc.epoch_s = EPISODE_EPOCH_S;
    sc.segment_s = EPISODE_SEGMENT_S;
    sc.wisdom_path = "";
    if (cramp_spectral_create(&sp, 1, &sc, &err) != CRAMP_OK) {
        cli_fail("%s: spectrum: %s", rec_path, err.message);
        goto done;
    }
    const size_t sres_cap = cramp_spectral_max_output(sp, CLI_BLOCK_FRAMES);
    const size_t max_epochs = (size_t)((double)(fb - fa + 1) / fs / EPISODE_EPOCH_S) + 2;
    sres = malloc(sres_cap * sizeof *sres);
    spec_t = malloc(max_epochs * sizeof *spec_t);
    spec_y = malloc(2 * max_epochs * sizeof *spec_y); /* mnf, then mdf */
    const double edelay = cramp_envelope_delay_s(e);
    const size_t span = (size_t)(fb - fa) + 1;
    const size_t bin = (span + EPISODE_BINS - 1) / EPISODE_BINS;
    const size_t nb = (span + bin - 1) / bin;
    buf = malloc(CLI_BLOCK_FRAMES * sizeof *buf);
    envb = malloc(CLI_BLOCK_FRAMES * sizeof *envb);
    slo = malloc(nb * sizeof *slo);
    shi = malloc(nb * sizeof *shi);
    emax = malloc(nb * sizeof *emax);
    if (!buf || !envb || !slo || !shi || !emax || !sres || !spec_t || !spec_y) {
        cli_fail("out of memory");
        goto done;
    }
    for (size_t i = 0; i < nb; i++) {
        slo[i] = INFINITY;
        shi[i] = emax[i] = -INFINITY;
    }
    int64_t pos = f0;
    const int64_t edelay_frames = (int64_t)llround(edelay * fs);
    while (pos < fb + edelay_frames) {
        size_t want = CLI_BLOCK_FRAMES;
        long got = cli_reader_read(&rd, buf, want);
        if (got < 0) goto done;
        if (got == 0) break;
        size_t ne = 0;
        if (cramp_filter_process(flt, buf, buf, (size_t)got) != CRAMP_OK ||
            cramp_envelope_process(e, buf, (size_t)got, envb, CLI_BLOCK_FRAMES, &ne) != CRAMP_OK) {
            cli_fail("filtering failed");
            goto done;
        }
        for (long i = 0; i < got; i++) {
            const int64_t fr = pos + i;
            if (fr >= fa && fr <= fb) {
                size_t k = (size_t)(fr - fa) / bin;
                if ((double)buf[i] < slo[k]) slo[k] = (double)buf[i];
                if ((double)buf[i] > shi[k]) shi[k] = (double)buf[i];
            }
            /* the envelope value at frame fr is centred edelay earlier */
            const int64_t fc = fr - edelay_frames;
            if (fc >= fa && fc <= fb && (size_t)i < ne) {
                size_t k = (size_t)(fc - fa) / bin;
                if ((double)envb[i] > emax[k]) emax[k] = (double)envb[i];
            }
        }
        /* the spectra of the shown stretch, epochs counted from fa */
        const int64_t s0 = pos > fa ? pos : fa, s1 = pos + got < fb + 1 ? pos + got : fb + 1;
        size_t ns = 0;
        if (s1 > s0 && cramp_spectral_process(sp, buf + (s0 - pos), (size_t)(s1 - s0), sres,
                                              sres_cap, &ns) != CRAMP_OK) {
            cli_fail("spectrum failed");
            goto done;
        }
        for (size_t i = 0; i < ns && n_spec < max_epochs; i++, n_spec++) {
            spec_t[n_spec] = (double)fa / fs + sres[i].centre_s;
            spec_y[n_spec] = sres[i].mnf_hz;
            spec_y[max_epochs + n_spec] = sres[i].mdf_hz;
        }
        pos += got;
    }

    /* slopes over the epochs wholly inside the episode */
    fit_band sf[2];
    double *tt = malloc((n_spec + 1) * sizeof *tt), *yy = malloc((n_spec + 1) * sizeof *yy);
    if (!tt || !yy) {
        free(tt);
        free(yy);
        cli_fail("out of memory");
        goto done;
    }
    const double half_ep = EPISODE_EPOCH_S / 2;
    for (int k = 0; k < 2; k++)
        fit_over(spec_t, spec_y + (size_t)k * max_epochs, n_spec, onset + half_ep - 1e-9,
                 onset + dur - half_ep + 1e-9, tt, yy, &sf[k]);
    free(tt);
    free(yy);

    const double show_lo = (double)fa / fs;
    if (plot_begin(&p, o, 17, 13) != CLI_OK) goto done;
    const char *dn;
    FILE *d = plot_file(&p, "signal.dat", &dn);
    if (!d) goto done;
    fputs("# time_s band-passed min max (uV) envelope max (uV), per bin\n", d);
    double emx = 0, smx = 0;
    for (size_t k = 0; k < nb; k++) {
        if (!isfinite(slo[k])) continue;
        fprintf(d, "%.6f\t%.5g\t%.5g\t", show_lo + ((double)k + 0.5) * (double)bin / fs, slo[k],
                shi[k]);
        if (isfinite(emax[k])) {
            fprintf(d, "%.5g\n", emax[k]);
            if (emax[k] > emx) emx = emax[k];
        } else fputs("NaN\n", d);
        if (fabs(slo[k]) > smx) smx = fabs(slo[k]);
        if (fabs(shi[k]) > smx) smx = fabs(shi[k]);
    }
    if (close_data(d, dn) != CLI_OK) goto done;
    const char *sn, *fn;
    d = plot_file(&p, "spectrum.dat", &sn);
    if (!d) goto done;
    fputs("# time_s (epoch centre) mnf_hz mdf_hz\n", d);
    for (size_t i = 0; i < n_spec; i++) {
        fprintf(d, "%.6f", spec_t[i]);
        for (int k = 0; k < 2; k++) {
            const double v = spec_y[(size_t)k * max_epochs + i];
            if (isfinite(v)) fprintf(d, "\t%.6g", v);
            else fputs("\tNaN", d);
        }
        fputc('\n', d);
    }
    if (close_data(d, sn) != CLI_OK) goto done;
    d = plot_file(&p, "trend.dat", &fn);
    if (!d) goto done;
    fputs("# time_s, then for mnf and mdf: line, 95 % band low, high (epochs inside the event)\n",
          d);
    for (int i = 0; i <= 40 && (sf[0].ok || sf[1].ok); i++) {
        const double x = onset + half_ep + (dur - 2 * half_ep) * i / 40.0;
        fprintf(d, "%.6f", x);
        for (int k = 0; k < 2; k++) fit_write(d, &sf[k], x);
        fputc('\n', d);
    }
    if (close_data(d, fn) != CLI_OK) goto done;

    FILE *g = p.gp;
    const char *rgb = class_rgb(cls);
    fprintf(g, "set xrange [%.6f:%.6f]\n", a, b);
    if (o->title) multiplot(&p, 3, 1, 2.2, 0.5, 1.6, 0.3, 0, 0.3);
    else {
        char tl[512];
        snprintf(tl, sizeof tl, "%s on %s at %.2f s, %.2f s long (band-passed %g-%g Hz)",
                 cls_name, chan[0] ? chan : "channel 1", onset, dur, blo, bhi);
        plot_opts o2 = *o;
        o2.title = tl;
        p.o = &o2;
        multiplot(&p, 3, 1, 2.2, 0.5, 1.6, 0.3, 0, 0.3);
        p.o = o;
    }
    fputs("\n", g);
    fprintf(g, "set object 1 rect from %.6f, graph 0 to %.6f, graph 1 behind fc rgb '%s' "
               "fs transparent solid 0.18 noborder\n",
            onset, onset + dur, rgb);
    fprintf(g, "set arrow 1 from %.6f, graph 0 to %.6f, graph 1 nohead lc rgb '%s' lw 1.2\n",
            onset, onset, rgb);
    fprintf(g, "set arrow 2 from %.6f, graph 0 to %.6f, graph 1 nohead lc rgb '%s' lw 1.2 dt 2\n",
            onset + dur, onset + dur, rgb);
    const char *unit = unit_text(cli_reader_unit(&rd, 0));
    fprintf(g, "set ylabel 'signal (%s)'\nset format x ''\nunset xlabel\nunset key\n", unit);
    if (smx > 0) fprintf(g, "set yrange [%g:%g]\n", -smx * 1.1, smx * 1.1);
    fputs("plot ", g);
    gp_str(g, dn);
    fprintf(g, " using 1:2:3 with filledcurves fc rgb '%s' fs solid 1.0 noborder notitle\n",
            INK_RGB);
    fprintf(g, "set ylabel 'RMS, %g s (%s)'\nset yrange [0:%g]\n", dc.env_window_s, unit,
            emx > 0 ? emx * 1.8 : 1);
    fputs("set key top right samplen 1.5 maxrows 3\n", g);
    fputs("plot ", g);
    gp_str(g, dn);
    fprintf(g, " using 1:4 with lines lw 1 lc rgb '%s' title 'envelope'", INK_RGB);
    if (isfinite(rest)) {
        const double on_thr = rest + fmax(dc.onset_uv, dc.onset_k * rest);
        const double off_thr = rest + fmax(dc.offset_uv, dc.offset_k * rest);
        fprintf(g, ", %.6g with lines lw 1 dt 2 lc rgb '%s' title 'onset threshold %.3g µV', "
                   "%.6g with lines lw 1 dt 3 lc rgb '%s' title 'offset threshold %.3g µV'",
                on_thr, INK2_RGB, on_thr, off_thr, INK2_RGB, off_thr);
    } else if (!o->quiet) {
        cli_note("'%s' has no rest_uv column (cramp detect writes it): no thresholds drawn",
                 argv[1]);
    }
    fprintf(g, ", keyentry with boxes fs solid 0.45 noborder fc rgb '%s' title '%s', "
               "keyentry with lines lc rgb '%s' lw 1.2 title 'onset', keyentry with lines "
               "lc rgb '%s' lw 1.2 dt 2 title 'offset'\n",
            rgb, class_name(cls), rgb, rgb);
    /* MNF and MDF of the band-passed signal, with their slopes over the event */
    char key[2][96];
    static const char *const nm[2] = {"MNF", "MDF"};
    for (int k = 0; k < 2; k++) {
        if (sf[k].ok) snprintf(key[k], sizeof key[k], "%s slope %.3g Hz/s", nm[k], sf[k].s.slope);
        else snprintf(key[k], sizeof key[k], "%s: no slope (event under 1 s)", nm[k]);
    }
    double fmx = 0;
    for (size_t i = 0; i < 2 * max_epochs; i++)
        if ((i % max_epochs) < n_spec && isfinite(spec_y[i]) && spec_y[i] > fmx) fmx = spec_y[i];
    fprintf(g, "set ylabel 'MNF, MDF (Hz)'\nset yrange [0:%g]\nset format x '%%g'\n"
               "set xlabel 'time from the recording start (s)'\n"
               "set key top right samplen 1.5 maxrows 2\nplot ",
            fmx > 0 ? fmx * 1.7 : bhi);
    fit_clauses(g, sn, fn, 0, INK_RGB, 7, 1, "MNF", key[0]);
    fputs(", ", g);
    fit_clauses(g, sn, fn, 1, INK2_RGB, 6, 2, "MDF", key[1]);
    fputs("\nunset multiplot\n", g);
    if (plot_finish(&p) != CLI_OK) goto done;
    if (!o->quiet)
    {
        cli_note("%s line %zu: %s on %s, %.2f-%.2f s; shown %.2f-%.2f s -> %s", argv[1], line,
                 cls_name, chan[0] ? chan : "channel 1", onset, onset + dur, a, b, o->out);
        for (int k = 0; k < 2; k++)
            if (sf[k].ok)
                cli_note("  %s slope %.4g Hz/s, 95 %% CI [%.4g, %.4g], %zu epochs of %g s",
                         nm[k], sf[k].s.slope, sf[k].s.ci_low, sf[k].s.ci_high, sf[k].s.n,
                         EPISODE_EPOCH_S);
    }
    rc = CLI_OK;
done:
    plot_abort(&p);
    cramp_filter_destroy(flt);
    cramp_envelope_destroy(e);
    cramp_spectral_destroy(sp);
    free(sres);
    free(spec_t);
    free(spec_y);
    free(buf);
    free(envb);
    free(slo);
    free(shi);
    free(emax);
    cli_reader_close(&rd);
    return rc;
}

/* ---- cohort --------------------------------------------------------------- */

static int cmp_double(const void *x, const void *y)
{
    const double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

/* Quantile q of sorted v[0..n-1], interpolating linearly (NumPy's default). */
static double quantile(const double *v, size_t n, double q)
{
    const double h = (double)(n - 1) * q;
    const size_t i = (size_t)floor(h);
    if (i + 1 >= n) return v[n - 1];
    return v[i] + (h - (double)i) * (v[i + 1] - v[i]);
}

#define MAX_COHORT_GROUPS 64

static int plot_cohort(const plot_opts *o, int argc, char **argv)
{
    if (argc != 1) return cli_usage_error("cohort wants one NIGHTS.tsv (cramp batch output)");
    tsv t;
    if (tsv_read(&t, argv[0], 1) != CLI_OK) return CLI_FAIL;
    size_t crec, ccr, cplm;
    if (tsv_need(&t, "recording", "the night's file", &crec) != CLI_OK ||
        tsv_need(&t, "cramps_per_hour", "cramps per hour of recording", &ccr) != CLI_OK ||
        tsv_need(&t, "plm_index", "PLMs per hour", &cplm) != CLI_OK) {
        tsv_free(&t);
        return CLI_FAIL;
    }
    (void)crec;
    long cg = -1;
    const char *by = o->group_by;
    if (!by) {
        by = tsv_col(&t, "subject") >= 0   ? "subject"
             : tsv_col(&t, "session") >= 0 ? "session"
                                            : "none";
    }
    if (strcmp(by, "none") != 0) {
        cg = tsv_col(&t, by);
        if (cg < 0) {
            cli_fail("'%s' has no column '%s' (--group-by)", argv[0], by);
            tsv_free(&t);
            return CLI_FAIL;
        }
    }
    if (t.n_rows == 0) {
        cli_fail("'%s' holds no nights", argv[0]);
        tsv_free(&t);
        return CLI_FAIL;
    }
    const char *gname[MAX_COHORT_GROUPS];
    size_t ng = 0;
    int rc = CLI_FAIL;
    plot p;
    memset(&p, 0, sizeof p);
    double *vals = malloc(t.n_rows * 2 * sizeof *vals);
    size_t *grp = malloc(t.n_rows * sizeof *grp);
    double *tmp = malloc(t.n_rows * sizeof *tmp);
    if (!vals || !grp || !tmp) {
        cli_fail("out of memory");
        goto done;
    }
    /* cramp batch marks nights it could not analyse (status failed or
     * skipped): they have no rates to draw */
    const long cstat = tsv_col(&t, "status");
    size_t skipped = 0;
    for (size_t r = 0; r < t.n_rows; r++) {
        if (cstat >= 0 && strcmp(t.rows[r][cstat], "ok") != 0) {
            grp[r] = SIZE_MAX;
            skipped++;
            continue;
        }
        const char *g = cg >= 0 ? t.rows[r][cg] : "all nights";
        if (!*g) g = "n/a";
        size_t k = 0;
        while (k < ng && strcmp(gname[k], g) != 0) k++;
        if (k == ng) {
            if (ng == MAX_COHORT_GROUPS) {
                cli_fail("'%s': more than %d groups in column '%s'", argv[0], MAX_COHORT_GROUPS,
                         by);
                goto done;
            }
            gname[ng++] = g;
        }
        grp[r] = k;
        if (tsv_num(&t, r, ccr, &vals[2 * r]) != CLI_OK ||
            tsv_num(&t, r, cplm, &vals[2 * r + 1]) != CLI_OK)
            goto done;
    }
    if (ng == 0) {
        cli_fail("'%s': no night has status ok", argv[0]);
        goto done;
    }
    if (plot_begin(&p, o, 14, 8) != CLI_OK) goto done;
    const char *dn, *sn;
    FILE *d = plot_file(&p, "nights.dat", &dn);
    if (!d) goto done;
    fputs("# group x(jittered) cramps_per_hour plm_index\n", d);
    for (size_t r = 0; r < t.n_rows; r++) {
        if (grp[r] == SIZE_MAX) continue;
        /* deterministic jitter: the golden-ratio sequence */
        const double j = (fmod((double)r * 0.6180339887, 1.0) - 0.5) * 0.3;
        fprintf(d, "%zu\t%.4f", grp[r], (double)grp[r] + j);
        for (size_t m = 0; m < 2; m++) {
            if (isfinite(vals[2 * r + m])) fprintf(d, "\t%.6g", vals[2 * r + m]);
            else fputs("\tNaN", d);
        }
        fputc('\n', d);
    }
    if (close_data(d, dn) != CLI_OK) goto done;
    d = plot_file(&p, "summary.dat", &sn);
    if (!d) goto done;
    fputs("# group, then per measure: median q1 q3 n\n", d);
    for (size_t k = 0; k < ng; k++) {
        fprintf(d, "%zu", k);
        for (size_t m = 0; m < 2; m++) {
            size_t n = 0;
            for (size_t r = 0; r < t.n_rows; r++)
                if (grp[r] == k && isfinite(vals[2 * r + m])) tmp[n++] = vals[2 * r + m];
            if (!n) {
                fputs("\tNaN\tNaN\tNaN\t0", d);
                continue;
            }
            qsort(tmp, n, sizeof *tmp, cmp_double);
            fprintf(d, "\t%.6g\t%.6g\t%.6g\t%zu", quantile(tmp, n, 0.5), quantile(tmp, n, 0.25),
                    quantile(tmp, n, 0.75), n);
        }
        fputc('\n', d);
    }
    if (close_data(d, sn) != CLI_OK) goto done;

    FILE *g = p.gp;
    fprintf(g, "set xrange [-0.6:%zu.6]\nset yrange [0:*]\nset grid ytics\nunset grid\n"
               "set grid ytics lw 0.3 lc rgb '#dddddd'\n",
            ng - 1);
    fputs("set xtics (", g);
    for (size_t k = 0; k < ng; k++) {
        fputs(k ? ", " : "", g);
        gp_str(g, gname[k]);
        fprintf(g, " %zu", k);
    }
    fputs(") scale 0\n", g);
    const double extra = slanted_names(g, gname, ng, (p.w_cm - 3.9 * p.em) / 2, p.em);
    multiplot(&p, 1, 2, 1.8, 0.3, 2.0 + extra / p.em, 1.0, 1.8, 0);
    if (cg >= 0) fprintf(g, "set xlabel '%s'\n", by);
    static const char *const ttl[2] = {"cramps per hour", "PLM index (per hour)"};
    for (int m = 0; m < 2; m++) {
        const char *rgb = class_rgb(m == 0 ? 0 : 1);
        fprintf(g, "set title '%s'\nunset key\n", ttl[m]);
        fputs("plot ", g);
        gp_str(g, sn);
        fprintf(g, " using 1:%d:($1-0.25):($1+0.25):%d:%d with boxxyerror fs empty "
                   "lc rgb '%s' lw 1 notitle, ",
                2 + 4 * m, 3 + 4 * m, 4 + 4 * m, INK2_RGB);
        gp_str(g, sn);
        fprintf(g, " using ($1-0.25):%d:(0.5):(0) with vectors nohead lw 2 lc rgb '%s' "
                   "notitle, ",
                2 + 4 * m, INK_RGB);
        gp_str(g, dn);
        fprintf(g, " using 2:%d with points pt 7 ps 0.6 lc rgb '%s' notitle\n", 3 + m, rgb);
    }
    fputs("unset multiplot\n", g);
    if (plot_finish(&p) != CLI_OK) goto done;
    if (!o->quiet)
        cli_note("%s: %zu nights in %zu group%s%s -> %s", argv[0], t.n_rows - skipped, ng,
                 ng == 1 ? "" : "s", skipped ? " (nights whose status is not ok left out)" : "",
                 o->out);
    rc = CLI_OK;
done:
    plot_abort(&p);
    free(vals);
    free(grp);
    free(tmp);
    tsv_free(&t);
    return rc;
}

/* ---- entry ---------------------------------------------------------------- */

int cmd_plot(int argc, char *argv[])
{
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'},
        {"size", required_argument, NULL, OPT_SIZE},
        {"font", required_argument, NULL, OPT_FONT},
        {"title", required_argument, NULL, OPT_TITLE},
        {"dpi", required_argument, NULL, OPT_DPI},
        {"keep-script", no_argument, NULL, OPT_KEEP},
        {"quiet", no_argument, NULL, OPT_QUIET},
        {"time", required_argument, NULL, OPT_TIME},
        {"index", required_argument, NULL, OPT_INDEX},
        {"at", required_argument, NULL, OPT_AT},
        {"context", required_argument, NULL, OPT_CONTEXT},
        {"channel", required_argument, NULL, OPT_CHANNEL},
        {"group-by", required_argument, NULL, OPT_GROUP_BY},
        {"labels", required_argument, NULL, OPT_LABELS},
        {"interval", required_argument, NULL, OPT_INTERVAL},
        {"channels", required_argument, NULL, OPT_CHANNELS},
        {"full-scale-uv", required_argument, NULL, OPT_FULL_SCALE},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    plot_opts o;
    memset(&o, 0, sizeof o);
    o.dpi = 150;
    opterr = 0;
    optind = 1;
    int c;
    /* getopt_long permutes: options may follow the kind and its inputs */
    while ((c = getopt_long(argc, argv, ":o:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'h': cmd_plot_help(stdout); return CLI_OK;
        case 'o': o.out = optarg; break;
        case OPT_SIZE:
            if (parse_size(optarg, &o.width_cm, &o.height_cm) != 0)
                return cli_usage_error("--size wants WxH with cm (default) or in, e.g. 17x8cm "
                                       "or 6.5x3in (at most 200 cm), not '%s'",
                                       optarg);
            break;
        case OPT_FONT: o.font = optarg; break;
        case OPT_TITLE: o.title = optarg; break;
        case OPT_DPI:
            if (cli_parse_positive("--dpi", "pixels per inch", optarg, &o.dpi) != 0)
                return CLI_USAGE;
            if (o.dpi < 10 || o.dpi > 2400)
                return cli_usage_error("--dpi wants 10 to 2400, not '%s'", optarg);
            break;
        case OPT_KEEP: o.keep = 1; break;
        case OPT_QUIET: o.quiet = 1; break;
        case OPT_TIME:
            if (strcmp(optarg, "clock") != 0 && strcmp(optarg, "hours") != 0)
                return cli_usage_error("--time wants clock or hours, not '%s'", optarg);
            o.time_axis = optarg;
            break;
        case OPT_INDEX: {
            size_t v;
            if (cli_parse_size(optarg, &v) != 0 || v < 1 || v > 100000000)
                return cli_usage_error("--index wants an event number >= 1, not '%s'", optarg);
            o.index = (long)v;
            break;
        }
        case OPT_AT:
            if (cli_parse_double(optarg, &o.at) != 0 || o.at < 0)
                return cli_usage_error("--at wants seconds >= 0, not '%s'", optarg);
            o.have_at = 1;
            break;
        case OPT_CONTEXT:
            if (cli_parse_positive("--context", "seconds", optarg, &o.context_s) != 0)
                return CLI_USAGE;
            break;
        case OPT_CHANNEL: o.channel = optarg; break;
        case OPT_GROUP_BY: o.group_by = optarg; break;
        case OPT_LABELS: o.labels = optarg; break;
        case OPT_INTERVAL: {
            const char *dash = strchr(optarg, '-');
            char a[64];
            if (!dash || (size_t)(dash - optarg) >= sizeof a)
                return cli_usage_error("--interval wants START-END in seconds, not '%s'", optarg);
            snprintf(a, sizeof a, "%.*s", (int)(dash - optarg), optarg);
            if (cli_parse_double(a, &o.iv_lo) != 0 || cli_parse_double(dash + 1, &o.iv_hi) != 0 ||
                !(o.iv_hi > o.iv_lo))
                return cli_usage_error("--interval wants START-END in seconds, START < END, "
                                       "not '%s'",
                                       optarg);
            o.have_iv = 1;
            break;
        }
        case OPT_CHANNELS:
            if (cli_input_channels(&o.input, optarg) != CLI_OK) return CLI_USAGE;
            break;
        case OPT_FULL_SCALE:
            if (cli_input_full_scale(&o.input, optarg) != CLI_OK) return CLI_USAGE;
            break;
        default: return cli_bad_option(argv, c);
        }
    }
    if (optind >= argc)
        return cli_usage_error("give a KIND: night, episode, fatigue, scores or cohort");
    const char *kind = argv[optind];
    if (!o.out) return cli_usage_error("give the figure with -o FIGURE.pdf (or .svg, .png)");
    if (ends_with(o.out, ".pdf")) o.fmt = FMT_PDF;
    else if (ends_with(o.out, ".svg")) o.fmt = FMT_SVG;
    else if (ends_with(o.out, ".png")) o.fmt = FMT_PNG;
    else
        return cli_usage_error("'%s': the figure's name must end in .pdf, .svg or .png (its "
                               "format)",
                               o.out);
    int nargs = argc - optind - 1;
    char **args = argv + optind + 1;
    if (strcmp(kind, "night") == 0) return plot_night(&o, nargs, args);
    if (strcmp(kind, "scores") == 0) return plot_scores(&o, nargs, args);
    if (strcmp(kind, "fatigue") == 0) return plot_fatigue(&o, nargs, args);
    if (strcmp(kind, "episode") == 0) return plot_episode(&o, nargs, args);
    if (strcmp(kind, "cohort") == 0) return plot_cohort(&o, nargs, args);
    return cli_usage_error("no plot kind '%s' (night, episode, fatigue, scores, cohort)", kind);
}
