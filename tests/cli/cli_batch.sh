#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# cramp batch as a user runs it, on a study of 20 short simulated nights (18
# good, a truncated EDF and a text file named .edf): 18 ok and 2 failed with
# the message cramp detect prints; per-recording outputs byte-identical to
# cramp detect's, nights.tsv counts equal to the events tables' rows, input
# SHA-256 equal to sha256sum's; a rerun reuses everything; kill -9 halfway
# and a rerun give byte-identical nights.tsv/nights.json; shards 0/3..2/3
# merged (one folder, and three folders) give the same tables; the GNU
# parallel recipe of the README run for real (exit 77 at the end if
# `parallel` is missing); lists, BIDS roots, skipped recordings, usage errors.
# Usage: tests/cli/cli_batch.sh PATH/TO/cramp DATASETS_DIR
set -u
CRAMP=${1:?usage: cli_batch.sh PATH/TO/cramp DATASETS_DIR}
DATASETS=${2:?usage: cli_batch.sh PATH/TO/cramp DATASETS_DIR}
TESTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
DATASETS=$(cd "$DATASETS" && pwd)
# shellcheck source=cli_lib.sh
. "$TESTS_DIR/cli_lib.sh"
cli_workdir batch

# ---- the study: 18 nights in sub-XX/ses-1/, two bad files ------------------
{
    quiet_scenario 3 1000 4 1
    cat <<'SC'
mains_hz 50
mains_uv 5
event cramp 60 30 1
event plm 110 2 2 excitation=25
event plm 132 1.5 2 excitation=25
event plm 155 2 2 excitation=25
event plm 178 1 2 excitation=25
event burst 100 1.5 3 excitation=20
SC
} >events.scenario
i=0
for fs in 1000 2000 512; do
    for seed in 1 2 3; do
        i=$((i + 1))
        d=study/sub-$(printf %02d $i)/ses-1
        mkdir -p "$d"
        "$CRAMP" synth events.scenario --fs $fs --seed $((i * 7)) --quiet -o "$d/night.edf" ||
            bad "synth $i"
    done
done
for sc in moderate-1k-2ch single-calf-1k hard-psg-250hz many-short-cramps-2k \
          psg-512hz-4ch-plm no-cramp-confusers-2k quiet-control-1k easy-2k-4ch \
          moderate-1k-2ch; do
    i=$((i + 1))
    d=study/sub-$(printf %02d $i)/ses-1
    mkdir -p "$d"
    "$CRAMP" synth "$DATASETS/suite/$sc.scenario" --minutes 3 --seed $i --quiet \
        -o "$d/night.edf" || bad "synth $sc"
done
mkdir -p study/sub-19/ses-1 study/sub-20/ses-1
head -c 5000 study/sub-01/ses-1/night.edf >study/sub-19/ses-1/night.edf
printf 'patient notes, not a recording\nsecond line\n' >study/sub-20/ses-1/night.edf
# not recordings: events tables beside the nights, a hidden file
[ -f study/sub-01/ses-1/night.events.tsv ] && ok || bad "synth wrote no events table"
cp study/sub-01/ses-1/night.edf study/sub-01/.hidden.edf

# ---- the whole study, 2 jobs ------------------------------------------------
run batch study -o full -j 2
expect_rc 1 "a study with failures"
[ "$(wc -l <full/nights.tsv)" = 21 ] && ok || bad "nights.tsv: $(wc -l <full/nights.tsv) lines, expected 21"
head -1 full/nights.tsv | grep -qx "recording	subject	session	status	error	duration_h	channels	fs_hz	cramps	cramps_per_hour	cramp_total_s	cramp_longest_s	plm	plm_index	bursts	movements	artefacts	seconds" \
    && ok || bad "nights.tsv header"
[ "$(awk -F'\t' '$4=="ok"' full/nights.tsv | wc -l)" = 18 ] && ok || bad "18 ok"
[ "$(awk -F'\t' '$4=="failed"' full/nights.tsv | wc -l)" = 2 ] && ok || bad "2 failed"
awk -F'\t' 'NR==2 { exit !($1=="study/sub-01/ses-1/night.edf" && $2=="01" && $3=="1") }' full/nights.tsv \
    && ok || bad "recording, subject and session from the path"
