/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cramp: the cramp detector. Finds activity episodes in a night of leg sEMG,
 * measures them, and labels each one cramp, plm, burst, movement or artefact.
 * Why each rule and number is what it is, and how the rules came about:
 * docs/detect.md.
 *
 * Typical use (one rate group of channels; error checks and the growing of
 * seg left out; `cramp detect` runs the whole recipe over a recording: rate
 * groups, mains guess, priming):
 *
 *     cramp_detect_config cfg;
 *     cramp_detect_config_default(&cfg);
 *     cfg.fs = 2000;
 *     cramp_detector *d;
 *     cramp_detector_create(&d, channels, &cfg, ch, NULL);  // ch: leg, muscle, range
 *     cramp_detector_prime(d, first_minute, frames_in_a_minute);  // optional
 *     size_t cap = cramp_detector_max_output(d, BLOCK), n;
 *     while (read BLOCK frames into buf)                     // interleaved, uV
 *         cramp_detector_process(d, buf, got, seg + nseg, cap, &n), nseg += n;
 *     cramp_detector_finish(d, seg + nseg, cap, &n), nseg += n;
 *     cramp_episode *ep; size_t nep;
 *     cramp_detect_classify(seg, nseg, ch, channels, &cfg, &ep, &nep, NULL);
 *     char id[CRAMP_DETECT_RULES_ID_SIZE];                   // which rules did it
 *     printf("rules %s\n", cramp_detect_rules_id(&cfg, id));
 *     free(ep);
 *     cramp_detector_destroy(d);
 *
 * The contract. Stage 1, cramp_detector (streaming, per channel; defaults in
 * cramp_detect_config):
 *   filters  causal band-pass 20-450 Hz (upper edge <= 0.9 x Nyquist) and a
 *            mains comb; motion band 0.5-20 Hz of the unfiltered signal
 *            (SENIAM; De Luca 2010). Limit: a causal filter delays onsets by
 *            a few ms.
 *   envelope 0.1-s moving RMS every 10-ms tick; resting level L = 25th
 *            percentile of 1-s means over 10 min (cramp/baseline.h); a flat
 *            line's ticks (lost electrode, amplifier off) are not rest and
 *            are left out, as is a 1-s block more than half flat.
 *            Limit: needs 10 s of warmup (or priming) before any segment.
 *   segment  onset at L + max(8 uV, 2 L), offset after 0.5 s at
 *            <= L + max(2 uV, 0.5 L), >= 0.5 s (AASM leg movement); the
 *            onset is then moved back (<= 5 s) to the end of the last 0.5 s
 *            at or under the offset level, the offset rule read backwards (a
 *            crossing is late on a slow rise: Staude 2001; double threshold,
 *            Bonato 1998); the measures still start at the crossing. Limits:
 *            L is frozen at the onset; activity that never falls back for
 *            0.5 s is one segment; nothing is seen before a cramp's first
 *            unit fires (a slow-onset cramp of few units reads late).
 *   motion   the same hysteresis on the motion band, 20 uV / 3 x rest on,
 *            5 uV / 1 x rest off, onset moved back <= 5 s (double threshold,
 *            Bonato 1998). Limit: none in the first 3 s after a start.
 *   flat     >= 1 s of samples equal to the previous one (lost electrode).
 *   measures RMS, peak, excess band and motion power, clip / flat
 *            fractions, MNF/MDF of the first and last 0.5 s, sparseness
 *            (median excess kurtosis of 0.25-s blocks, noise removed;
 *            Nazarpour 2013). Limit: sparseness only where the band reaches
 *            200 Hz.
 *   tonic    per segment: the share of its ticks not in a pause
 *            (tonic_fraction; a pause: >= 0.2 s with the envelope at or
 *            under the offset threshold, longer than the silence between
 *            discharges of a unit at 6 Hz, the lowest cramp rate, Minetto
 *            2009) and its sub-bursts (rises back to the onset threshold
 *            after a pause), counted tick by tick in constant memory.
 *            Limit: gaps under 0.2 s do not count (a fast train of bursts
 *            reads as tonic). Also the rises (rhythm: their number, the
 *            mean and CV of their intervals): a dip to the offset threshold
 *            or to a quarter of the peak above rest since the last rise,
 *            then a rise to the onset threshold and to 4 x the dip's floor
 *            (the AASM's 2 : 8 uV offset : onset ratio on the burst's own
 *            scale, so the gaps of a train of strong bursts count though a
 *            mains filter's ringing keeps them over the offset threshold).
 *            Limit: gaps shorter than the 0.1-s window stay unseen (a
 *            3-Hz train of 250-ms bursts reads as one contraction).
 *   precursor a segment's start of >= 1 s (two 0.5-s windows) at lower level
 *            that turns, without a pause, into a contraction whose 0.5-s
 *            window reaches 1 / 0.4 of its amplitude above rest and lasts
 *            >= 5 s at that level starts there; precursor_s says what was
 *            cut (precursor activity before a cramp: Chaney and Sherman's
 *            pilot; the truth of a simulated cramp starts at the cramp).
 *            0.4: a recruitment ramp at a constant rate stays under 0.63
 *            (docs/detect.md). Limits: a precursor the segmenter split off
 *            (a pause of >= 0.5 s between it and a slow-onset cramp) stays
 *            an episode of its own (h12t: no sourced join that keeps the
 *            worst case); a weak cramp that runs without a pause into a
 *            much stronger contraction loses its start.
 *            Recruitment ramp (issue 12, h12k; stage 2): a cut shorter
 *            than cramp_min_s (5 s) is the cramp's own recruitment, not a
 *            precursor: a few units fire first and more join over seconds
 *            (Norris, Gasteiger and Chatfield 1957; Minetto et al. 2009),
 *            bigger ones later (Henneman's size principle), so a window
 *            can step far over a lead-in of one or two units; a precursor
 *            is tens of seconds (41 +- 11 s, Chaney and Sherman) and a
 *            contraction of its own, so it must last what a sustained
 *            contraction must (cramp_min_s, as the part after the step).
 *            The episode then starts at the segment's lead (the cut put
 *            back; precursor_s 0; RMS and energies still from the step).
 *            Limit: a true precursor whose part above the offset threshold
 *            is under 5 s now starts the cramp early by that part.
 *            A precursor that rises into a gradual cramp onset (units
 *            joining over 5-30 s) never reaches the 1 / 0.4 step; it is cut
 *            by its rise instead (issue 12, h12v, onset_rise.c): the
 *            precursor is the cramp's baseline (Hodges and Bui 1996), read
 *            2 s ending 3 s before (the lag of a change-point test, Staude
 *            et al. 2001); two successive 0.5-s windows at >= 1.5^2 x that
 *            baseline's strongest window mark a rise, walked back to where
 *            the envelope left the baseline's level; the segment starts at
 *            the first rise whose remainder passes the step's own test
 *            (cramp_min_s at 0.4^-2 x the lead's mean power) and whose lead
 *            is not sparser than what follows (block kurtosis: a cramp's
 *            own recruitment grows denser, Nazarpour et al. 2013).
 *            Limits (measured, h12v): a cramp whose first units fire alone
 *            for seconds under a denser lead can be cut late (development
 *            2 of 92 `random-3` cramps, 15-22 s); a cramp hardly stronger
 *            than its precursor cannot be dated from the envelope; under a
 *            200 Hz band (no sparseness) the rule runs without the
 *            sparseness check.
 * Stage 2, cramp_detect_classify: concurrent segments (overlap >= half the
 * shorter; the other leg only within 5 s, AASM) merge into episodes; a
 * channel is involved at >= 0.5 x the strongest RMS above rest (above the
 * crosstalk the benchmark sweeps, <= 0.35: a model choice, not derived).
 * Two legs (issue 12): an episode longer than an LM (10 s) that spans both
 * legs is read per leg: a channel of the other leg active (time above the
 * offset threshold) for under half of it (its own LM, burst or scattered
 * potentials during this leg's cramp) is no muscle of it; one active for
 * longer is involved at 0.5 x the strongest such channel of its own leg
 * (crosstalk stays within a limb: Farina 2004; a whole-body movement whose
 * other leg works at under half the main channel's level is a movement,
 * not a one-muscle cramp). Limits: a cramp with sustained activity of the
 * other leg over most of it (awakening, REM tonic, a cramp there starting
 * within 5 s) is one movement; an episode of <= 10 s is read as before.
 * Then a table of rules, first match wins (row names as in
 * cramp_detect_rules_text); each label gets a confidence, 0.5 + 0.5 x the
 * smallest margin of the firing row's conditions, a margin being
 * |log2(value / threshold)| capped at 1 (docs/detect.md, "Confidence"):
 *   flat-line            artefact  flat segment. Limit: a constant signal
 *                                  from a saturated amplifier reads as flat.
 *   heartbeat            (dropped) >= 4 motion-band blips <= 0.3 s, onsets
 *                                  0.3-2.5 s apart: ECG bleed (QRS <= 0.12 s
 *                                  plus the 0.1-s window; 24-200 beats/min),
 *                                  not an event. Limit: an arrhythmic heart
 *                                  with pauses > 2.5 s leaves single blips.
 *   motion-alone         artefact  motion-band segment no activity overlaps
 *                                  (De Luca 2010). Limit: a limb moved
 *                                  without EMG above rest is an artefact.
 *   clipping             artefact  >= 0.1 % of samples at a rail. Limit:
 *                                  needs the channel's physical range.
 *   fragmentary          fragmentary excessive fragmentary myoclonus (AASM
 *                                  scoring manual v2.6; ICSD-3): potentials
 *                                  of <= 150 ms, >= 5 per minute, over >= 20
 *                                  min. Potentials: short bursts (stage 1,
 *                                  CRAMP_ACTIVITY_SHORT) measuring <= 150 ms
 *                                  + half the envelope window + a tick, or
 *                                  whose burst (rise_burst_s) is <= 150 ms +
 *                                  the window + a tick (h12m), on
 *                                  any channel, or EMG episodes active < 0.5
 *                                  s (potentials the offset hold strung
 *                                  together) or whose rises' bursts
 *                                  (rise_burst_s) are <= 150 ms + the window
 *                                  + a tick (a strong potential the mains
 *                                  filter's ringing holds over the offset
 *                                  threshold; h12j); short bursts in a regular
 *                                  heart-rate run (>= 4, 0.3-2.5 s apart,
 *                                  each interval within 20 % of the one
 *                                  before) are ECG bleed and dropped first.
 *                                  A minute from a potential holding >= 5
 *                                  is dense; dense minutes that overlap
 *                                  make a run; a run >= 20 min is one
 *                                  episode from its first potential to its
 *                                  last, taking in every short burst and
 *                                  every episode active < 0.5 s inside it.
 *                                  Limits: no sleep stages, so NREM is not
 *                                  checked; potentials under the 8-uV onset
 *                                  (the AASM gives no amplitude) are
 *                                  unseen; a gap of a minute with < 5 seen
 *                                  splits a run; a PLM or cramp inside a
 *                                  run stays its own episode. Minutes are
 *                                  of visible time (h12m): while other EMG
 *                                  activity or a flat line covers k of C
 *                                  channels, time runs at 1 - k / C (its
 *                                  potentials cannot be seen), so a cramp
 *                                  does not cut a run and the 20 min are
 *                                  20 min in which potentials could show.
 *   rmd-train            movement  a train (below) with >= 2 muscles of a
 *                                  leg in a burst (AASM rhythmic movement
 *                                  disorder: large muscle groups).
 *   alma-train           alma      a train with bursts on both legs (AASM
 *                                  ALMA). Limit: one-leg montages see HFT.
 *   hft-train            hft       a train: >= 4 bursts <= 1 s at 0.3-4 Hz
 *                                  (AASM HFT), chained over episodes that
 *                                  start within 1 / 0.3 Hz of the last end
 *                                  (each <= 2 s, or rhythmic, or of short
 *                                  sub-bursts), counted as sub-bursts or as
 *                                  rhythmic rises (interval CV < 0.3,
 *                                  derived; their bursts, rise to dip,
 *                                  <= 1 s + the 0.1-s window + a tick on
 *                                  average: AASM HFT bursts <= 1 s; h12j)
 *                                  inside one.
 *                                  Short bursts (< 0.5 s, no segment)
 *                                  count as bursts from 250 ms on (AASM HFT
 *                                  minimum; shorter ones are as long as a
 *                                  QRS complex through the envelope) when
 *                                  on one involved channel (on several at
 *                                  once: far-field, ECG bleed), except those
 *                                  whose burst (rise_burst_s) is a
 *                                  potential's, <= 150 ms + the window + a
 *                                  tick, however long the mains comb's
 *                                  ringing held them over the offset
 *                                  threshold: they count toward ALMA only
 *                                  (AASM: ALMA bursts 100-500 ms, HFT's
 *                                  250-1000 ms, fragmentary potentials
 *                                  < 150 ms); a one-leg chain is read again
 *                                  without them (h12m). The same for EMG
 *                                  segments whose rises' bursts average a
 *                                  potential's (strung potentials, QRS
 *                                  complexes riding on weak activity: a
 *                                  QRS lasts <= 120 ms; h12p). One episode
 *                                  alone on one leg is a train only when
 *                                  its rises are rhythmic (CV < 0.3): its
 *                                  sub-bursts lie within the AASM's 0.5-s
 *                                  offset hold, one LM, unless they keep
 *                                  a tremor's 0.3-4 Hz rhythm (h12p).
 *                                  Limits: ALMA bursts of 100-250 ms that
 *                                  make no segment are unseen; an HFT seen
 *                                  as one segment whose rises the envelope
 *                                  reads irregular is lost (h12p).
 *   short-burst          (dropped) short bursts no row above took (under
 *                                  the AASM LM minimum: no event).
 *   muscles-of-a-leg     movement  >= 2 muscles of one leg, 3-45 s (IRLSSG).
 *                                  Limit: unknown muscles count as distinct.
 *   muscles-long         movement  >= 2 muscles, > 10 s (a cramp is in one
 *                                  muscle: Minetto 2013, Roeleveld 2000).
 *   motion-with-activity movement  LF ratio > 0.5, 3-45 s.
 *   low-frequency        artefact  LF ratio > 0.5 (De Luca 2010).
 *   plm-series           plm       0.5-10 s LMs, >= 4, onsets 10-90 s apart,
 *                                  both legs within 5 s one LM (AASM; WASM
 *                                  2016); LMs of different legs 5-90 s
 *                                  apart (bilateral_s: the AASM period
 *                                  that goes with its 5-s bilateral rule;
 *                                  10 s on one leg, WASM 2016; h12l);
 *                                  where the montage has a TA on the
 *                                  leg, only activity involving a TA is an
 *                                  LM (AASM scores LMs on the tibialis
 *                                  anterior); an LM's EMG is active >= 0.5
 *                                  s (AASM): span x tonic share less the
 *                                  0.1-s envelope's spread, W/2 + W per
 *                                  further piece (derived from the window;
 *                                  WASM 2016's morphology criterion for
 *                                  computer scoring), so strung
 *                                  fragmentary potentials neither join nor
 *                                  break a series; one missed LM is
 *                                  bridged: a 90-180 s interval inside a
 *                                  series whose half is within x2.5 of the
 *                                  series' last and next intervals (2.5:
 *                                  95th percentile of
 *                                  consecutive true interval ratios on
 *                                  development nights, bench/results/
 *                                  plm-study/derive.py); the missed LM is
 *                                  not counted. A series ends at an LM
 *                                  that is not a candidate LM (> 10 s; a
 *                                  bilateral one > 15 s: WASM 2016, Ferri
 *                                  et al. 2017), not at activity that is no
 *                                  LM (hft, alma or rhythmic-movement
 *                                  trains, AASM; no TA where the leg has
 *                                  one). Limits: an interval < 10 s on
 *                                  one leg ends a series (WASM 2016 too);
 *                                  a burst on the other leg 5-10 s from an
 *                                  LM is a member; a series
 *                                  missing its first, second, second-to-
 *                                  last or last LM, or left with 3 scored
 *                                  LMs, is lost; LMs under the 8-uV onset
 *                                  are unseen; a weak true LM of 0.5-0.6 s
 *                                  can read under the bound. Since the
 *                                  ninth freeze (plm_rhythm_rule, h12aj;
 *                                  Ferri 2006: a series is periodic) an
 *                                  LM active > 5.5 s joins only in the
 *                                  series' rhythm and an episode > 10 s
 *                                  ends a series only where the next LM
 *                                  is out of step; before the rows, a
 *                                  segment is cut from the stronger
 *                                  stretch of its leg's other muscle that
 *                                  carries it (stretch_split_rule, h12al).
 *   after-cramp          movement  would be a cramp, but starts within 10 s
 *                                  of the end of a cramp candidate (or of
 *                                  sustained activity read as phasic,
 *                                  h12w) on another muscle of the same leg:
 *                                  stretching against it (patient
 *                                  leaflets; 10 s = 2 x the longest delay
 *                                  on development nights, bench/README.md).
 *                                  Limit: needs known legs; with one
 *                                  channel stretching is a second cramp.
 *   stretch-same-channel movement  on by default since the eighth freeze
 *                                  (reaction_rule, below; --no-reaction-
 *                                  rule turns it off; voluntary_rule,
 *                                  --voluntary-rule, the match without
 *                                  its two exceptions): would
 *                                  be a cramp, but starts
 *                                  within stretch_window_s of the end of a
 *                                  cramp candidate on the same channel, or
 *                                  where a leg is unknown (stretching,
 *                                  standing: patient leaflets). Limits: a
 *                                  cramp recurring within 10 s is lost, and
 *                                  so is one the segmenter split from a
 *                                  sustained precursor (bench/README.md).
 *                                  reaction_rule (h12ae) keeps the match
 *                                  off a precursor (the later >= 2.5 x the
 *                                  earlier's amplitude above rest:
 *                                  precursor_ratio) and off a movement
 *                                  (modulated / dense contraction before).
 *   dense-contraction    movement  opt-in (sparseness_rule, --sparseness-
 *                                  rule): would be a cramp, but sparseness
 *                                  < 0.2 over >= 8 blocks (Nazarpour 2013).
 *                                  Off by default: it separates cramps
 *                                  from voluntary contractions in one
 *                                  simulator's model only (issue 12).
 *   modulated-contraction movement would be a cramp, but its main
 *                                  channel's amplitude is modulated at
 *                                  0.5-3 Hz: env_mod_ratio (tick power's
 *                                  0.5-3 Hz over 3-8 Hz energy, edges of
 *                                  1 s left out; 0.5 for a steady
 *                                  contraction) > 1. A moving limb
 *                                  modulates its muscles at the movement's
 *                                  rhythm (AASM: RMD 0.5-2 Hz, HFT 0.3-4
 *                                  Hz; turning, walking, jiggling the leg:
 *                                  patient leaflets); a cramp is tonic
 *                                  (Minetto 2013). 1: the movement band's
 *                                  density twice the reference's (above
 *                                  99.5 % of development cramps, bench/
 *                                  results/cramp-study/). Limits:
 *                                  a steady voluntary contraction (a
 *                                  stretch held, an awakening, REM tonic
 *                                  activity) still looks like a cramp; a
 *                                  cramp while the sleeper walks or jiggles
 *                                  that leg becomes a movement; no real
 *                                  cramp or turn has been measured.
 *   both-legs            movement  opt-in (both_legs_rule, --both-legs-
 *                                  rule; h12ag): would be a cramp, but a
 *                                  muscle of the other leg starts within
 *                                  bilateral_s (5 s, AASM) of it and is
 *                                  active for >= concurrent_fraction of it
 *                                  (an awakening, a whole-body movement:
 *                                  a cramp is focal, Minetto 2013,
 *                                  Roeleveld 2000; crosstalk stays within a
 *                                  limb, Farina 2004). Limits: see the
 *                                  field; needs known legs.
 *   movement-signs       movement  opt-in (movement_signs_rule, --
 *                                  movement-signs-rule; h12ak): would be a
 *                                  cramp of 3-45 s, but env_mod_ratio /
 *                                  env_mod_max + lf_ratio / lf_ratio >= 1
 *                                  (a turn's rhythm and motion artefact
 *                                  together; each under its own row's
 *                                  limit). Limits: see the field.
 *   cramp                cramp     >= 5 s, one muscle, mean RMS >= onset
 *                                  threshold (Minetto 2009, 2013), tonic:
 *                                  tonic_fraction >= 0.95 (a cramp is
 *                                  sustained, not phasic; 0.95 from
 *                                  development nights,
 *                                  bench/derive-constants.sh), or with
 *                                  the opt-in ramp_tonic_rule (--ramp-
 *                                  tonic-rule; h12ao) one run without a
 *                                  pause over half of it (pauses only in
 *                                  the recruitment and as the units drop
 *                                  out: Minetto 2009). Limits: a
 *                                  sustained voluntary contraction of one
 *                                  muscle (a one-channel montage, REM tonic
 *                                  activity reaching one channel) looks the
 *                                  same: on one or two channels an
 *                                  awakening's steady contraction is most
 *                                  false cramps (59 %, REM tonic 24 %;
 *                                  h12am, bench/README.md), and only
 *                                  sparseness separates it across the
 *                                  model variants, which fails on cramps
 *                                  of many units; a 5-10 s cramp involving a TA
 *                                  10-90 s from other LMs joins a series.
 *   burst                burst     anything else (short, phasic, weak, or
 *                                  on more than one muscle).
 * Test only: with CRAMP_TEST_BROKEN_CLASSIFIER=all-cramp in the
 * environment (read once per classify call), every episode is labelled
 * cramp, reason "test hook: all-cramp", so tests can show a negative
 * control failing; never set it otherwise.
 *
 * Units: seconds, Hz, microvolts (the input must be in uV for the uV
 * margins to mean anything). Objects are not synchronised: one per thread.
 * process never allocates, locks or prints. */
