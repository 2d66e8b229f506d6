#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# cramp plot as a user runs it: simulated nights (cramp synth), their
# detection (cramp detect), scores (cramp score), fatigue (cramp fatigue) and
# a cohort table drawn by every kind to PDF, SVG and PNG. Each file must be
# what its extension says (magic bytes), the PNG as many pixels as --size and
# --dpi ask, the SVG must carry the axis labels and one legend entry per class
# present; --keep-script must leave a script gnuplot redraws; bad inputs
# (missing file, wrong TSV columns, an episode index out of range, no
# gnuplot) fail with a clear message and leave no figure and no temporary
# file. The examples of --help run as printed.
# Usage: tests/cli/cli_plot.sh PATH/TO/cramp DATASETS_DIR
set -u
TESTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CRAMP=${1:?usage: cli_plot.sh PATH/TO/cramp DATASETS_DIR}
DATASETS=${2:-$TESTS_DIR/../../datasets}
DATASETS=$(cd "$DATASETS" && pwd)
# shellcheck source=cli_lib.sh
. "$TESTS_DIR/cli_lib.sh"
cli_workdir plot

if ! command -v gnuplot >/dev/null; then
    echo "SKIP: gnuplot is not installed (package gnuplot-nox)"
    exit 77
fi

# ---- inputs ----------------------------------------------------------------
{
    quiet_scenario 12 1000 4 41
    cat <<'SC'
mains_hz 50
mains_uv 4
event cramp 200 60 1
event plm 330 2 2 excitation=25
event plm 355 1.5 2 excitation=25
event plm 380 2 2 excitation=25
event plm 402 1 2 excitation=25
event burst 500 1.5 3 excitation=20
event movement 600 20 3,4 excitation=30 amplitude=0
SC
} >night.scenario
run synth night.scenario --quiet -o night.edf
expect_rc 0 "synth"
run detect night.edf -o det.tsv
expect_rc 0 "detect"
run score night.events.tsv det.tsv -o score.tsv
expect_rc 0 "score"
run fatigue night.edf --channels L-GAS --epoch 2 -o fat.tsv --quiet
expect_rc 0 "fatigue"
# a cohort table (issue 13's columns) from three detected nights
printf 'recording\tsubject\tsession\tcramps_per_hour\tplm_index\n' >nights.tsv
n=0
for s in 41 42 43; do
    n=$((n + 1))
    run synth night.scenario --seed "$s" --quiet -o "c$s.edf"
    expect_rc 0 "synth seed $s"
    run detect "c$s.edf" -o "c$s.tsv" --quiet
    expect_rc 0 "detect seed $s"
    awk -F'\t' -v rec="c$s.edf" -v subj="sub-0$(((n + 1) / 2))" -v ses="ses-$n" '
        NR > 1 && $3 == "cramp" { c++ }
        NR > 1 && $3 == "plm" { p++ }
        END { printf "%s\t%s\t%s\t%.3f\t%.3f\n", rec, subj, ses, c / 0.2, p / 0.2 }' \
        "c$s.tsv" >>nights.tsv
done

# classes in the detection and in the score table's defined rows
det_classes=$(awk -F'\t' 'NR > 1 { print $3 }' det.tsv | sort -u)
[ -n "$det_classes" ] && ok || bad "detection found nothing to draw"

