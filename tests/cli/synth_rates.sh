#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# cramp synth --channel-fs: a night whose channels have their own sampling
# rates (EMG at 2000, 1000 and 500 Hz), read back with cramp info (each
# channel's rate and sample count, the file's size), its ground truth the
# same as the single-rate night's, its full-rate channels detected as the
# single-rate night's, its slower channels low-passed before decimation
# (white noise keeps only the power below the cut-off), detected with a
# cramp found on a 1000-Hz channel; bad values: exit 2, a message naming the
# option, the value and what was expected, and nothing written.
# Usage: tests/cli/synth_rates.sh PATH/TO/cramp
set -u
TESTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CRAMP=${1:?usage: synth_rates.sh PATH/TO/cramp}
# shellcheck source=cli_lib.sh
. "$TESTS_DIR/cli_lib.sh"
cli_workdir synth-rates

run synth --help
grep -q -- "--channel-fs HZ,..." out && grep -q -- "--channel-fs 2000,2000,1000,500 -o" out \
    && ok || bad "--help teaches --channel-fs with an example"

# --- a 4-minute night at 2000, 2000, 1000, 500 Hz -------------------------------
{
    quiet_scenario 4 2000 4 51
    printf 'mains_hz 50\nmains_uv 5\necg_uv 5\n'
    printf 'event cramp 60 40 3\nevent cramp 150 40 1\n'
} >night.scenario
run synth night.scenario --channel-fs 2000,2000,1000,500 -o m.edf
expect_rc 0 "--channel-fs 2000,2000,1000,500"
expect_err "4 channels at 2000, 2000, 1000, 500 Hz" "the rates in the summary"
run synth night.scenario --quiet -o s.edf
expect_rc 0 "the same night at one rate"

# read back: each channel's rate, samples per record and sample count
run info --json m.edf
expect_rc 0 "info m.edf"
records=$(grep -o '"n_records": [0-9]*' out | head -1 | tr -dc 0-9)
[ "$records" = 240 ] && ok || bad "240 records of 1 s, got '$records'"
got=$(grep '"annotation": false' out | sed -E 's/.*"label": "([^"]*)".*"fs_hz": ([0-9.]+).*"samples_per_record": ([0-9]+).*/\1:\2:\3/' |
    awk -F: -v r="$records" '{ printf "%s%s@%s=%d", (NR > 1 ? " " : ""), $1, $2, $3 * r }')
[ "$got" = "L-GAS@2000=480000 L-TA@2000=480000 R-GAS@1000=240000 R-TA@500=120000" ] && ok \
    || bad "channels, rates and sample counts: '$got'"
# the data records are as long as the header says: 5 signals (4 + annotations)
ann_spr=$(grep '"annotation": true' out | grep -o '"samples_per_record": [0-9]*' | tr -dc 0-9)
want=$((256 * 6 + 240 * 2 * (2000 + 2000 + 1000 + 500 + ann_spr)))
[ "$(wc -c <m.edf)" = "$want" ] && ok || bad "m.edf is $(wc -c <m.edf) bytes, header says $want"

# the ground truth does not depend on the rates: the same table and annotations
cmp -s m.events.tsv s.events.tsv && ok || bad "events table differs from the single-rate night's"
"$CRAMP" info --annotations m.edf 2>/dev/null | sed -n '/annotations/,$p' >m.ann
"$CRAMP" info --annotations s.edf 2>/dev/null | sed -n '/annotations/,$p' >s.ann
[ -s m.ann ] && cmp -s m.ann s.ann && ok || bad "EDF annotations differ from the single-rate night's"
# same options, same bytes
run synth night.scenario --channel-fs 2000,2000,1000,500 --quiet -o m2.edf
cmp -s m.edf m2.edf && ok || bad "a second run gives other bytes"

# one rate given per channel is the night without the option, to the byte,
# with a last data record only partly filled (198.6 s) padded as the writer pads
run synth night.scenario --minutes 3.31 --channel-fs 2000,2000,2000,2000 --quiet -o same.edf
run synth night.scenario --minutes 3.31 --quiet -o plain.edf
cmp -s same.edf plain.edf && ok || bad "--channel-fs with one rate differs from the night without it"

# detect runs on it: three rate groups, each cramp found on its channel
run detect m.edf -o m.tsv
expect_rc 0 "detect on the multi-rate night"
expect_err "4 channels in 3 rate groups" "rate groups in the summary"
expect_err "1000 Hz: R-GAS" "the 1000-Hz group"
expect_err "500 Hz: R-TA; band 20-225 Hz (clamped" "the 500-Hz group, band clamped"
awk -F'\t' 'NR > 1 && $3 == "cramp"' m.events.tsv >truth.tsv
awk -F'\t' 'FNR == NR { t[$4] = $1; next }
    FNR > 1 && $3 == "cramp" && ($4 in t) { d = $1 - t[$4]; if (d < 0) d = -d; if (d <= 0.1) found[$4] = 1 }
    END { exit !(found["R-GAS"] && found["L-GAS"]) }' truth.tsv m.tsv \
    && ok || bad "cramps within 0.1 s on R-GAS (1000 Hz) and L-GAS (2000 Hz): $(cut -f1-4 m.tsv)"
