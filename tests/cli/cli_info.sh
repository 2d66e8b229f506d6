#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# cramp info as a user runs it: text and --json (parsed by Python's json
# module) for WAVs made here and, when ../shared/data is there, for real EDF,
# BDF and WAV files; errors name their file, the other files are still
# described, and the exit status says whether any failed.
# Usage: tests/cli/cli_info.sh PATH/TO/cramp [SHARED_DATA_DIR]
set -u
TESTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

CRAMP=${1:?usage: cli_info.sh PATH/TO/cramp [SHARED_DATA_DIR]}
DATA=${2:-}
PY=/usr/bin/python3
# shellcheck source=cli_lib.sh
. "$TESTS_DIR/cli_lib.sh"
cli_workdir info
expect_out() { if grep -qF -- "$1" out; then ok; else bad "$2: stdout lacks '$1'"; fi; }
# py EXPR: evaluates a Python expression over the parsed JSON on stdout (j);
# true when it is true.
py() {
    "$PY" -c 'import json, sys
j = json.load(open("out"))
sys.exit(0 if eval(sys.argv[1]) else 1)' "$1"
}
expect_py() { if py "$1"; then ok; else bad "$2: $1"; fi; }

# ---- inputs made here -----------------------------------------------------
run filter --quiet --synthetic 2.5 --fs 1000 --channels 3 -o syn.wav
expect_rc 0 "make a WAV"
run filter --quiet --synthetic 1 --fs 2000 --channels 1 -o "name with \"quotes\" and spaces.w64"
expect_rc 0 "make a W64 with an awkward name"
: >empty.wav
mkdir adir
echo "plain text" >text.wav

run help info
expect_rc 0 "cramp help info"
if head -1 out | grep -q '^Usage: cramp info '; then ok; else bad "help starts with its usage"; fi

run info
expect_rc 2 "info without a file"
run info --bogus syn.wav
expect_rc 2 "info with an unknown option"

run info syn.wav
expect_rc 0 "info of a WAV"
expect_out "format       WAV" "format line"
expect_out "duration     2.5 s" "duration line"
expect_out "channels     3" "channel count"
expect_out "annotations  0" "annotation count"
if grep -Eq '^ +3  ch3 +FS +1000  -1 \.\. 1 FS' out; then ok; else bad "channel line: $(grep ch3 out)"; fi
expect_out "full-scale fractions" "the FS warning is printed"

run info --full-scale-uv 2000 syn.wav
expect_rc 0 "info with a full scale"
if grep -Eq '^ +1  ch1 +FS -> uV +1000' out; then ok; else bad "unit FS -> uV: $(grep ch1 out)"; fi

run info --json syn.wav
expect_rc 0 "info --json of one file"
expect_py 'isinstance(j, dict) and j["format"] == "WAV" and len(j["channels"]) == 3' "one object"
expect_py 'j["duration_s"] == 2.5 and j["channels"][2]["fs_hz"] == 1000 and j["channels"][2]["label"] == "ch3"' "duration, rate, label"
expect_py 'j["channels"][0]["unit"] == "FS" and j["start"] is None and j["annotation_count"] == 0' "unit, start, annotations"
expect_py 'any("full-scale fractions" in w for w in j["warnings"])' "warnings in JSON"

run info --json syn.wav "name with \"quotes\" and spaces.w64"
expect_rc 0 "info --json of two files"
expect_py 'isinstance(j, list) and len(j) == 2' "an array for several files"
expect_py 'j[1]["file"] == "name with \"quotes\" and spaces.w64" and j[1]["channels"][0]["fs_hz"] == 2000' "escaped file name"
expect_py '"W64" in j[1]["recording"]' "the container is named"

# ---- errors: named, the others still described, exit 1 ---------------------
run info syn.wav no-such.wav empty.wav adir text.wav "name with \"quotes\" and spaces.w64"
expect_rc 1 "a mix of good and bad files"
expect_err "no-such.wav" "missing file named"
expect_err "empty.wav" "empty file named"
expect_err "adir: is a directory" "directory named"
expect_err "text.wav" "non-recording named"
if [ "$(grep -c '^cramp info: ' err)" -eq 4 ]; then ok; else bad "four error lines"; fi
if [ "$(grep -c '^  format ' out)" -eq 2 ]; then ok; else bad "both good files described"; fi

run info --json no-such.wav syn.wav empty.wav
expect_rc 1 "--json with failures"
expect_py 'len(j) == 3 and "error" in j[0] and "no-such.wav" in j[0]["error"] and j[1]["format"] == "WAV" and "error" in j[2]' "error objects keep their place"

