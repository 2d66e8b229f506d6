/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cramp-edf-bench: reading a long 16-bit EDF+ into float microvolts, cramp's
 * reader beside EDFlib's, with each reader's peak resident memory.
 *
 * The file (default 24 h, 16 channels, 2 kHz, 1 s records: 5.5 GB) is written
 * once in /tmp by cramp's EDF writer, in constant memory, and kept for later
 * runs (--file, --regenerate). Then:
 *   - the page-cache read floor: pread of the whole file in 1 MiB blocks,
 *     reported as 16-bit samples per second;
 *   - cramp: open, select all channels, read blocks of 4096 frames into one
 *     float buffer, close;
 *   - EDFlib (when the build found libedf): edfopen_file_readonly without
 *     annotations, edfread_physical_samples per signal in blocks of 4096
 *     doubles, close.
 * Each timed run is a child process, so its peak RSS and CPU time (wait4)
 * are that reader's alone; the table gives medians over --repeats runs, of
 * wall time and of CPU time (samples per CPU-second are less disturbed by
 * other work on the machine). The first
 * run of each reader is a warm-up (untimed) that also brings the file into
 * the page cache. Pin it to one core for stable numbers:
 *   taskset -c 0 build/bench/cramp-edf-bench --json edf.json */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cramp/recording.h"
#include "cramp/simd.h"

#ifdef CRAMP_HAVE_EDFLIB
#include <edflib.h>
#endif

#define BLOCK 4096

pid_t wait4(pid_t pid, int *status, int options, struct rusage *ru);

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* A seeded EMG-like signal: noise whose amplitude changes every half second. */
static int generate(const char *path, double hours, size_t ch, double fs)
{
    static char names[64][24];
    const char *labels[64];
    for (size_t c = 0; c < ch; c++) {
        snprintf(names[c], sizeof names[c], "EMG%zu", c + 1);
        labels[c] = names[c];
    }
    cramp_edf_write_config cfg;
    cramp_edf_write_config_default(&cfg);
    cfg.channels = ch;
    cfg.labels = labels;
    cfg.fs = fs;
    cfg.phys_min = -5000;
    cfg.phys_max = 5000;
    cfg.prefilter = "HP:10Hz LP:500Hz";
    cfg.year = 2024;
    cfg.month = 1;
    cfg.day = 1;
    cramp_edf_writer *w = NULL;
    cramp_error err;
    err.message[0] = '\0';
    if (cramp_edf_writer_create(&w, path, &cfg, &err) != CRAMP_OK) {
        fprintf(stderr, "cramp-edf-bench: %s\n", err.message);
        return -1;
    }
    const size_t per = (size_t)(fs / 2), total = (size_t)(hours * 3600 * fs);
    float *x = malloc(per * ch * sizeof *x);
    uint64_t s = 0x5eedULL;
    double amp = 50;
    for (size_t f = 0; x && f < total; f += per) {
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        amp = (s >> 60) < 3 ? 800.0 : 40.0;
        for (size_t i = 0; i < per * ch; i++) {
            s = s * 6364136223846793005ULL + 1442695040888963407ULL;
            const double u = (double)(s >> 11) * 0x1.0p-53 - 0.5;
            x[i] = (float)(amp * 3.4 * u);
        }
        const size_t n = total - f < per ? total - f : per;
        if (cramp_edf_writer_write(w, x, n, &err) != CRAMP_OK) {
            fprintf(stderr, "cramp-edf-bench: %s\n", err.message);
            cramp_edf_writer_abort(w);
            free(x);
            return -1;
        }
    }
    free(x);
    if (cramp_edf_writer_close(w, &err) != CRAMP_OK) {
        fprintf(stderr, "cramp-edf-bench: %s\n", err.message);
        return -1;
    }
    return 0;
}

/* The readers: each returns the samples read (or -1) and runs in a child. */
static long long read_floor(const char *path)
{
    const int fd = open(path, O_RDONLY);
    if (fd < 0) return -1;
    char *buf = malloc(1 << 20);
    long long bytes = 0;
    ssize_t got;
    while (buf && (got = pread(fd, buf, 1 << 20, (off_t)bytes)) > 0)
        bytes += got;
    free(buf);
    close(fd);
    return bytes / 2;
}

static long long read_cramp(const char *path)
{
    cramp_recording *r = NULL;
    cramp_error err;
    if (cramp_recording_open(&r, path, NULL, &err) != CRAMP_OK) {
        fprintf(stderr, "cramp-edf-bench: %s\n", err.message);
        return -1;
    }
    const cramp_rec_header *h = cramp_recording_header(r);
    size_t sel[64], n = 0;
    for (size_t c = 0; c < h->n_channels && n < 64; c++)
        if (!h->channels[c].is_annotation) sel[n++] = c;
    float *buf = malloc(BLOCK * n * sizeof *buf);
    long long total = 0;
    size_t got;
    if (buf && cramp_recording_select(r, sel, n, &err) == CRAMP_OK)
        while (cramp_recording_read(r, buf, BLOCK, &got, &err) == CRAMP_OK && got > 0)
            total += (long long)(got * n);
    free(buf);
    cramp_recording_close(r);
    return total;
}