# ---- helpers ----------------------------------------------------------------
magic_ok() { # FILE EXT
    case $2 in
    pdf) [ "$(head -c 5 "$1")" = "%PDF-" ] ;;
    png) [ "$(od -An -tx1 -N8 "$1" | tr -d ' \n')" = "89504e470d0a1a0a" ] ;;
    svg) head -c 400 "$1" | grep -q "<svg" && tail -c 100 "$1" | grep -q "</svg>" ;;
    esac
}
png_size() { # FILE -> "W H" from the IHDR chunk
    local w h
    w=$(od -An -tu1 -j16 -N4 "$1" | awk '{ print $1 * 16777216 + $2 * 65536 + $3 * 256 + $4 }')
    h=$(od -An -tu1 -j20 -N4 "$1" | awk '{ print $1 * 16777216 + $2 * 65536 + $3 * 256 + $4 }')
    echo "$w $h"
}
# legend entries: SVG text elements holding exactly the class name
legend_count() { grep -Eo ">$2</(text|tspan)>" "$1" | wc -l; }
no_leftovers() { # WHAT: nothing but the expected files in the folder
    if find . -maxdepth 1 -name '.*.plot-*' | grep -q . || find . -maxdepth 1 -name '.*tmp*' | grep -q .; then
        bad "$1: temporary files left behind: $(ls -A | tr '\n' ' ')"
    else ok; fi
}
check_kind() { # NAME, then the plot arguments without -o
    local name=$1 ext
    shift
    for ext in pdf svg png; do
        rm -f "$name.$ext"
        run plot "$@" -o "$name.$ext" --quiet
        expect_rc 0 "plot $name to $ext"
        [ -s "$name.$ext" ] && magic_ok "$name.$ext" "$ext" && ok || bad "$name.$ext is not a $ext file"
    done
}

# ---- every kind, every format --------------------------------------------------
check_kind night night night.edf det.tsv
check_kind episode episode night.edf det.tsv --index 1
check_kind episode_at episode night.edf det.tsv --at 230
check_kind fatigue fatigue fat.tsv --interval 200-260
check_kind scores scores score.tsv score.tsv --labels first,second
check_kind cohort cohort nights.tsv
check_kind night_truth night night.edf night.events.tsv --time hours
no_leftovers "successful runs"

# ---- what the SVGs carry ---------------------------------------------------------
grep -q "clock time" night.svg && grep -q "L-GAS (µV)" night.svg && grep -q "R-TA (µV)" night.svg \
    && ok || bad "night.svg lacks its axis labels"
grep -q "time (h)" night_truth.svg && ok || bad "--time hours: no 'time (h)' axis"
for cls in $det_classes; do
    [ "$(legend_count night.svg "$cls")" = 1 ] && ok || bad "night.svg: legend entries for $cls: $(legend_count night.svg "$cls"), expected 1"
done
for cls in cramp plm burst movement artefact hft alma fragmentary; do
    if ! printf '%s\n' "$det_classes" | grep -qx "$cls"; then
        [ "$(legend_count night.svg "$cls")" = 0 ] && ok || bad "night.svg has a legend entry for absent class $cls"
    fi
done
# cramp's colour is the same in every figure that draws cramps
grep -qi "#D55E00\|rgb(213, 94,   0)\|rgb(213, *94, *0)" night.svg && ok || bad "night.svg: no vermillion for cramp"
grep -q "signal (µV)" episode.svg && grep -q "time from the recording start (s)" episode.svg \
    && grep -q "onset threshold" episode.svg && ok || bad "episode.svg lacks its labels"
grep -q "MNF, MDF (Hz)" episode.svg && grep -q "MNF slope" episode.svg && ok || bad "episode.svg lacks its MNF/MDF panel"
grep -q "frequency (Hz)" fatigue.svg && grep -q "FInsm5" fatigue.svg && grep -q "time (s)" fatigue.svg \
    && grep -q "MNF slope" fatigue.svg && ok || bad "fatigue.svg lacks its labels"
grep -q ">precision</" scores.svg && grep -q ">recall</" scores.svg && grep -q ">F1</" scores.svg \
    && grep -q ">first</" scores.svg && grep -q ">second</" scores.svg && ok || bad "scores.svg lacks labels"
score_classes=$(awk -F'\t' 'NR == 1 { next } $0 == "" { exit } $1 == "pooled" && ($8 != "n/a" || $9 != "n/a") { print $2 }' score.tsv | sort -u)
for cls in $score_classes; do
    [ "$(legend_count scores.svg "$cls")" = 1 ] && ok || bad "scores.svg: legend entries for $cls: $(legend_count scores.svg "$cls")"