expect_err "20 recordings: 18 ok, 2 failed, 0 skipped" "summary line"
grep -q "sub-19/ses-1/night.edf: .*truncated" err && ok || bad "the truncated file's failure on stderr"
[ "$(awk -F'\t' 'NR>1 && $9>0' full/nights.tsv | wc -l)" -ge 9 ] && ok || bad "cramps found in the event nights"
[ "$(awk -F'\t' 'NR>1 && $13>=4' full/nights.tsv | wc -l)" -ge 9 ] && ok || bad "PLMs found in the event nights"

! grep -q "ETA" err && ok || bad "progress printed to a file (not a terminal)"
# progress on a terminal (util-linux script gives the run one)
if command -v script >>ignored.out; then
    script -qec "'$CRAMP' batch study -o tty -j 2" tty.log >>ignored.out 2>&1
    grep -q "/20 recordings, [0-9.]* h of signal, [0-9.]* M samples/s, ETA" tty.log \
        && ok || bad "no progress line on a terminal"
fi

# failures: the message cramp detect prints, word for word
for n in 19 20; do
    f=study/sub-$n/ses-1/night.edf
    "$CRAMP" detect "$f" -o "d$n.tsv" >>ignored.out 2>"d$n.err"
    [ $? = 1 ] && ok || bad "cramp detect on sub-$n should fail"
    want=$(sed -n 's/^cramp detect: //p' "d$n.err" | tail -1)
    got=$(awk -F'\t' -v f="$f" '$1==f { print $5 }' full/nights.tsv)
    [ -n "$want" ] && [ "$got" = "$want" ] && ok || bad "sub-$n error '$got', cramp detect says '$want'"
    [ ! -e "full/sub-$n/ses-1/night.detected.tsv" ] && ok || bad "sub-$n: an events table for a failed recording"
done