#ifdef CRAMP_HAVE_EDFLIB
static long long read_edflib(const char *path)
{
    struct edf_hdr_struct *h = calloc(1, sizeof *h);
    double *buf = malloc(BLOCK * sizeof *buf);
    long long total = -1;
    if (h && buf && edfopen_file_readonly(path, h, EDFLIB_DO_NOT_READ_ANNOTATIONS) == 0) {
        total = 0;
        for (int s = 0; s < h->edfsignals; s++) {
            int got;
            while ((got = edfread_physical_samples(h->handle, s, BLOCK, buf)) > 0)
                total += got;
        }
        edfclose_file(h->handle);
    }
    free(h);
    free(buf);
    return total;
}
#endif

typedef long long (*reader_fn)(const char *);

/* Runs fn in a child; its wall time, CPU time (user + system), samples and
 * peak RSS (KiB). */
static int run_child(reader_fn fn, const char *path, double *secs, double *cpu, long long *samples,
                     long *rss_kib)
{
    int fds[2];
    if (pipe(fds) != 0) return -1;
    const pid_t pid = fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        close(fds[0]);
        const double t0 = now_s();
        const long long n = fn(path);
        const double t = now_s() - t0;
        const ssize_t a = write(fds[1], &t, sizeof t), b = write(fds[1], &n, sizeof n);
        _exit(a == (ssize_t)sizeof t && b == (ssize_t)sizeof n && n >= 0 ? 0 : 1);
    }
    close(fds[1]);
    const ssize_t a = read(fds[0], secs, sizeof *secs), b = read(fds[0], samples, sizeof *samples);
    close(fds[0]);
    int status = 0;
    struct rusage ru;
    if (wait4(pid, &status, 0, &ru) < 0) return -1;
    *rss_kib = ru.ru_maxrss;
    *cpu = (double)ru.ru_utime.tv_sec + 1e-6 * (double)ru.ru_utime.tv_usec +
           (double)ru.ru_stime.tv_sec + 1e-6 * (double)ru.ru_stime.tv_usec;
    return a == (ssize_t)sizeof *secs && b == (ssize_t)sizeof *samples && WIFEXITED(status) &&
                   WEXITSTATUS(status) == 0
               ? 0
               : -1;
}

typedef struct row {
    const char *name;
    double median_s, min_s, cpu_s; /* cpu_s: median CPU time */
    long long samples;
    long rss_kib;
    int ok;
} row;

static row measure(const char *name, reader_fn fn, const char *path, int repeats)
{
    row r = {name, 0, 0, 0, 0, 0, 0};
    double t[64], c[64];
    long long n = 0;
    long rss = 0, max_rss = 0;
    if (run_child(fn, path, &t[0], &c[0], &n, &rss) != 0) return r; /* warm-up */
    for (int i = 0; i < repeats; i++) {
        if (run_child(fn, path, &t[i], &c[i], &n, &rss) != 0) return r;
        if (rss > max_rss) max_rss = rss;
    }
    qsort(t, (size_t)repeats, sizeof t[0], cmp_double);
    qsort(c, (size_t)repeats, sizeof c[0], cmp_double);
    r.median_s = t[repeats / 2];
    r.cpu_s = c[repeats / 2];
    r.min_s = t[0];
    r.samples = n;
    r.rss_kib = max_rss;
    r.ok = 1;
    return r;
}

static void usage(FILE *f)
{
    fprintf(f, "usage: cramp-edf-bench [--hours H] [--channels N] [--fs HZ] [--file PATH]\n"
               "                       [--regenerate] [--repeats R] [--json PATH]\n"
               "Reads a long 16-bit EDF+ (written once by cramp's writer) with cramp and with\n"
               "EDFlib; prints samples per second and each reader's peak RSS.\n"
               "  --hours H        length of the file (default 24)\n"
               "  --channels N     channels, 1..64 (default 16)\n"
               "  --fs HZ          sampling rate (default 2000)\n"
               "  --file PATH      the file (default /tmp/cramp-edf-bench-<h>h-<n>ch.edf)\n"
               "  --regenerate     write the file even if it exists\n"
               "  --repeats R      timed runs per reader, 1..64 (default 3)\n"
               "  --json PATH      also write the results as JSON\n");
}