#ifndef CRAMP_DETECT_H
#define CRAMP_DETECT_H

#include <stddef.h>
#include <stdint.h>

#include "cramp/baseline.h"
#include "cramp/fft.h"
#include "cramp/simd.h"
#include "cramp/status.h"
#include "cramp/types.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What is known about a channel: the leg (0 left, 1 right, -1 unknown), the
 * muscle (a cramp_muscle_kind, or -1 unknown; two channels of unknown muscle
 * count as different muscles) and the physical range of the recording
 * (clipping is a sample within 0.1 % of the range of a rail; NaN: unknown). */
typedef struct cramp_detect_channel {
    int leg;
    int muscle;
    double phys_min, phys_max;
} cramp_detect_channel;

/* Guesses leg and muscle from a label such as "L-GAS", "R TA", "Left soleus",
 * "EMG tib ant R" (case-insensitive words: L/LEFT/LT, R/RIGHT/RT; GAS/GASTROC/
 * CALF, TA/TIB, SOL, AH/FOOT/HALLUCIS, VL/THIGH/QUAD/HAM); unknown parts -1.
 * phys_min/max set to NaN. Pure. */
CRAMP_API void cramp_detect_channel_from_label(const char *label, cramp_detect_channel *ch);

/* 1 if an EDF channel's label, transducer and physical dimension say leg
 * EMG, as a sleep lab labels it: AASM's LAT/RAT, "Leg L", "Leg/R", "PLM",
 * "EMG Tib", "L-GAS", "R-TA", gastrocnemius/tibialis/soleus names, or a
 * transducer naming a leg muscle; or a label with the word EMG (not chin or
 * submental) whose transducer is an electrode ("AgAgCl electrode") or blank.
 * Labels naming EEG, EOG, ECG, chin, respiration, SpO2, position, an EEG
 * electrode (C3, O2, M1, ...) or arm EMG are not leg EMG; nor is a unit given
 * that is not a voltage (uV, mV, V, nV; "" or NULL: unknown, allowed).
 * "AgAgCl electrode" alone does not choose a channel (EEG electrodes say it
 * too). Words are case-insensitive and split at anything not a letter
 * ("LAT1" is LAT). Any argument may be NULL. Pure, thread-safe; allocates
 * nothing. */