# A truncated WAV: the field and what was expected.
size=$(stat -c %s syn.wav)
head -c $((size - 100)) syn.wav >cut.wav
run info cut.wav
expect_rc 1 "truncated WAV"
expect_err "cut.wav: truncated: the data chunk declares" "truncation names the field"

# ---- channel selection and units in filter/envelope (through cramp_recording) --
run filter --quiet --channels ch3,1 --lowpass 100 syn.wav -o two.wav
expect_rc 0 "filter --channels by label and index"
run info --json two.wav
expect_py 'len(j["channels"]) == 2' "two channels chosen"
run envelope --quiet --channels ch2 --full-scale-uv 1000 syn.wav -o env.tsv
expect_rc 0 "envelope of one channel in uV"
if [ "$(head -1 env.tsv)" = "$(printf 'time_s\tch2 [uV]')" ]; then ok; else bad "envelope header: $(head -1 env.tsv)"; fi
run envelope --channels ch1 --full-scale-uv 1000 syn.wav -o env1000.tsv
expect_err "values in uV" "the summary gives the unit"
run envelope --quiet --channels ch1 syn.wav -o envfs.tsv
# The same channel in uV (full scale 1000 uV) is 1000 times its FS value.
if awk -F'\t' 'NR == FNR { if (FNR > 1) a[FNR] = $2; next }
        FNR > 1 { if (a[FNR] == 0 || $2 / a[FNR] < 999.99 || $2 / a[FNR] > 1000.01) exit 1; n++ }
        END { exit n < 10 }' envfs.tsv env1000.tsv; then ok; else bad "--full-scale-uv scales the values"; fi
run envelope --channels ch9 syn.wav -o x.tsv
expect_rc 1 "a channel the file does not have"
expect_err "'syn.wav' has no channel 'ch9'" "the missing channel is named"
run envelope --channels 'ch1,,ch2' syn.wav -o x.tsv
expect_rc 2 "an empty item in --channels"
run info --full-scale-uv -3 syn.wav
expect_rc 2 "a negative full scale"

# ---- text and WFDB (made here) -------------------------------------------------
printf '1\n2\n3\n4\n' >one.csv
run info one.csv
expect_rc 1 "a CSV without a rate"
expect_err "one.csv: the file does not state its sampling rate" "the missing rate is named"
run info --fs 2 one.csv
expect_rc 0 "--fs for a CSV"
expect_out "format       text" "text format"
expect_out "duration     2 s" "4 rows at 2 Hz"
expect_out "1 column separated" "one column, singular"
run info --fs 0 one.csv
expect_rc 2 "--fs 0"
printf 'time,EMG (mV)\n0,0.5\n1,x\n' >bad.csv
run info --fs 1 bad.csv
expect_rc 1 "a CSV with a word in the data"
expect_err "bad.csv: line 3, field 2: 'x'" "file, line and field named"
printf 'a,b\n1,2\n' >two.csv
run info --json --fs 1000 --unit mV two.csv
expect_rc 0 "--unit"
expect_py 'j["format"] == "text" and j["channels"][1]["label"] == "b" and j["channels"][1]["unit"] == "uV" and j["channels"][1]["file_unit"] == "mV" and j["channels"][1]["fs_hz"] == 1000' "labels, unit and rate"
printf 'rec 2 500 2\nrec.dat 16 200/mV 16 0 0 0 0 L\nrec.dat 16 200/mV 16 0 0 0 0 R\n' >rec.hea
printf '\001\000\002\000\003\000\004\000' >rec.dat
run info --json rec.hea
expect_rc 0 "a WFDB record"
expect_py 'j["format"] == "WFDB" and [c["label"] for c in j["channels"]] == ["L", "R"] and j["duration_s"] == 0.004 and j["channels"][0]["unit"] == "uV"' "WFDB header"
head -c 6 rec.dat >cut.dat
sed 's/rec.dat/cut.dat/' rec.hea >cut.hea
run info cut.hea
expect_rc 1 "a truncated WFDB record"
expect_err "cut.hea: truncated" "the record is named"

