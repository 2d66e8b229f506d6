/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The scorer (cramp/score.h) on hand-built nights whose right answers are
 * worked out by hand in the comments, and the events TSV reader. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cramp/score.h"
#include "testutil.h"

#define E(on, dur, type) {on, dur, type, NULL}
#define NEAR(a, b) (fabs((a) - (b)) < 1e-9)

static cramp_score *one_night(const cramp_event *t, size_t nt, const cramp_event *d, size_t nd,
                              double min_iou, int by_channel)
{
    cramp_score_config cfg;
    cramp_score_config_default(&cfg);
    if (min_iou > 0) cfg.min_iou = min_iou;
    cfg.match_channels = by_channel;
    cramp_score *s = NULL;
    cramp_error err;
    memset(&err, 0, sizeof err);
    CHECK(cramp_score_create(&s, &cfg, &err) == CRAMP_OK, "create: %s", err.message);
    CHECK(cramp_score_add_night(s, "n", t, nt, d, nd, &err) == CRAMP_OK, "add: %s", err.message);
    return s;
}

/* Index of a class by name; SIZE_MAX if absent. */
static size_t cls(const cramp_score *s, const char *name)
{
    for (size_t k = 0; k < cramp_score_classes(s); k++)
        if (!strcmp(cramp_score_class_name(s, k), name)) return k;
    return (size_t)-1;
}

static cramp_class_score get(const cramp_score *s, size_t night, const char *name)
{
    cramp_class_score r;
    memset(&r, 0, sizeof r);
    size_t k = cls(s, name);
    CHECK(k != (size_t)-1, "no class %s", name);
    if (k != (size_t)-1) CHECK(cramp_score_get(s, night, k, &r) == CRAMP_OK, "get %s", name);
    return r;
}

static void counts(const cramp_class_score *r, size_t tp, size_t fp, size_t fn, const char *what)
{
    CHECK(r->tp == tp && r->fp == fp && r->fn == fn, "%s: tp %zu fp %zu fn %zu, want %zu %zu %zu",
          what, r->tp, r->fp, r->fn, tp, fp, fn);
}

static void test_perfect(void)
{
    const cramp_event t[] = {E(10, 60, "cramp"), E(100, 2, "plm"), E(130, 3, "plm"),
                             E(200, 1, "artefact")};
    cramp_score *s = one_night(t, 4, t, 4, 0, 0);
    cramp_class_score r = get(s, 0, "plm");
    counts(&r, 2, 0, 0, "perfect plm");
    CHECK(r.precision == 1 && r.recall == 1 && r.f1 == 1, "perfect P R F1");
    CHECK(r.onset.n == 2 && r.onset.median == 0 && r.offset.q3 == 0 && r.onset.mean_abs == 0,
          "perfect errors");
    CHECK(cramp_score_confusion(s, 0, cls(s, "cramp"), cls(s, "cramp")) == 1, "diagonal");
    /* Standard classes come first, in their order. */
    CHECK(cramp_score_classes(s) == 3 && !strcmp(cramp_score_class_name(s, 0), "cramp") &&
              !strcmp(cramp_score_class_name(s, 1), "plm") &&
              !strcmp(cramp_score_class_name(s, 2), "artefact"),
          "class order");
    cramp_score_destroy(s);
}