CRAMP_API int cramp_detect_is_leg_emg(const char *label, const char *transducer,
                                      const char *unit);

typedef struct cramp_detect_config {
    double fs;               /* Hz; required */
    /* front end */
    double band_lo_hz;       /* 20 (SENIAM: 20-450 Hz) */
    double band_hi_hz;       /* 450; clamped to 0.9 x fs/2 */
    int band_order;          /* Butterworth order per edge, 2 */
    double mains_hz;         /* 50 (or 60); 0: no comb */
    double notch_q;          /* 30 */
    double tick_s;           /* 0.01 */
    double env_window_s;     /* 0.1 */
    cramp_baseline_config baseline; /* fs and statistic set here; block 1 s,
                                       window 600 s, quantile 0.25, warmup 10 s */
    /* segmentation */
    double onset_uv, onset_k;     /* 8 uV, 2 (threshold L + max(8, 2 L): 3 x L) */
    double offset_uv, offset_k;   /* 2 uV, 0.5 */
    double off_hold_s;            /* 0.5 */
    double min_duration_s;        /* 0.5 */
    double flat_min_s;            /* 1 */
    double lf_onset_uv, lf_onset_k;   /* 20 uV, 3 (LF threshold Llf + max(20, 3 Llf)) */
    double lf_offset_uv, lf_offset_k; /* 5 uV, 1 */
    double lf_hold_s;             /* 0.25 */
    double lf_min_s;              /* 0.1 */
    double spectral_window_s;     /* 0.5 */
    /* classification */
    double involve_fraction;      /* 0.5 (above crosstalk, which reaches 0.35) */
    double lf_ratio;              /* 0.5 */
    double clip_fraction;         /* 0.001 */
    double movement_min_s, movement_max_s; /* 3, 45 */
    double lm_min_s, lm_max_s;    /* 0.5, 10 */
    size_t plm_min_count;         /* 4 */
    double plm_min_interval_s, plm_max_interval_s; /* 10, 90 */
    double bilateral_s;           /* 5 */
    double cramp_min_s;           /* 5 */
    double concurrent_fraction;   /* 0.5 */
    double sparse_block_s;        /* 0.25 (0: sparseness not measured) */
    double sparse_kurtosis;       /* 0.2 */
    double sparse_min_hz;         /* 200: band upper edge needed */
    size_t sparse_min_blocks;     /* 8 (2 s of blocks) */
    int sparseness_rule;          /* 0: the dense-contraction row is off (the
                                     kurtosis column is still measured); 1: on */
    double tonic_min;             /* 0.95: a cramp's share of ticks above the
                                     offset threshold outside pauses (>= 0.2 s
                                     quiet); derived, bench/derive-constants.sh */
    size_t train_min_bursts;      /* 4 (AASM: HFT, ALMA, RMD) */
    double train_min_hz, train_max_hz; /* 0.3, 4 (AASM: HFT 0.3-4 Hz) */
    double train_burst_max_s;     /* 1 (AASM: HFT bursts up to 1000 ms) */
    double train_max_cv;          /* 0.3: rises inside one episode count as a
                                     train's bursts when their intervals' CV is
                                     under this (derived, bench/derive-constants.sh) */
    double stretch_window_s;      /* 10: onset after the end of a cramp on the
                                     same leg within which another muscle's
                                     sustained activity is stretching */
    double precursor_ratio;       /* 0.4: a segment's lower-level start (precursor
                                     activity before a cramp) is cut off where a
                                     window's amplitude above rest reaches the
                                     start's over this, if the rest lasts
                                     cramp_min_s at that level; 0: off (the
                                     bound and its reason: docs/detect.md) */
    double precursor_window_s;    /* 0.5: that window (the AASM minimum LM);
                                     the start must last two */
    double env_mod_max;           /* 1: a would-be cramp whose amplitude's
                                     0.5-3 Hz over 3-8 Hz energy ratio
                                     (env_mod_ratio) is above this is a
                                     movement (the modulated-contraction row;
                                     docs/detect.md); 0: the row is off and
                                     the rules id is as without it */
    /* engineering */
    cramp_simd simd;              /* AUTO: path of the per-sample loops; every
                                     path gives the same bits */
    cramp_fft_effort fft_effort;  /* ESTIMATE: FFTW planner of the spectral
                                     measures (cramp/fft.h); a timed planner may
                                     pick a plan that rounds differently, so
                                     cramp tune keeps one only where the
                                     episodes come out identical */
    const char *fft_wisdom;       /* NULL or "": no wisdom file; else FFTW
                                     wisdom imported and saved there (the
                                     caller's string, alive until create) */
    /* opt-in candidate for the next freeze (bench/README.md, "Candidate for
       the next freeze"); 0 leaves the rules and their id as frozen */
    int voluntary_rule;           /* 0: off; 1: the stretch-same-channel row on */
    int cramp_rhythm_rule;        /* 0: off (the rules and id as frozen); 1: both
                                     halves (h12y); 2: the plm-series half
                                     alone; 3: the after-cramp half alone
                                     (h12z; other values reserved). The
                                     plm-series half: an episode that passes
                                     the cramp row's test (>= cramp_min_s, one
                                     muscle, tonic, above the onset threshold)
                                     joins a PLM series only in the series'
                                     rhythm (its intervals to the series' LMs
                                     10-90 s and within PLM_BRIDGE_RATIO of
                                     each other). The after-cramp half: the
                                     after-cramp row sees sustained activity
                                     before it whatever non-artefact label an
                                     earlier row gave it. The value names
                                     itself in the rules id (issue 12;
                                     bench/README.md) */
    int crosstalk_time_rule;      /* 0: off (the rules and id as frozen); 1:
                                     another muscle of the main channel's leg
                                     is involved in an episode by its power
                                     above rest over the longer of its own and
                                     the main channel's active time, not over
                                     its own alone: crosstalk lasts as long as
                                     its source (Farina et al. 2004), so a slow
                                     cramp's crosstalk crossing the other
                                     muscle's threshold only at the cramp's
                                     peak no longer makes a two-muscle
                                     movement (h12ab; docs/detect.md, "Crosstalk
                                     over its source's time"). Other-leg
                                     channels as before. Named in the rules id
                                     when on */
    int plm_bridge;               /* 1 (default; the rules and id as frozen):
                                     one missed LM inside a PLM series (an
                                     interval of 90-180 s whose half is in
                                     step with the intervals on both sides)
                                     keeps the series going (h12b); 0: every
                                     onset interval over plm_max_interval_s
                                     ends a series, as the AASM scorer counts
                                     it (h12ad; bench/README.md). Named in the
                                     rules id when 0 */
    int reaction_rule;            /* 1 (default since the eighth freeze): the
                                     stretch-same-channel row on, its
                                     match kept off two pairs that are no
                                     reaction to a cramp: the earlier
                                     episode is the later one's precursor
                                     (the later's power above rest >=
                                     precursor_ratio^-2 times the earlier's:
                                     the detector's precursor step; Chaney
                                     and Sherman's pilot, sEMG rising before
                                     a cramp), or a movement by the
                                     modulated-contraction (or, when on,
                                     dense-contraction) row. Limits: a
                                     forceful stretch after a much weaker
                                     cramp stays a cramp; a cramp recurring
                                     within stretch_window_s of one as
                                     strong is read as its reaction
                                     (classify_reaction.c; issue 12, h12ae;
                                     bench/README.md). 0: off, the seventh
                                     freeze's rules (id 342106439c1668f0).
                                     Named in the rules id when on */
    int both_legs_rule;           /* 0: off (the rules and id as frozen); 1:
                                     the both-legs row: a would-be cramp
                                     (sustained, tonic, one muscle) is a
                                     movement when a muscle of the other
                                     (known) leg starts within bilateral_s
                                     of it and its segments are active
                                     (above the offset threshold) for >=
                                     concurrent_fraction of its span: a
                                     cramp is focal (Minetto et al. 2013;
                                     Roeleveld et al. 2000) and crosstalk
                                     stays within a limb (Farina et al.
                                     2004), so that is an awakening or a
                                     whole-body movement whose other leg
                                     works at under involve_fraction of the
                                     main muscle; the two-leg reading of
                                     episodes past lm_max_s (h12i) carried
                                     to shorter ones, no new constant
                                     (h12ag; bench/README.md). Limits: only
                                     activity above the onset threshold
                                     counts (weak REM tonic activity does
                                     not); a cramp with the other leg's own
                                     sustained activity (a cramp there)
                                     starting within bilateral_s is lost;
                                     legs unknown: no effect. Named in the
                                     rules id when on */
    int movement_signs_rule;      /* 0: off (the rules and id as frozen); 1:
                                     the movement-signs row: a would-be
                                     cramp (sustained, tonic, one muscle)
                                     of movement_min_s-movement_max_s is a
                                     movement when env_mod_ratio /
                                     env_mod_max + lf_ratio / lf_ratio >= 1:
                                     turning over drives the muscles at the
                                     movement's rhythm and moves the
                                     electrode (energy below 20 Hz, De Luca
                                     2010); a cramp is tonic (Minetto 2013).
                                     The two rows' own limits, no new
                                     constant (h12ak; bench/README.md).
                                     Limits: both signs are the simulator's
                                     movement model, not swept; a steady
                                     awakening has neither. Named in the
                                     rules id when on */
    int plm_leg_muscles;          /* 0 (default; the rules and id as frozen);
                                     1: an episode the muscles-of-a-leg row
                                     labels a movement (>= 2 muscles of one
                                     leg, 3-45 s, IRLSSG) that is also a
                                     candidate LM (on one leg only, <=
                                     lm_max_s, active >= 0.5 s, with the TA
                                     where the leg has one)
                                     joins a PLM series in the series'
                                     rhythm (two direct 10-90-s intervals
                                     within PLM_BRIDGE_RATIO, as h12y's
                                     would-be cramp) and is then a plm; else
                                     it stays a movement. AASM scores an LM on
                                     the TA whatever the calf does, and a PLM
                                     is often a triple flexion (ICSD-3), so a
                                     one-leg LM of 3-10 s with the calf or
                                     crosstalk on it is both (h12af;
                                     bench/README.md). Named in the rules id
                                     when on. Limits: a lone 3-10 s movement
                                     in step with a series is a false PLM */
    int lm_onset_power;           /* 0 (default; the rules and id as frozen);
                                     1: an EMG segment (and a short burst)
                                     also opens where the activity's own
                                     part of the envelope reaches onset_uv:
                                     env^2 - L^2 >= onset_uv^2 (AASM: the
                                     LM's onset is an 8 uV increase in EMG
                                     voltage above resting EMG; EMG of
                                     independent sources adds in power, so
                                     an LM of A uV RMS over a rest of L
                                     reads sqrt(L^2 + A^2), and L + 8 on the
                                     envelope asked A >= sqrt(16 L + 64)),
                                     never under the noise guard
                                     (1 + onset_k) L; a segment opened so
                                     that later reaches L + max(onset_uv,
                                     onset_k L) starts again there, as
                                     without the key (a cramp's sparse
                                     start stays out of its tonic share),
                                     so only segments that never reach it
                                     are new; the classifier's threshold
                                     stays L + max(onset_uv, onset_k L).
                                     Changes only channels whose
                                     rest is under onset_uv / onset_k (4 uV)
                                     (h12ai; bench/README.md). Named in the
                                     rules id when on */
    int plm_rhythm_rule;          /* 1 (default since the ninth freeze;
                                     0: the eighth freeze's PLM rows):
                                     1: a PLM series is periodic, so what
                                     lies off its rhythm neither joins nor
                                     ends it: a candidate LM whose EMG is
                                     active for more than cramp_min_s +
                                     lm_min_s (5.5 s) joins only in the
                                     series' rhythm (two direct intervals
                                     within PLM_BRIDGE_RATIO, as h12y's
                                     would-be cramp), and an episode past a
                                     candidate LM's length ends a series
                                     (WASM 2016) only where the series does
                                     not run on across it in step (the
                                     AASM has no end rule); 2: the first
                                     part alone; 3: the second alone
                                     (h12aj; classify_plm_rhythm.c;
                                     bench/README.md). Named in the rules id
                                     when on. Limits: a true 5-10 s LM
                                     beside a gap is lost; two series of
                                     matching rhythm either side of an
                                     awakening become one */
    int stretch_split_rule;       /* 1 (default since the ninth freeze;
                                     0: the eighth freeze's segments):
                                     1: a segment of one muscle is cut,
                                     before the episodes are built, where
                                     the segment of another muscle of the
                                     same leg that carries it to its end
                                     starts, when that start is >=
                                     cramp_min_s after its onset, it ends
                                     no later than off_hold_s after that
                                     segment, and that muscle's RMS above
                                     rest is the larger (a source of its
                                     own, no crosstalk): a cramp (focal, one
                                     muscle: Minetto et al. 2013; Roeleveld
                                     et al. 2000) and the antagonist's
                                     stretch right after it (patient
                                     leaflets), whose crosstalk kept the
                                     cramping muscle's envelope above the
                                     offset threshold, were one two-muscle
                                     movement (h12ag's trace;
                                     classify_stretch_split.c, h12al; bench/
                                     README.md). No new constant. Named in
                                     the rules id when on. Limits: the two
                                     parts keep the segment's measures; a
                                     movement whose stronger second muscle
                                     joins >= cramp_min_s late and ends
                                     with the first is read as a
                                     one-muscle contraction and a movement;
                                     legs or muscles unknown: no effect */
    int ramp_tonic_rule;          /* 0 (default; opt-in): 1: an episode
                                     one segment of whose main channel ran
                                     without a pause (longest_run_s) for
                                     at least half of it counts as tonic:
                                     the pauses around it are the cramp's
                                     gradual recruitment (Minetto et al.
                                     2009) and its last units dropping
                                     out, not a train of bursts (h12ao;
                                     classify_ramp_tonic.c; bench/
                                     README.md). Named in the rules id
                                     when on. Limits: a burst train with
                                     one burst as long as the rest of it
                                     is tonic too */
    int legs_apart_rule;          /* 0 (default; opt-in): 1: an episode
                                     spanning both legs for longer than
                                     lm_max_s, one leg with a channel
                                     active >= concurrent_fraction of it
                                     and the other leg with none, is built
                                     without the other leg: its main
                                     channel from the carrying leg, the
                                     other leg's segments episodes of
                                     their own (the AASM joins the two
                                     legs within bilateral_s only as leg
                                     movements; a cramp is focal, Minetto
                                     et al. 2013). Before, the other leg's
                                     brief strong event (the stretch after
                                     its own cramp) became the main channel
                                     and the cramp a two-leg movement
                                     (h12ap; classify_legs_apart.c; bench/
                                     README.md). No new constant. Named in
                                     the rules id when on. Limits: legs
                                     unknown: no effect; two legs both
                                     sustained (a cramp on each at once)
                                     stay one movement */
    int bilateral_lm_only;        /* 0 (default; opt-in): 1: a segment of
                                     the other leg, no longer than an LM
                                     (lm_max_s), joins an episode that
                                     starts within bilateral_s of it only
                                     while that episode is no longer than
                                     a bilateral candidate LM (15 s): the
                                     AASM's rule (LMs of the two legs < 5 s
                                     apart are one LM) joins two LMs, and
                                     a cramp or other sustained activity
                                     of one leg is no LM (WASM 2016:
                                     bilateral LM <= 15 s), so an LM of
                                     the other leg during it is its own
                                     episode, as are that leg's later LMs
                                     in it (h12aq; episodes_bilateral_lm.c;
                                     bench/README.md). Named in the rules
                                     id when on. Limits: an LM that starts
                                     first, with a cramp of the other leg
                                     from within 5 s, still joins it */
    int plm_rhythm_legs;          /* 0 (default; opt-in): 1: plm_rhythm_rule's
                                     bound (a candidate LM active > 5.5 s
                                     joins only in the series' rhythm) is
                                     one leg's; for an LM that involves both
                                     legs it is lengthened by WASM 2016's
                                     own ratio for a bilateral candidate LM,
                                     PLM_BILATERAL_MAX_S / lm_max_s (15/10:
                                     8.25 s), since such an LM spans the lag
                                     between the legs' onsets too (h12as;
                                     classify_rhythm_legs.c; bench/
                                     README.md). Named in the rules id when
                                     on. Limits: a bilateral arousal
                                     movement or turn of 5.5-8.25 s inside
                                     a series joins it */
} cramp_detect_config;