[ "$(awk -F'\t' 'NR > 1 && $3 == "cramp"' m.tsv | wc -l)" = 2 ] && ok || bad "two cramp rows: $(cut -f1-4 m.tsv)"
# the 2000-Hz channels are the single-rate night's
run detect m.edf --channels L-GAS,L-TA --quiet -o m2000.tsv
run detect s.edf --channels L-GAS,L-TA --quiet -o s2000.tsv
cmp -s m2000.tsv s2000.tsv && ok || bad "2000-Hz channels differ from the single-rate night's"

# anti-aliasing: white noise (no other source) keeps, at rate f, the share
# of its power below the cut-off 0.4 f out of the simulated band (F / 2 =
# 1000 Hz), so RMS x sqrt(0.4 f / 1000); decimating without the low-pass
# would keep all of it (folded)
{
    printf 'duration_min 1\nfs 2000\nchannels 4\nseed 3\nnoise_uv 20\nmains_uv 0\necg_uv 0\n'
    printf '%s 0\n' cramp_per_hour plm_series_per_hour burst_per_hour movement_per_hour \
        motion_per_hour pop_per_hour clip_per_hour lost_per_hour
} >noise.scenario
run synth noise.scenario --channel-fs 2000,2000,1000,500 --quiet -o noise.edf
expect_rc 0 "noise night"
for ch in L-GAS:2000 R-GAS:1000 R-TA:500; do
    rms=$("$CRAMP" envelope noise.edf --channels "${ch%:*}" --kind rms --window 50 --rate 0.02 \
        --quiet -o - | awk 'NR == 2 { print $2 }')
    awk -v r="$rms" -v f="${ch#*:}" 'BEGIN { w = 20 * sqrt((f < 2000 ? 0.4 * f : 1000) / 1000)
        exit !(r > 0.9 * w && r < 1.05 * w) }' && ok \
        || bad "noise RMS on ${ch%:*} (${ch#*:} Hz) is '$rms' uV, expected about 20 x sqrt(share below the cut-off)"
done

# BDF+ as well
run synth noise.scenario --channel-fs 2000,2000,1000,500 --quiet -o m.bdf
expect_rc 0 "--channel-fs into BDF+"
run info m.bdf
grep -q "BDF+C" out && grep -q "R-TA  *uV  *500 " out && grep -q "R-GAS  *uV  *1000 " out && ok \
    || bad "BDF+ rates: $(cat out)"

# --- bad values: exit 2, the option, value and expectation named, nothing written
bad_rates() {  # VALUE EXPECTED_MESSAGE [OPTIONS...]
    local v=$1 msg=$2
    shift 2
    run synth noise.scenario "$@" --channel-fs "$v" -o x.edf
    expect_rc 2 "--channel-fs $v"
    expect_err "$msg" "--channel-fs $v: message"
    expect_no_file x.edf "--channel-fs $v"
    expect_no_file x.events.tsv "--channel-fs $v: events table"
}
bad_rates 2000,1000,500 "--channel-fs gives 3 rates, but the night has 4 channels; give one rate per channel"
bad_rates 2000,2000,1000,500 "--channel-fs gives 4 rates, but the night has 2 channels" --channels 2
bad_rates 2000,2000,1000,0 "--channel-fs '2000,2000,1000,0': channel 4's rate '0' is not a rate in Hz > 0"
bad_rates 2000,-2000,1000,500 "channel 2's rate '-2000' is not a rate in Hz > 0"
bad_rates 2000,2000,1000,fast "channel 4's rate 'fast' is not a rate in Hz > 0"
bad_rates 2000,,1000,500 "--channel-fs wants one rate in Hz per channel, separated by commas (e.g. 2000,2000,1000,500), not '2000,,1000,500'"
bad_rates 2000,2000,1000, "not '2000,2000,1000,'"
bad_rates 2000,2000,1000,50 "channel 4 at 50 Hz is below 100 Hz, the lowest rate that holds leg EMG"
bad_rates 2000,2000,1000,30000 "channel 4 at 30000 Hz is above 20000 Hz"
bad_rates 2000,2000,1000,300 "--channel-fs: channel 4 at 300 Hz does not divide 2000 Hz, the highest rate, by a whole number"
bad_rates 1000.01,1000.01 "--channel-fs: the rates do not all give a whole number of samples in one EDF data record of 0.1-10 s" --channels 2
bad_rates 2000,2000,1000,500 "--fs 1000 and --channel-fs disagree: the night is simulated at the highest channel rate, 2000 Hz" --fs 1000
# --fs may repeat the highest rate
run synth noise.scenario --fs 2000 --channel-fs 2000,2000,1000,500 --quiet -o ok.edf
expect_rc 0 "--fs equal to the highest --channel-fs rate"

echo "synth_rates: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