static void test_empty(void)
{
    const cramp_event d[] = {E(1, 5, "cramp"), E(20, 5, "cramp"), E(40, 5, "cramp")};
    /* No truth: all false positives; precision 0, recall undefined, F1 0. */
    cramp_score *s = one_night(NULL, 0, d, 3, 0, 0);
    cramp_class_score r = get(s, 0, "cramp");
    counts(&r, 0, 3, 0, "empty truth");
    CHECK(r.precision == 0 && isnan(r.recall) && r.f1 == 0, "empty truth P %g R %g F1 %g",
          r.precision, r.recall, r.f1);
    CHECK(r.onset.n == 0 && isnan(r.onset.median), "no errors without matches");
    const size_t none = cramp_score_classes(s);
    CHECK(cramp_score_confusion(s, 0, none, cls(s, "cramp")) == 3, "spurious in the none row");
    cramp_score_destroy(s);
    /* No detections: all false negatives. */
    s = one_night(d, 3, NULL, 0, 0, 0);
    r = get(s, 0, "cramp");
    counts(&r, 0, 0, 3, "empty detection");
    CHECK(isnan(r.precision) && r.recall == 0 && r.f1 == 0, "empty detection P R F1");
    CHECK(cramp_score_confusion(s, 0, cls(s, "cramp"), cramp_score_classes(s)) == 3,
          "missed in the none column");
    cramp_score_destroy(s);
    /* Nothing at all. */
    s = one_night(NULL, 0, NULL, 0, 0, 0);
    CHECK(cramp_score_classes(s) == 0 && cramp_score_nights(s) == 1, "empty night");
    cramp_score_destroy(s);
}

static void test_shifted(void)
{
    /* [0,10] vs [0.5,10.5]: IoU 9.5 / 10.5 = 0.905, errors +0.5 s. */
    const cramp_event t[] = {E(0, 10, "cramp"), E(100, 10, "cramp")};
    const cramp_event d[] = {E(0.5, 10, "cramp"), E(109, 10, "cramp")};
    /* [100,110] vs [109,119]: IoU 1 / 19 = 0.053 < 0.2: no match. */
    cramp_score *s = one_night(t, 2, d, 2, 0, 0);
    cramp_class_score r = get(s, 0, "cramp");
    counts(&r, 1, 1, 1, "shifted");
    CHECK(NEAR(r.onset.median, 0.5) && NEAR(r.offset.median, 0.5), "errors %g %g", r.onset.median,
          r.offset.median);
    CHECK(NEAR(r.precision, 0.5) && NEAR(r.recall, 0.5) && NEAR(r.f1, 0.5), "P R F1 of 1/2");
    cramp_score_destroy(s);
    /* A lower threshold accepts the far one (IoU 0.053). */
    s = one_night(t, 2, d, 2, 0.05, 0);
    r = get(s, 0, "cramp");
    counts(&r, 2, 0, 0, "shifted, min IoU 0.05");
    CHECK(NEAR(r.onset.q1, 0.5 + 0.25 * 8.5) && NEAR(r.onset.median, 4.75) &&
              NEAR(r.onset.mean_abs, 4.75),
          "onset errors 0.5 and 9: q1 %g median %g", r.onset.q1, r.onset.median);
    cramp_score_destroy(s);
}

static void test_split_merged(void)
{
    /* Split: truth [0,60]; detections [0,25] (IoU 0.417) and [30,60] (IoU 0.5):
     * the better one matches, the other is a false positive. */
    const cramp_event t[] = {E(0, 60, "cramp")};
    const cramp_event d[] = {E(0, 25, "cramp"), E(30, 30, "cramp")};
    cramp_score *s = one_night(t, 1, d, 2, 0, 0);
    cramp_class_score r = get(s, 0, "cramp");
    counts(&r, 1, 1, 0, "split");
    CHECK(NEAR(r.onset.median, 30) && NEAR(r.offset.median, 0), "split matched [30,60]: %g %g",
          r.onset.median, r.offset.median);
    cramp_score_destroy(s);
    /* ... unless min IoU is above both halves. */
    s = one_night(t, 1, d, 2, 0.6, 0);
    r = get(s, 0, "cramp");
    counts(&r, 0, 2, 1, "split, min IoU 0.6");
    cramp_score_destroy(s);

    /* Merged: truth [0,10] and [20,30], detection [0,30]: IoU 1/3 each; the
     * tie goes to the earlier truth event. */
    const cramp_event t2[] = {E(20, 10, "plm"), E(0, 10, "plm")};
    const cramp_event d2[] = {E(0, 30, "plm")};
    s = one_night(t2, 2, d2, 1, 0, 0);
    r = get(s, 0, "plm");
    counts(&r, 1, 0, 1, "merged");
    CHECK(NEAR(r.onset.median, 0) && NEAR(r.offset.median, 20), "merged matched [0,10]: %g %g",
          r.onset.median, r.offset.median);
    cramp_score_destroy(s);
}