/* The defaults above; fs = 0 (the caller sets it). */
CRAMP_API void cramp_detect_config_default(cramp_detect_config *cfg);

/* The rule switches: the on/off rules of the table above by the name of
 * their cramp_detect_config field ("reaction_rule", "plm_bridge", ...), so
 * every tool turns them on and off one way. on_by_default is the field's
 * value in cramp_detect_config_default (1 on, 0 off); what is one line on
 * the rule (the field's comment above and docs/detect.md give its source
 * and limits). cramp_detect_switches returns the table (static, read-only,
 * never freed) and stores its length in *n (n may be NULL). Thread-safe;
 * allocates nothing. */
typedef struct cramp_detect_switch {
    const char *name;  /* the field's name, e.g. "plm_rhythm_rule" */
    int on_by_default; /* 1: on in the defaults (turned off by "no-NAME") */
    const char *what;  /* one line, no newline */
} cramp_detect_switch;
CRAMP_API const cramp_detect_switch *cramp_detect_switches(size_t *n);

/* Sets a switch by a command-line word without its dashes: "NAME" turns it
 * on (1), "no-NAME" off (0); '-' and '_' are alike in NAME, so
 * "plm-rhythm-rule" and "no-plm_rhythm_rule" both work. Returns 1 when word
 * named a switch (cfg set), 0 when it named none (cfg unchanged), -1 for a
 * NULL argument. (cramp_rhythm_rule's halves, values 2 and 3, are set on the
 * field itself.) Allocates nothing; thread-safe on distinct cfg. */