int main(int argc, char **argv)
{
    double hours = 24, fs = 2000;
    long ch = 16, repeats = 3;
    int regen = 0;
    const char *file = NULL, *json = NULL;
    static const struct option opts[] = {{"hours", required_argument, NULL, 'H'},
                                         {"channels", required_argument, NULL, 'c'},
                                         {"fs", required_argument, NULL, 'f'},
                                         {"file", required_argument, NULL, 'o'},
                                         {"regenerate", no_argument, NULL, 'g'},
                                         {"repeats", required_argument, NULL, 'r'},
                                         {"json", required_argument, NULL, 'j'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    int o;
    while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (o) {
        case 'H': hours = atof(optarg); break;
        case 'c': ch = atol(optarg); break;
        case 'f': fs = atof(optarg); break;
        case 'o': file = optarg; break;
        case 'g': regen = 1; break;
        case 'r': repeats = atol(optarg); break;
        case 'j': json = optarg; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (!(hours > 0) || ch < 1 || ch > 64 || !(fs > 0) || repeats < 1 || repeats > 64) {
        usage(stderr);
        return 2;
    }
    char path[512];
    if (file)
        snprintf(path, sizeof path, "%s", file);
    else
        snprintf(path, sizeof path, "/tmp/cramp-edf-bench-%gh-%ldch.edf", hours, ch);
    struct stat sb;
    if (regen || stat(path, &sb) != 0) {
        fprintf(stderr, "cramp-edf-bench: writing %s (%g h, %ld ch, %g Hz)...\n", path, hours, ch,
                fs);
        const double t0 = now_s();
        if (generate(path, hours, (size_t)ch, fs) != 0) return 1;
        const double t = now_s() - t0;
        stat(path, &sb);
        fprintf(stderr, "cramp-edf-bench: wrote %.2f GB in %.1f s (%.0f M samples/s)\n",
                (double)sb.st_size / 1e9, t, hours * 3600 * fs * (double)ch / t / 1e6);
    }
    row rows[3];
    size_t nr = 0;
    rows[nr++] = measure("pread floor (int16)", read_floor, path, (int)repeats);
    rows[nr++] = measure("cramp", read_cramp, path, (int)repeats);
#ifdef CRAMP_HAVE_EDFLIB
    rows[nr++] = measure("EDFlib", read_edflib, path, (int)repeats);
#endif
    printf("file %s (%.2f GB), %ld channels, %g Hz, %g h; median of %ld runs; cramp SIMD %s\n",
           path, (double)sb.st_size / 1e9, ch, fs, hours, repeats,
           cramp_simd_name(cramp_simd_best()));
    printf("%-20s %9s %9s %9s %12s %13s %12s\n", "reader", "median s", "min s", "CPU s",
           "G samples/s", "G/CPU-second", "peak RSS MB");
    for (size_t i = 0; i < nr; i++) {
        if (!rows[i].ok) {
            printf("%-20s FAILED\n", rows[i].name);
            continue;
        }
        const double n = (double)rows[i].samples;
        printf("%-20s %9.3f %9.3f %9.3f %12.3f %13.3f %12.1f\n", rows[i].name, rows[i].median_s,
               rows[i].min_s, rows[i].cpu_s, n / rows[i].median_s / 1e9, n / rows[i].cpu_s / 1e9,
               (double)rows[i].rss_kib / 1024.0);
    }
    if (json) {
        FILE *f = fopen(json, "w");
        if (!f) {
            fprintf(stderr, "cramp-edf-bench: %s: %s\n", json, strerror(errno));
            return 1;
        }
        fprintf(f,
                "{\"file_bytes\": %lld, \"channels\": %ld, \"fs\": %g, \"hours\": %g, "
                "\"repeats\": %ld, \"simd\": \"%s\", \"readers\": [\n",
                (long long)sb.st_size, ch, fs, hours, repeats, cramp_simd_name(cramp_simd_best()));
        for (size_t i = 0; i < nr; i++)
            fprintf(f,
                    "  {\"reader\": \"%s\", \"ok\": %d, \"median_s\": %.6f, \"min_s\": %.6f, "
                    "\"cpu_s\": %.6f, \"samples\": %lld, \"samples_per_s\": %.6g, "
                    "\"peak_rss_kib\": %ld}%s\n",
                    rows[i].name, rows[i].ok, rows[i].median_s, rows[i].min_s, rows[i].cpu_s,
                    rows[i].samples, rows[i].ok ? (double)rows[i].samples / rows[i].median_s : 0.0,
                    rows[i].rss_kib, i + 1 < nr ? "," : "");
        fprintf(f, "]}\n");
        fclose(f);
    }
    for (size_t i = 0; i < nr; i++)
        if (!rows[i].ok) return 1;
    return 0;
}
