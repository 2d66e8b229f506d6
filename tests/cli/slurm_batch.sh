#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# scripts/slurm/cramp-batch.sbatch on a real Slurm: the test starts a
# single-node cluster on this machine (Debian's slurm-wlm and munge; its own
# key, sockets, config, state and spool folders under a temporary folder, its
# own ports), submits the job array (3 shards) and the dependent merge job,
# waits (bounded), checks that the merged nights.tsv and nights.json equal a
# single `cramp batch` run's, and shuts the cluster down. Needs root (munged
# --force, slurmd); exits 77 (skipped) when not root or when slurmctld,
# slurmd, sbatch or munged are missing (apt-get install slurm-wlm munge).
# Usage: tests/cli/slurm_batch.sh PATH/TO/cramp REPO_DIR
set -u
CRAMP=${1:?usage: slurm_batch.sh PATH/TO/cramp REPO_DIR}
REPO=${2:?usage: slurm_batch.sh PATH/TO/cramp REPO_DIR}
CRAMP=$(cd "$(dirname "$CRAMP")" && pwd)/$(basename "$CRAMP")
REPO=$(cd "$REPO" && pwd)
if [ "$(id -u)" != 0 ]; then
    echo "slurm_batch: skipped: needs root (slurmd, munged --force)"
    exit 77
fi
for c in slurmctld slurmd sbatch squeue scontrol munged; do
    if [ -z "$(type -P "$c")" ] && [ ! -x "/usr/sbin/$c" ]; then
        echo "slurm_batch: skipped: no $c (apt-get install slurm-wlm munge)"
        exit 77
    fi
done
export PATH=$PATH:/usr/sbin
T=$(mktemp -d "${TMPDIR:-/tmp}/cramp-slurm.XXXXXX")
chmod 755 "$T"
pids=()
cleanup() {
    SLURM_CONF=$T/slurm.conf scontrol shutdown >>"$T/ignored.out" 2>&1
    for p in "${pids[@]}"; do kill "$p" 2>>"$T/ignored.err"; done
    sleep 1
    for p in "${pids[@]}"; do kill -9 "$p" 2>>"$T/ignored.err"; done
    [ -n "${KEEP:-}" ] || rm -rf "$T"
}
trap cleanup EXIT
fail() {
    echo "FAIL: $*" >&2
    for f in "$T"/slurmctld.log "$T"/slurmd.log "$T"/munged.log "$T"/work/cramp-batch-*.out; do
        [ -f "$f" ] && { echo "--- $f" >&2; tail -15 "$f" >&2; }
    done
    exit 1
}

# ---- munge: its own key and socket -------------------------------------------
mkdir -p "$T/munge" "$T/state" "$T/spool" "$T/work"
dd if=/dev/urandom of="$T/munge/munge.key" bs=1024 count=1 status=none
chmod 700 "$T/munge"
chmod 400 "$T/munge/munge.key"
munged --force --foreground --key-file="$T/munge/munge.key" --socket="$T/munge/munge.sock" \
    --pid-file="$T/munge/munged.pid" --log-file="$T/munged.log" --seed-file="$T/munge/seed" \
    >>"$T/ignored.out" 2>&1 &
pids+=($!)
for _ in $(seq 1 50); do [ -S "$T/munge/munge.sock" ] && break; sleep 0.1; done
[ -S "$T/munge/munge.sock" ] || fail "munged did not start"

# ---- slurm: one node, this machine's CPUs and memory ----------------------------
cpus=$(nproc)
mem=$(awk '/MemTotal/ { print int($2 / 1024) - 512 }' /proc/meminfo)
port=$((20000 + RANDOM % 20000))
cat >"$T/slurm.conf" <<EOF
ClusterName=crampci
SlurmctldHost=localhost
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$T/munge/munge.sock
SlurmctldPort=$port
SlurmdPort=$((port + 1))
StateSaveLocation=$T/state
SlurmdSpoolDir=$T/spool
SlurmctldPidFile=$T/slurmctld.pid
SlurmdPidFile=$T/slurmd.pid
SlurmctldLogFile=$T/slurmctld.log
SlurmdLogFile=$T/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
MpiDefault=none
SlurmdTimeout=30
InactiveLimit=0
MinJobAge=300
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF=$T/slurm.conf
slurmctld -D -i -f "$SLURM_CONF" >"$T/slurmctld.out" 2>&1 &
pids+=($!)
slurmd -D -N localhost -f "$SLURM_CONF" >"$T/slurmd.out" 2>&1 &
pids+=($!)
up=0
for _ in $(seq 1 60); do
    if sinfo -h -o '%T' 2>>"$T/ignored.err" | grep -qE '^(idle|mixed|allocated)'; then up=1; break; fi
    sleep 0.5
done
[ "$up" = 1 ] || fail "the cluster did not come up: $(sinfo 2>&1 | tail -2)"

# ---- a small study, and the single run to compare with ---------------------------
cd "$T/work" || exit 1
for i in 1 2 3 4 5 6; do
    mkdir -p "study/sub-0$i"
    "$CRAMP" synth --minutes 1 --fs 1000 --channels 2 --seed "$i" --quiet \
        -o "study/sub-0$i/night.edf" || fail "synth"
done
head -c 4000 study/sub-01/night.edf >study/sub-07-truncated.edf
"$CRAMP" batch study -o single -j 2 --quiet 2>>"$T/ignored.err"
[ -s single/nights.tsv ] || fail "the single run wrote no nights.tsv"

# ---- the recipe of scripts/slurm/cramp-batch.sbatch --------------------------------
export INPUT=study OUTDIR=$T/work/results CRAMP
jid=$(sbatch --parsable --chdir="$T/work" --array=0-2 --export=ALL \
    "$REPO/scripts/slurm/cramp-batch.sbatch") || fail "sbatch (array)"
mid=$(sbatch --parsable --chdir="$T/work" --dependency="afterany:$jid" --export=ALL,MERGE=1 \
    --output=cramp-batch-merge-%j.out \
    "$REPO/scripts/slurm/cramp-batch.sbatch") || fail "sbatch (merge)"
echo "slurm_batch: array job $jid, merge job $mid"
done_=0
for _ in $(seq 1 240); do
    if [ -z "$(squeue -h -j "$jid,$mid" 2>>"$T/ignored.err")" ]; then done_=1; break; fi
    sleep 0.5
done
[ "$done_" = 1 ] || fail "jobs still queued after 120 s: $(squeue 2>&1)"
for k in 0 1 2; do
    [ -f "results/nights.shard-$k-of-3.tsv" ] || fail "task $k wrote no nights.shard-$k-of-3.tsv"
done
cmp -s single/nights.tsv results/nights.tsv || fail "merged nights.tsv differs from the single run's"
cmp -s single/nights.json results/nights.json || fail "merged nights.json differs from the single run's"
grep -q "failed" results/nights.tsv || fail "the truncated recording is not in the merged table"
echo "slurm_batch: 3 shards on Slurm + merge = the single run ($(($(wc -l <results/nights.tsv) - 1)) recordings)"
exit 0