static void test_greedy(void)
{
    /* A [0,10], B [8,20]; X [0,9], Y [9,20]. IoU: A-X 0.9, B-Y 11/12, A-Y and
     * B-X 1/20 (below 0.2). Greedy pairs A-X and B-Y. */
    const cramp_event t[] = {E(0, 10, "burst"), E(8, 12, "burst")};
    const cramp_event d[] = {E(9, 11, "burst"), E(0, 9, "burst")};
    cramp_score *s = one_night(t, 2, d, 2, 0.01, 0);
    cramp_class_score r = get(s, 0, "burst");
    counts(&r, 2, 0, 0, "greedy");
    /* errors: A-X onset 0, end -1; B-Y onset +1, end 0 */
    CHECK(NEAR(r.onset.median, 0.5) && NEAR(r.offset.median, -0.5), "greedy errors %g %g",
          r.onset.median, r.offset.median);
    cramp_score_destroy(s);
    /* One detection, two candidates: the larger IoU wins. T1 [0,10], T2 [5,10];
     * D [5,10]: IoU 0.5 with T1, 1 with T2. */
    const cramp_event t2[] = {E(0, 10, "cramp"), E(5, 5, "cramp")};
    const cramp_event d2[] = {E(5, 5, "cramp")};
    s = one_night(t2, 2, d2, 1, 0, 0);
    r = get(s, 0, "cramp");
    counts(&r, 1, 0, 1, "best partner");
    CHECK(NEAR(r.onset.median, 0), "matched the identical event (onset error %g)", r.onset.median);
    cramp_score_destroy(s);
}

static void test_confusion(void)
{
    /* A cramp detected as a PLM, a PLM missed, a movement found, a spurious
     * artefact. */
    const cramp_event t[] = {E(0, 60, "cramp"), E(100, 2, "plm"), E(200, 20, "movement")};
    const cramp_event d[] = {E(1, 58, "plm"), E(201, 18, "movement"), E(300, 1, "artefact")};
    cramp_score *s = one_night(t, 3, d, 3, 0, 0);
    const size_t K = cramp_score_classes(s);
    const size_t c = cls(s, "cramp"), p = cls(s, "plm"), m = cls(s, "movement"),
                 a = cls(s, "artefact");
    CHECK(K == 4, "%zu classes", K);
    CHECK(cramp_score_confusion(s, 0, c, p) == 1, "cramp -> plm");
    CHECK(cramp_score_confusion(s, 0, p, K) == 1, "plm -> none");
    CHECK(cramp_score_confusion(s, 0, m, m) == 1, "movement -> movement");
    CHECK(cramp_score_confusion(s, 0, K, a) == 1, "none -> artefact");
    CHECK(cramp_score_confusion(s, 0, c, K) == 0 && cramp_score_confusion(s, 0, K, p) == 0,
          "a confused pair is not also counted as missed and spurious");
    size_t total = 0;
    for (size_t i = 0; i <= K; i++)
        for (size_t j = 0; j <= K; j++) total += cramp_score_confusion(s, 0, i, j);
    CHECK(total == 4, "confusion holds %zu, want 4 cells of 1", total);
    cramp_class_score r = get(s, 0, "cramp");
    counts(&r, 0, 0, 1, "confused cramp");
    r = get(s, 0, "plm");
    counts(&r, 0, 1, 1, "plm");
    cramp_score_destroy(s);
}