done
# cramp batch's status column: failed nights are left out, and none ok is an error
{ printf 'recording\tsubject\tstatus\tcramps_per_hour\tplm_index\n'
  printf 'a.edf\tsub-01\tok\t2\t10\nb.edf\tsub-01\tok\t4\t12\nc.edf\tsub-09\tfailed\tn/a\tn/a\n'; } >status.tsv
run plot cohort status.tsv -o status.svg
expect_rc 0 "cohort with a failed night"
expect_err "2 nights in 1 group (nights whose status is not ok left out)" "failed night left out"
grep -q ">sub-09</" status.svg && bad "the failed night's subject is drawn" || ok
grep -q "cramps per hour" cohort.svg && grep -q ">sub-01</" cohort.svg && grep -q ">sub-02</" cohort.svg \
    && ok || bad "cohort.svg lacks its labels or groups"

# the episode's MNF trend: a 5-minute calf cramp that fatigues (the suite's
# fatigue night) must show a falling MNF, with its interval below 0
run synth "$DATASETS/suite/cramp-fatigue-2k.scenario" --quiet -o fat.edf
expect_rc 0 "synth fatigue night"
run detect fat.edf -o fatdet.tsv --quiet
expect_rc 0 "detect fatigue night"
idx=$(awk -F'\t' 'NR > 1 && $3 == "cramp" { print NR - 1; exit }' fatdet.tsv)
run plot episode fat.edf fatdet.tsv --index "${idx:-1}" -o fatep.svg
expect_rc 0 "episode of the fatigue cramp"
awk '/MNF slope/ { gsub(/[\[\],]/, " ")
                   for (i = 1; i <= NF; i++) { if ($i == "slope") b = $(i + 1); if ($i == "CI") hi = $(i + 2) }
                   found = 1; ok = (b < 0 && hi < 0) }
     END { exit !(found && ok) }' err && ok || bad "the fatigue cramp's MNF does not fall: $(grep 'MNF slope' err)"

# a WAV's unit: full-scale fractions unless --full-scale-uv gives microvolts;
# an events table without a channel column draws on every strip
run filter --synthetic 10 -o syn.wav
printf 'onset\tduration\ttrial_type\n2\t3\tcramp\n' >syn.events.tsv
run plot night syn.wav syn.events.tsv -o syn.svg --quiet
expect_rc 0 "night of a WAV"
grep -q "ch1 (FS)" syn.svg && [ "$(legend_count syn.svg cramp)" = 1 ] && ok || bad "WAV without --full-scale-uv: not labelled FS"
run plot night syn.wav syn.events.tsv --full-scale-uv 1000 -o syn2.svg --quiet
grep -q "ch1 (µV)" syn2.svg && ok || bad "WAV with --full-scale-uv: not labelled µV"

# ---- size ------------------------------------------------------------------------
run plot night night.edf det.tsv -o sized.png --size 10x6cm --dpi 100 --quiet
expect_rc 0 "--size 10x6cm --dpi 100"
[ "$(png_size sized.png)" = "394 236" ] && ok || bad "10x6 cm at 100 dpi: $(png_size sized.png), expected 394 236"
run plot scores score.tsv -o sized2.png --size 4x3in --dpi 50 --quiet
expect_rc 0 "--size 4x3in --dpi 50"
[ "$(png_size sized2.png)" = "200 150" ] && ok || bad "4x3 in at 50 dpi: $(png_size sized2.png), expected 200 150"
run plot fatigue fat.tsv -o sized.svg --size 10x5cm --quiet
grep -q 'width="283" height="142"' sized.svg && ok || bad "10x5 cm SVG is not 283x142 pt"
run plot cohort nights.tsv -o titled.svg --title "Cohort 'A'" --font "Serif,11" --quiet
expect_rc 0 "--title --font"
grep -q "Cohort 'A'" titled.svg && grep -q "Serif" titled.svg && ok || bad "--title or --font not in the SVG"

# ---- --keep-script -----------------------------------------------------------------
mkdir -p kept
run plot night night.edf det.tsv -o kept/n.pdf --keep-script --quiet
expect_rc 0 "--keep-script"
[ -s kept/n.gp ] && [ -s kept/n.envelope.dat ] && [ -s kept/n.events.dat ] && ok \
    || bad "--keep-script: script or data missing: $(ls kept)"