CRAMP_API int cramp_detect_switch_set(cramp_detect_config *cfg, const char *word);

/* The value of switch name (underscores) in cfg, or -1 when name is no
 * switch or an argument is NULL. Allocates nothing; thread-safe. */
CRAMP_API int cramp_detect_switch_get(const cramp_detect_config *cfg, const char *name);

/* One channel's activity segment (stage 1). */
typedef enum cramp_activity_kind {
    CRAMP_ACTIVITY_EMG = 0,  /* envelope above rest */
    CRAMP_ACTIVITY_FLAT,     /* flat line */
    CRAMP_ACTIVITY_LF,       /* 0.5-20 Hz envelope above its rest (motion, pop) */
    CRAMP_ACTIVITY_SHORT     /* envelope above rest for less than min_duration_s
                                (a burst under the AASM LM minimum, not a
                                segment): onset, offset, rms_uv, rest_uv,
                                peak_uv, env_peak_uv and bp_excess_uv2 set,
                                tonic_fraction 1, sub_bursts and rises 1,
                                spectra and kurtosis NaN, the rest 0. The
                                classifier counts these toward HFT / ALMA
                                trains and fragmentary myoclonus only. */
} cramp_activity_kind;

typedef struct cramp_activity {
    size_t channel;          /* index in the detector's channels (the tool
                                may renumber before classifying) */
    cramp_activity_kind kind;
    double onset_s, offset_s;/* s from the first frame after create/reset */
    double rms_uv;           /* band-passed RMS over the segment */
    double rest_uv;          /* resting level L at the onset */
    double peak_uv;          /* largest |band-passed sample| */
    double env_peak_uv;      /* largest envelope value */
    double bp_excess_uv2;    /* mean band power above rest, uV^2 (>= 0) */
    double lf_excess_uv2;    /* mean 0.5-20 Hz power above rest, uV^2 (>= 0) */
    double clip_fraction;    /* samples at a rail / samples */
    double flat_fraction;    /* samples equal to the previous one / samples */
    double mnf_start_hz, mdf_start_hz, mnf_end_hz, mdf_end_hz; /* NaN if too short */
    double kurtosis;         /* median block excess kurtosis, noise removed (see
                                "sparseness"); NaN when no block qualified */
    size_t kurtosis_blocks;  /* blocks behind it */
    double tonic_fraction;   /* share of the segment's 10-ms ticks whose envelope is
                                above the offset threshold (1: tonic, sustained;
                                low: a train of bursts); 0 for flat / LF */
    size_t sub_bursts;       /* rises of the envelope from at or under the offset
                                threshold back to the onset threshold inside the
                                segment, the first rise included (1: one burst) */
    size_t rises;            /* rises back to the onset threshold (and to 4 x the
                                dip's floor) after any dip to the offset threshold
                                or to a quarter of the peak above rest since the
                                last rise (however short), the first included */
    double rise_interval_s;  /* mean interval between rises; NaN under 3 rises */
    double rise_cv;          /* its coefficient of variation (rhythm: low) */
    double precursor_s;      /* lower-level lead-in cut off the segment's start
                                (precursor step, precursor_ratio), s; 0: none */
    double env_mod_ratio;    /* movement rhythm of the amplitude: the 10-ms tick
                                power's energy at 0.5-3 Hz over that at 3-8 Hz,
                                1 s after the start (or a precursor step) to 1 s
                                before the end (about 0.5 for a steady
                                contraction); NaN under 3 s counted */
    double rise_burst_s;     /* mean length of the bursts the rises start: ticks
                                from a rise to the next dip (or the end) over the
                                rises, s; EMG segments (h12j) and short bursts
                                (h12m); 0 (flat, LF) otherwise */
    double longest_run_s;    /* the longest stretch of the segment without a pause
                                (see tonic_fraction), s (h12ao); 0 for short
                                bursts, flat and LF segments */
} cramp_activity;