static void test_channels_and_edges(void)
{
    const cramp_event t[] = {{0, 10, "cramp", "L-GAS"}, {50, 10, "cramp", "R-GAS"}};
    const cramp_event d[] = {{0, 10, "cramp", "R-GAS"}, {50, 10, "cramp", "L-TA,R-GAS"}};
    cramp_score *s = one_night(t, 2, d, 2, 0, 1);
    cramp_class_score r = get(s, 0, "cramp");
    counts(&r, 1, 1, 1, "by channel");
    cramp_score_destroy(s);
    s = one_night(t, 2, d, 2, 0, 0);
    r = get(s, 0, "cramp");
    counts(&r, 2, 0, 0, "channels ignored");
    cramp_score_destroy(s);
    /* Zero-length events match only at the same onset; touching ones never. */
    const cramp_event t2[] = {E(5, 0, "pop"), E(10, 5, "pop")};
    const cramp_event d2[] = {E(5, 0, "pop"), E(15, 5, "pop")};
    s = one_night(t2, 2, d2, 2, 0, 0);
    r = get(s, 0, "pop");
    counts(&r, 1, 1, 1, "zero-length and touching");
    cramp_score_destroy(s);
    /* Bad arguments. */
    cramp_score *bad = NULL;
    cramp_score_config cfg;
    cramp_score_config_default(&cfg);
    cfg.min_iou = 0;
    CHECK(cramp_score_create(&bad, &cfg, NULL) == CRAMP_EINVAL && !bad, "min_iou 0 accepted");
    cramp_score_config_default(&cfg);
    CHECK(cramp_score_create(&bad, &cfg, NULL) == CRAMP_OK, "create");
    const cramp_event nan_ev[] = {E((double)NAN, 1, "cramp")};
    CHECK(cramp_score_add_night(bad, NULL, nan_ev, 1, NULL, 0, NULL) == CRAMP_EINVAL,
          "NaN onset accepted");
    cramp_class_score out;
    CHECK(cramp_score_get(bad, 0, 0, &out) == CRAMP_EINVAL, "get on no night");
    cramp_score_destroy(bad);
}

static void test_pooled(void)
{
    /* Night 1 onset errors 0.1, 0.2; night 2: 0.3, 0.4, 0.5 and one miss. */
    const cramp_event t1[] = {E(0, 10, "cramp"), E(100, 10, "cramp")};
    const cramp_event d1[] = {E(0.1, 10, "cramp"), E(100.2, 10, "cramp")};
    const cramp_event t2[] = {E(0, 10, "cramp"), E(50, 10, "cramp"), E(100, 10, "cramp"),
                              E(500, 10, "cramp")};
    const cramp_event d2[] = {E(0.3, 10, "cramp"), E(50.4, 10, "cramp"), E(100.5, 10, "cramp"),
                              E(700, 10, "plm")};
    cramp_score *s = NULL;
    CHECK(cramp_score_create(&s, NULL, NULL) == CRAMP_OK, "create");
    CHECK(cramp_score_add_night(s, "one", t1, 2, d1, 2, NULL) == CRAMP_OK, "night 1");
    CHECK(cramp_score_add_night(s, NULL, t2, 4, d2, 4, NULL) == CRAMP_OK, "night 2");
    CHECK(cramp_score_nights(s) == 2 && !strcmp(cramp_score_night_name(s, 0), "one") &&
              !strcmp(cramp_score_night_name(s, 1), "night 2"),
          "night names");
    cramp_class_score r1 = get(s, 0, "cramp"), r2 = get(s, 1, "cramp"),
                      rp = get(s, CRAMP_SCORE_POOLED, "cramp");
    counts(&r1, 2, 0, 0, "night 1");
    counts(&r2, 3, 0, 1, "night 2");
    counts(&rp, 5, 0, 1, "pooled");
    CHECK(rp.n_truth == 6 && rp.n_detected == 5, "pooled totals");
    /* NumPy: percentile([0.1..0.5], 25/50/75) = 0.2, 0.3, 0.4 */
    CHECK(fabs(rp.onset.median - 0.3) < 1e-9 && fabs(rp.onset.q1 - 0.2) < 1e-9 &&
              fabs(rp.onset.q3 - 0.4) < 1e-9 && fabs(rp.onset.mean_abs - 0.3) < 1e-9,
          "pooled onset quartiles %g %g %g", rp.onset.q1, rp.onset.median, rp.onset.q3);
    /* [0.1, 0.2]: 0.125, 0.15, 0.175 */
    CHECK(fabs(r1.onset.q1 - 0.125) < 1e-9 && fabs(r1.onset.median - 0.15) < 1e-9 &&
              fabs(r1.onset.q3 - 0.175) < 1e-9,
          "night 1 quartiles");
    CHECK(NEAR(rp.f1, 10.0 / 11.0), "pooled F1 %g", rp.f1);
    cramp_class_score pp = get(s, CRAMP_SCORE_POOLED, "plm");
    counts(&pp, 0, 1, 0, "pooled plm");
    CHECK(cramp_score_confusion(s, CRAMP_SCORE_POOLED, cls(s, "cramp"), cls(s, "cramp")) == 5,
          "pooled diagonal");
    cramp_score_destroy(s);
}