# every ok recording: outputs as cramp detect writes them, counts as its rows
while IFS=$'\t' read -r rec _ _ status _ _ _ _ cramps _ _ _ plm _ bursts movements artefacts _; do
    [ "$status" = ok ] || continue
    stem=${rec#study/}
    stem=${stem%.edf}
    "$CRAMP" detect "$rec" --quiet -o det.tsv && "$CRAMP" detect "$rec" --quiet --json -o det.json ||
        bad "cramp detect $rec"
    cmp -s det.tsv "full/$stem.detected.tsv" && ok || bad "$rec: events table differs from cramp detect's"
    cmp -s det.json "full/$stem.detected.json" && ok || bad "$rec: JSON differs from cramp detect --json"
    count() { awk -F'\t' -v t="$1" 'NR>1 && $3==t' det.tsv | wc -l; }
    [ "$cramps $plm $bursts $movements $artefacts" = \
      "$(count cramp) $(count plm) $(count burst) $(count movement) $(count artefact)" ] \
        && ok || bad "$rec: nights.tsv counts differ from the events table"
done <full/nights.tsv

# the inputs' SHA-256 in nights.json, in nights.tsv order, as sha256sum has them
grep -o '"sha256": "[0-9a-f]*"' full/nights.json | cut -d'"' -f4 >sha.json
awk -F'\t' 'NR>1 { print $1 }' full/nights.tsv | xargs sha256sum | cut -d' ' -f1 >sha.ref
cmp -s sha.json sha.ref && [ "$(wc -l <sha.ref)" = 20 ] && ok || bad "SHA-256 in nights.json differs from sha256sum"
grep -q '"cramp_version": ' full/nights.json && grep -q '"settings": {"band_hz": \[20, 450\]' full/nights.json \
    && ok || bad "nights.json: version and settings"
[ -s full/batch.log ] && grep -q "sub-19/ses-1/night.edf: failed" full/batch.log && ok || bad "batch.log"
[ -z "$(find full -name 'night.events*')" ] && [ ! -e full/sub-01/.hidden.detected.tsv ] \
    && ok || bad "events tables or hidden files taken for recordings"

# the same command again: everything ok reused, the tables unchanged
cp full/nights.tsv full.tsv
cp full/nights.json full.json
touch -d '2001-01-01' full/sub-05/ses-1/night.detected.tsv
run batch study -o full -j 2
expect_rc 1 "rerun"
expect_err "(18 reused)" "rerun reuses the 18 ok recordings"
cmp -s full.tsv full/nights.tsv && cmp -s full.json full/nights.json && ok || bad "rerun changed the tables"
[ "$(date -r full/sub-05/ses-1/night.detected.tsv +%Y)" = 2001 ] && ok || bad "rerun rewrote a reused output"
# a changed input is redone
touch study/sub-03/ses-1/night.edf
run batch study -o full -j 2 --quiet
grep -q "17 reused, 3 to analyse" full/batch.log && ok || bad "a touched input is not redone"
[ "$(grep -c '^cramp batch: failed:' err)" = 2 ] && [ "$(wc -l <err)" = 2 ] && ok || bad "--quiet: only the two failures on stderr"
cp full/nights.tsv full.tsv          # sub-03's mtime changed: nights.json differs, nights.tsv not
cmp -s full.tsv full/nights.tsv && ok || bad "redone recording changed nights.tsv"
cp full/nights.json full.json

# ---- kill -9 halfway, then the rerun --------------------------------------------
setsid "$CRAMP" batch study -o killed -j 1 --quiet 2>>ignored.err &
pid=$!
for _ in $(seq 1 600); do
    n=$(find killed/.cramp-batch -name '*.state' 2>>ignored.err | wc -l)
    [ "$n" -ge 5 ] && break
    sleep 0.02
done
kill -9 "$pid" 2>>ignored.err
wait "$pid" 2>>ignored.err
sleep 0.3
n=$(find killed/.cramp-batch -name '*.state' | wc -l)
[ "$n" -ge 5 ] && [ "$n" -lt 20 ] && ok || bad "kill -9 did not land halfway ($n states of 20)"
[ ! -e killed/nights.tsv ] && ok || bad "a killed run left a nights.tsv"
run batch study -o killed -j 2
expect_rc 1 "rerun after kill -9"
cmp -s full.tsv killed/nights.tsv && ok || bad "after kill -9 and a rerun nights.tsv differs"
cmp -s full.json killed/nights.json && ok || bad "after kill -9 and a rerun nights.json differs"
[ -z "$(find killed -name '.*.??????')" ] && ok || bad "temporary files left: $(find killed -name '.*.??????')"
for f in full/sub-*/ses-1/night.detected.*; do
    cmp -s "$f" "killed/${f#full/}" || { bad "after kill -9: $f differs"; break; }
done
ok

# ---- shards, merged ------------------------------------------------------------
for k in 0 1 2; do
    "$CRAMP" batch study --shard $k/3 -j 1 --quiet -o sharded 2>>ignored.err
    "$CRAMP" batch study --shard $k/3 -j 1 --quiet -o "shard$k" 2>>ignored.err
done
total=0
for k in 0 1 2; do
    rows=$(($(wc -l <"sharded/nights.shard-$k-of-3.tsv") - 1))
    total=$((total + rows))
done
[ "$total" = 20 ] && ok || bad "the 3 shards hold $total recordings, expected 20"
run batch --merge sharded
expect_rc 1 "merge (with the 2 failed)"
cmp -s full.tsv sharded/nights.tsv && cmp -s full.json sharded/nights.json && ok || bad "merge of one folder differs from the single run"
run batch --merge shard0 shard1 shard2 -o merged
cmp -s full.tsv merged/nights.tsv && cmp -s full.json merged/nights.json && ok || bad "merge of three folders differs from the single run"
run batch --merge shard0 shard2 -o partial
expect_rc 1 "merge with a shard missing"
expect_err "was every shard run" "missing shard named"
[ ! -e partial/nights.tsv ] && ok || bad "an incomplete merge wrote nights.tsv"
# stable: the same shard again holds the same recordings
cp sharded/nights.shard-1-of-3.tsv s1.tsv
"$CRAMP" batch study --shard 1/3 -j 1 --quiet -o sharded 2>>ignored.err
cmp -s s1.tsv sharded/nights.shard-1-of-3.tsv && ok || bad "shard 1/3 changed on a rerun"

# ---- GNU parallel, the README's recipe -------------------------------------------
have_parallel=0
if command -v parallel >>ignored.out; then
    have_parallel=1
    parallel --will-cite -j 2 "$CRAMP" batch study --shard {}/4 -j 1 --quiet -o par ::: 0 1 2 3 2>>ignored.err
    "$CRAMP" batch --merge par --quiet 2>>ignored.err
    cmp -s full.tsv par/nights.tsv && cmp -s full.json par/nights.json && ok || bad "GNU parallel + merge differs from the single run"
fi

# ---- inputs: @lists, BIDS roots, skipped recordings ---------------------------------
printf '# three nights\nstudy/sub-01/ses-1/night.edf\n\nstudy/sub-02/ses-1/night.edf\n%s\n' \
    "$WORK/study/sub-04/ses-1/night.edf" >list.txt
run batch @list.txt -o listed -j 2
expect_rc 0 "a list of good nights"
[ "$(wc -l <listed/nights.tsv)" = 4 ] && ok || bad "list: 3 rows"
awk -F'\t' 'NR>1 { print $1 }' listed/nights.tsv | grep -qx "$WORK/study/sub-04/ses-1/night.edf" && ok || bad "list: the absolute path kept"
mkdir -p bids/sub-07/ses-2/eeg bids/derivatives/cramp/sub-07 bids/code
echo '{"Name": "test", "BIDSVersion": "1.8.0"}' >bids/dataset_description.json
cp study/sub-07/ses-1/night.edf bids/sub-07/ses-2/eeg/sub-07_ses-2_task-sleep_emg.edf
cp study/sub-07/ses-1/night.edf bids/derivatives/cramp/sub-07/copy.edf
cp study/sub-07/ses-1/night.edf bids/code/x.edf
run batch bids -o bidsout -j 1
expect_rc 0 "BIDS root"
[ "$(wc -l <bidsout/nights.tsv)" = 2 ] && ok || bad "BIDS: only sub-*/ EDF files ($(wc -l <bidsout/nights.tsv) lines)"
awk -F'\t' 'NR==2 { exit !($2=="07" && $3=="2") }' bidsout/nights.tsv && ok || bad "BIDS subject/session"
[ -f bidsout/sub-07/ses-2/eeg/sub-07_ses-2_task-sleep_emg.detected.tsv ] && ok || bad "BIDS: mirrored outputs"
{ echo "# Sampling Rate (Hz):= 10.00"; echo "# Labels:= resp"; for k in $(seq 1 400); do echo $((k % 7)); done; } >resp.csv
run batch resp.csv -o skipped
expect_rc 0 "a recording with no fast channel"
awk -F'\t' 'NR==2 { exit !($4=="skipped" && $5 ~ /no channel is sampled at 100 Hz/) }' skipped/nights.tsv \
    && ok || bad "skipped status"

# --fatigue: cramp fatigue's table beside the events, as cramp fatigue writes it
run batch study/sub-01/ses-1/night.edf study/sub-13/ses-1/night.edf --fatigue -o fat -j 2
expect_rc 0 "--fatigue"
"$CRAMP" fatigue study/sub-13/ses-1/night.edf --quiet -o fat13.tsv || bad "cramp fatigue"
cmp -s fat13.tsv fat/sub-13/ses-1/night.fatigue.tsv && ok || bad "--fatigue table differs from cramp fatigue's"
grep -q '"fatigue": true' fat/nights.json && grep -q '"fatigue": "sub-01/ses-1/night.fatigue.tsv"' fat/nights.json \
    && ok || bad "nights.json: fatigue setting and output"

# ---- usage ----------------------------------------------------------------------------
run batch --help
expect_rc 0 "--help"
grep -q -- "--merge" out && grep -q "sbatch" out && grep -q "parallel" out && grep -q "nights.tsv" out \
    && ok || bad "--help does not teach merge, Slurm and parallel"
run batch study
expect_rc 2 "no -o"
run batch study -o x --shard 3/3
expect_rc 2 "--shard 3/3"
run batch study -o x --jobs 0
expect_rc 2 "--jobs 0"
mkdir -p twins
cp study/sub-01/ses-1/night.edf twins/a.edf
cp study/sub-01/ses-1/night.edf twins/a.bdf
run batch twins -o twinsout
expect_rc 2 "two recordings with the same outputs"
expect_err "would write the same outputs" "collision message"
run batch --merge nothing-here
expect_rc 1 "merge of a folder without results"

echo "cli_batch: $passed passed, $failed failed"
[ "$failed" -eq 0 ] || exit 1
if [ "$have_parallel" = 0 ]; then
    echo "cli_batch: GNU parallel missing (scripts/setup installs it): its recipe not run" >&2
    exit 77
fi
exit 0