typedef struct cramp_detector cramp_detector;

/* Creates a detector over `channels` interleaved channels at cfg->fs; ch
 * (channels entries) may be NULL (nothing known). CRAMP_EINVAL / CRAMP_ERANGE
 * with a message for a bad field (the message names it); the band is
 * clamped, never refused, unless nothing is left of it. Allocates the
 * filters, baselines, rings and the spectral analyser (FFTW plan). */
CRAMP_API cramp_status cramp_detector_create(cramp_detector **out, size_t channels,
                                   const cramp_detect_config *cfg,
                                   const cramp_detect_channel *ch, cramp_error *err);

/* Band actually used, Hz, and the number of mains notches. */
CRAMP_API void cramp_detector_band(const cramp_detector *d, double *lo_hz, double *hi_hz,
                         size_t *notches);

/* SIMD path the per-sample loops run on (resolved from cfg->simd at
 * create; AUTO for NULL). */
CRAMP_API cramp_simd cramp_detector_simd(const cramp_detector *d);

/* Feeds frames to the resting baselines only (no segments). The next
 * process() call then restarts the filters and the clock at frame 0 but
 * keeps the baselines: prime with the first minute, rewind, process the
 * whole night. Allocates nothing. */
CRAMP_API cramp_status cramp_detector_prime(cramp_detector *d, const float *in, size_t frames);