static void test_tsv(void)
{
    cramp_event_table *t = NULL;
    cramp_error err;
    memset(&err, 0, sizeof err);
    const char *ok = "onset\tduration\ttrial_type\tchannel\textra\r\n"
                     "1.5\t2\tcramp\tL-GAS\tx\r\n"
                     "\n"
                     "# a comment\n"
                     "3\tn/a\tplm\tn/a\ty\n"
                     "4e1\t0.25\tburst\tL-TA,R-TA\tz";
    CHECK(cramp_event_table_parse(&t, ok, "ok.tsv", &err) == CRAMP_OK, "parse: %s", err.message);
    CHECK(cramp_event_table_size(t) == 3, "%zu events", cramp_event_table_size(t));
    const cramp_event *e = cramp_event_table_events(t);
    if (cramp_event_table_size(t) == 3) {
        CHECK(e[0].onset_s == 1.5 && e[0].duration_s == 2 && !strcmp(e[0].trial_type, "cramp") &&
                  !strcmp(e[0].channel, "L-GAS"),
              "row 1");
        CHECK(e[1].duration_s == 0 && e[1].channel == NULL, "n/a fields");
        CHECK(e[2].onset_s == 40 && !strcmp(e[2].channel, "L-TA,R-TA"), "row 3");
    }
    cramp_event_table_destroy(t);
    /* Columns in another order, without channel. */
    CHECK(cramp_event_table_parse(&t, "trial_type\tonset\tduration\nplm\t5\t1\n", NULL, &err) ==
                  CRAMP_OK &&
              cramp_event_table_size(t) == 1 && cramp_event_table_events(t)[0].onset_s == 5,
          "reordered columns");
    cramp_event_table_destroy(t);
    struct {
        const char *text, *want;
    } bad[] = {
        {"onset\tduration\n1\t2\n", "x.tsv:1:"},
        {"onset\tduration\ttrial_type\n1\t2\tcramp\nabc\t2\tcramp\n", "x.tsv:3:"},
        {"onset\tduration\ttrial_type\n1\t-2\tcramp\n", "x.tsv:2:"},
        {"onset\tduration\ttrial_type\n1\t2\n", "x.tsv:2:"},
        {"", "no header"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        memset(&err, 0, sizeof err);
        t = NULL;
        CHECK(cramp_event_table_parse(&t, bad[i].text, "x.tsv", &err) == CRAMP_EFORMAT && !t,
              "bad table %zu accepted", i);
        CHECK(strstr(err.message, bad[i].want) != NULL, "bad table %zu: '%s'", i, err.message);
    }
    CHECK(cramp_event_table_read(&t, "/nonexistent.tsv", &err) == CRAMP_EIO &&
              strstr(err.message, "/nonexistent.tsv"),
          "missing file");
}

int main(void)
{
    test_perfect();
    test_empty();
    test_shifted();
    test_split_merged();
    test_greedy();
    test_confusion();
    test_channels_and_edges();
    test_pooled();
    test_tsv();
    return cramp_test_finish("score");
}