rm -f kept/n.pdf
(cd kept && gnuplot n.gp 2>/dev/null) && magic_ok kept/n.pdf pdf && ok || bad "gnuplot n.gp does not redraw the figure"

# ---- bad inputs: clear errors, no figure ---------------------------------------------
fails_clean() { # FIGURE EXPECTED_RC MESSAGE, then the plot arguments
    local fig=$1 want=$2 msg=$3
    shift 3
    rm -f "$fig"
    run plot "$@" -o "$fig"
    expect_rc "$want" "$*"
    expect_err "$msg" "$*"
    [ ! -e "$fig" ] && ok || bad "$*: left '$fig' behind"
}
fails_clean bad.pdf 1 "missing.edf" night missing.edf det.tsv
fails_clean bad.pdf 1 "missing.tsv" night night.edf missing.tsv
fails_clean bad.svg 1 "'score.tsv' has no column 'time_s'" fatigue score.tsv
fails_clean bad.png 1 "'fat.tsv' has no column 'class'" scores fat.tsv
fails_clean bad.png 1 "'det.tsv' has no column 'recording'" cohort det.tsv
fails_clean bad.png 1 "has no column 'onset'" episode night.edf fat.tsv --index 1
fails_clean bad.pdf 1 "--index 999 is out of range" episode night.edf det.tsv --index 999
fails_clean bad.pdf 2 "wants --index N or --at SECONDS" episode night.edf det.tsv
awk -F'\t' 'NR == 1 || $3 == "failed"' status.tsv >allfailed.tsv
fails_clean bad.svg 1 "no night has status ok" cohort allfailed.tsv
fails_clean bad.pdf 1 "has no column 'subject_id' (--group-by)" cohort nights.tsv --group-by subject_id
printf 'night\tclass\tprecision\trecall\tf1\nn1\tcramp\t0.5\tmany\t0.3\n' >badnum.tsv
fails_clean bad.pdf 1 "column 'recall' holds 'many'" scores badnum.tsv
fails_clean bad.jpg 2 "must end in .pdf, .svg or .png" night night.edf det.tsv
fails_clean bad.pdf 2 "--size wants" night night.edf det.tsv --size 10
fails_clean bad.pdf 2 "no plot kind 'nights'" nights night.edf det.tsv
# gnuplot missing: the package to install is named
rm -f nog.pdf
PATH=/nonexistent "$CRAMP" plot scores score.tsv -o nog.pdf >out 2>err
rc=$?
expect_rc 1 "without gnuplot"
expect_err "gnuplot-nox" "without gnuplot"
[ ! -e nog.pdf ] && ok || bad "without gnuplot: a figure was left"
# a failed run leaves an existing figure as it was
cp score.tsv keep.pdf
run plot fatigue score.tsv -o keep.pdf
cmp -s keep.pdf score.tsv && ok || bad "a failed run changed the existing figure"
no_leftovers "failed runs"

# ---- --help, and its examples as printed -------------------------------------------------
run plot --help
expect_rc 0 "--help"
grep -q "gnuplot-nox" out && grep -q "Okabe-Ito" out && ok || bad "--help lacks the package or palette"
mkdir -p ex
grep '^  cramp ' out | sed 's/^  cramp //' >ex/examples
[ "$(wc -l <ex/examples)" -ge 6 ] && ok || bad "--help has too few examples"
(
    cd ex || exit 1
    while read -r line; do
        line=${line//datasets\//$DATASETS/}
        # shellcheck disable=SC2086
        if ! "$CRAMP" $line >out 2>err; then
            echo "FAIL: example 'cramp $line' failed:" >&2
            sed 's/^/  /' err | head -5 >&2
            exit 1
        fi
    done <examples
) && ok || bad "an example of --help does not run"
for f in night.pdf episode.png scores.svg fatigue.pdf; do
    [ -s "ex/$f" ] && ok || bad "example figure ex/$f missing"
done

echo "cli_plot: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