/* Most segments one process call over `frames` frames can give. */
CRAMP_API size_t cramp_detector_max_output(const cramp_detector *d, size_t frames);

/* Consumes frames (interleaved, uV) and writes the segments completed to
 * out (out_cap >= cramp_detector_max_output(d, frames), else CRAMP_ERANGE and
 * nothing consumed), their number to *n_out. Non-finite samples are taken
 * as 0. Any split of the input gives the same segments. No allocation. */
CRAMP_API cramp_status cramp_detector_process(cramp_detector *d, const float *in, size_t frames,
                                    cramp_activity *out, size_t out_cap, size_t *n_out);

/* Ends the stream: closes open segments at the end of the input. out_cap
 * >= 3 x channels (an EMG, a motion-band and a flat segment each). */
CRAMP_API cramp_status cramp_detector_finish(cramp_detector *d, cramp_activity *out, size_t out_cap,
                                   size_t *n_out);

/* Resting level of a channel now (uV), NaN before warmup. */
CRAMP_API double cramp_detector_rest(const cramp_detector *d, size_t channel);

/* Frames consumed since create/reset (priming excluded). */
CRAMP_API uint64_t cramp_detector_frames(const cramp_detector *d);

CRAMP_API void cramp_detector_reset(cramp_detector *d);
CRAMP_API void cramp_detector_destroy(cramp_detector *d);