# ---- real files (skipped without ../shared/data) ----------------------------
if [ -n "$DATA" ] && [ -d "$DATA/edf" ]; then
    mapfile -t edfs < <(find "$DATA/edf" -type f \( -iname '*.edf' -o -iname '*.bdf' \) | sort)
    mapfile -t wavs < <(find "$DATA/wav" -type f -name '*.wav' | sort)
    run info --json --annotations "${edfs[@]}" "${wavs[@]}"
    # Some shared files are malformed on purpose; every file still gets an entry.
    if [ "$rc" -eq 0 ] || [ "$rc" -eq 1 ]; then ok; else bad "info over the shared files: exit $rc"; fi
    n=$((${#edfs[@]} + ${#wavs[@]}))
    expect_py "isinstance(j, list) and len(j) == $n" "one JSON entry per shared file ($n)"
    expect_py 'all(("error" in e) or (e["duration_s"] >= 0 and all(c["fs_hz"] > 0 for c in e["channels"] if not c["annotation"])) for e in j)' "every entry is an error or a plausible header"
    nerr=$(grep -c '^cramp info: ' err)
    if py "sum(1 for e in j if 'error' in e) == $nerr"; then ok; else bad "error entries match the $nerr messages"; fi
    if [ "$nerr" -gt 0 ]; then [ "$rc" -eq 1 ] && ok || bad "failures give exit 1"; else [ "$rc" -eq 0 ] && ok || bad "no failures, exit 0"; fi
    f="$DATA/edf/mne-python/test_uneven_samp.edf"
    if [ -f "$f" ]; then
        run info --json "$f"
        if [ "$rc" -eq 0 ]; then
            # MANIFEST: plain EDF, 11 records of 10 s, signals at 100 and 12.8 Hz.
            expect_py 'j["format"] == "EDF" and j["n_records"] == 11 and j["record_duration_s"] == 10' "test_uneven_samp: records"
            expect_py 'sorted(c["fs_hz"] for c in j["channels"]) == [12.8, 100.0]' "test_uneven_samp: rates"
            run info "$f"
            expect_out "records      11 x 10 s" "text: records line"
        else
            echo "cli_info: $f not read (EDF reader not there yet?): $(head -1 err)"
        fi
    fi
    u="$DATA/edf/mne-python/test_uneven_samp.edf"
    if [ -f "$u" ] && "$CRAMP" info "$u" >/dev/null 2>&1; then
        run filter --lowpass 5 "$u" -o uneven.wav
        expect_rc 1 "filter of a file with two rates"
        expect_err "several sampling rates" "the rate groups are named"
        if [ -e uneven.wav ]; then bad "no output after the rate error"; else ok; fi
        run filter --channels 1 --lowpass 20 "$u" -o uneven.wav
        expect_rc 0 "filter of one rate group"
        expect_err "at 100 Hz" "the group's rate"
        expect_err "values in uV" "EDF volts are read as microvolts"
        run envelope --channels 1,2 "$u" -o x.tsv
        expect_rc 1 "channels of two rates"
        expect_err "differ in sampling rate" "two rates named"
        run envelope --full-scale-uv 10 "$u" -o x.tsv
        expect_rc 1 "--full-scale-uv on an EDF"
    fi
    # JSON counts records from 1, as the text does (MANIFEST: records at 0,2,4,... s)
    f="$DATA/edf/edfReader/edfPlusD.edf"
    if [ -f "$f" ]; then
        run info --json "$f"
        expect_py 'j["segments"][0]["first_record"] == 1 and j["segments"][1]["first_record"] == 2' "edfPlusD: 1-based first_record"
        run info "$f"
        expect_out "records 1-1" "edfPlusD: text counts from 1 too"
    fi
    if [ -d "$DATA/emg" ]; then
        run info "$DATA/emg/biosppy_emg.txt" "$DATA/emg/physionet_emgdb/emg_healthy.hea"
        expect_rc 0 "BioSPPy text and a PhysioNet record"
        expect_out "format       WFDB" "the WFDB record is described"
        if grep -Eq '^ +1  EMG +- +1000 ' out; then ok; else bad "BioSPPy rate and label: $(grep EMG out | head -2)"; fi
        run info --fs 200 --json "$DATA/emg/libemg_emg_data_myo.csv"
        expect_py 'len(j["channels"]) == 8 and j["duration_s"] == 2.5' "LibEMG CSV: 8 columns, 500 rows"
    fi
    w="$DATA/wav/kmiddleton_pulse_1.wav"
    if [ -f "$w" ]; then
        run info --json "$w"
        expect_py 'j["channels"][0]["fs_hz"] == 44100 and abs(j["duration_s"] - 94208 / 44100) < 1e-12' "pulse_1: rate and length"
    fi
else
    echo "cli_info: no shared data at '${DATA:-<not given>}': real-file checks skipped"
fi

echo "cli_info: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