/* Mains frequency from a stretch of signal (e.g. the first minute):
 * the power at 50 Hz and 150 Hz against that at 60 Hz and 180 Hz
 * (Goertzel, summed over channels). Returns 60 when the 60-Hz family
 * is more than twice as strong, 50 when the 50-Hz family is, else 0
 * (undecided: the caller keeps its default). Pure. */
CRAMP_API double cramp_detect_mains_guess(const float *in, size_t frames, size_t channels, double fs);

/* ---- stage 2: episodes ------------------------------------------------- */

#define CRAMP_DETECT_MAX_CHANNELS 32

typedef struct cramp_episode {
    double onset_s, offset_s, duration_s;
    cramp_event_type type;
    uint32_t channels;       /* bit c: involved channel c */
    size_t n_channels;       /* involved channels */
    size_t main_channel;     /* strongest */
    double rms_uv, rest_uv, rms_x_rest, peak_uv;
    double mnf_start_hz, mnf_end_hz, mdf_start_hz, mdf_end_hz;
    double mnf_slope_hz_s;   /* (end - start) / (time between window centres) */
    double lf_ratio;         /* excess LF / (excess LF + excess band); NaN if none */
    double kurtosis;         /* main channel's sparseness measure; NaN if none */
    size_t kurtosis_blocks;  /* blocks behind it */
    double tonic_fraction;   /* main channel's, duration-weighted; NaN if none */
    size_t bursts;           /* main channel's sub-bursts, every further segment
                                of it in the episode counted as at least one more */
    size_t rises;            /* the main channel's longest segment's rises */
    double rise_interval_s, rise_cv; /* and their rhythm (NaN under 3) */
    double clip_fraction, flat_fraction;
    double prev_interval_s, next_interval_s; /* onset to onset; NaN if none */
    int series;              /* PLM series number from 1; 0 otherwise */
    const char *reason;      /* static text: the rule that gave the label */
    double confidence;       /* 0-1: how far the measures lie from the thresholds
                                of the rule that fired (docs/detect.md,
                                "Confidence"); 0.5 on a threshold */
    double precursor_s;      /* main channel's lower-level lead-in cut off the
                                start (cramp_activity.precursor_s), s; 0: none,
                                or a cut under cramp_min_s put back as the
                                cramp's recruitment ramp (h12k) */
    double env_mod_ratio;    /* the main channel's longest segment's
                                cramp_activity.env_mod_ratio; NaN if none */
    double rise_burst_s;     /* the main channel's longest segment's
                                cramp_activity.rise_burst_s (an episode of
                                short bursts: its strongest burst's); NaN if
                                none */
} cramp_episode;

/* Merges and labels the segments (any order; channel indices < channels <=
 * CRAMP_DETECT_MAX_CHANNELS; ch as for create, may be NULL). *out is a
 * malloc'd array sorted by onset (free() it), *n_out its length.
 * Allocates; thread-safe. */
CRAMP_API cramp_status cramp_detect_classify(const cramp_activity *act, size_t n_act,
                                   const cramp_detect_channel *ch, size_t channels,
                                   const cramp_detect_config *cfg, cramp_episode **out,
                                   size_t *n_out, cramp_error *err);

typedef struct cramp_detect_summary {
    double hours;            /* recording length */
    size_t count[CRAMP_EVENT_TYPES]; /* episodes per type */
    size_t cramps;
    double cramps_per_hour;
    double cramp_total_s, cramp_longest_s;
    size_t plm;
    double plm_index;        /* PLMs per hour of recording */
    size_t plm_series;
} cramp_detect_summary;

/* Bytes of a rule-table id: 16 hex digits and the terminating NUL. */
#define CRAMP_DETECT_RULES_ID_SIZE 17

/* A short, stable name of exactly which rules label the episodes, for
 * accuracy tables to record: FNV-1a (64 bits) in 16 lower-case hex digits
 * over the text cramp_detect_rules_text gives (the rule table's names,
 * classes and order, the detector's fixed constants and every value of
 * cfg except fs and simd, which change no label). cfg NULL: the defaults.
 * Writes id (CRAMP_DETECT_RULES_ID_SIZE bytes) and returns it (NULL for a
 * NULL id). The same
 * rules and values give the same id on every machine and build; any change
 * of a rule, its order, a constant or a value changes it. Pure,
 * thread-safe, allocates nothing. */
CRAMP_API const char *cramp_detect_rules_id(const cramp_detect_config *cfg,
                                            char id[CRAMP_DETECT_RULES_ID_SIZE]);

/* The text the id is made from, "name=value;" items (values as %.17g),
 * written as snprintf does (at most size bytes with the NUL; buf may be NULL
 * with size 0); returns its length. Pure, thread-safe. */
CRAMP_API size_t cramp_detect_rules_text(const cramp_detect_config *cfg, char *buf, size_t size);

/* Per-night figures from the episode list. Pure. */
CRAMP_API void cramp_detect_summarize(const cramp_episode *ep, size_t n, double duration_s,
                            cramp_detect_summary *out);

#ifdef __cplusplus
}
#endif

#endif
