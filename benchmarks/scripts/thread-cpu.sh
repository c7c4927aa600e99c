#!/usr/bin/env bash
# Where the CPU goes under the closed loop, thread by thread, for one server and the load generator
# beside it (docs/BENCHMARKS.md, "Where the two cores go"). For each busy thread of both processes,
# over a window in the middle of each run: CPU in user and kernel mode (utime and stime of
# /proc/PID/task/*/stat) per answer, and, from /proc/PID/task/*/schedstat, the time it ran and the
# time it was runnable but waited for a CPU. Then every thread of the machine that ran in the window
# (kernel threads and other processes included), and their sum against the cores: whether the
# machine was saturated. For a node, the journal's forces in the window too (`journal.sync=batch`).
#
#   SERVER=node|hello|reference benchmarks/scripts/thread-cpu.sh [RUNS] [DURATION_SECONDS] [CONNECTIONS]
#
# Defaults: 2 runs of 20 s (the window is the middle 10 s), 50 connections, the hot-SKU sale of
# http-benchmark.sh (SCENARIO=spread for 10,000 SKUs); JIT_WARMUP s (default 20) of unmeasured load
# first. NODE_ENV="NAME=value ..." gives the node settings of its own (FLASHSALE_JOURNAL_SYNC=batch,
# FLASHSALE_GATEWAY_IO_THREADS=2, ...); NODE_EXTRA_OPTS adds JVM options to the node's. PERF=1 records the
# server with `perf record -g` (999 Hz) over the first run's window into OUT, has the JVM write its JIT
# symbols where perf looks (`jcmd PID Compiler.perfmap`: /tmp/perf-PID.map), and prints how to read it. Needs a JDK
# and `./mvnw -B -q -DskipTests package`. Run nothing else on the machine meanwhile.
set -euo pipefail
RUNS=${1:-2}
DURATION=${2:-20}
CONNECTIONS=${3:-50}
SERVER=${SERVER:-node}
SCENARIO=${SCENARIO:-hot}
CUSTOMERS=${CUSTOMERS:-500000}
PORT=${PORT:-26080}
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
JAR=${JAR:-$ROOT/server/target/flashsale.jar}
WORK=$(mktemp -d /tmp/flashsale-thread-cpu-XXXXXX) # the node's data and the snapshots: removed at the end
OUT=${OUT:-$(mktemp -d /tmp/flashsale-thread-cpu-out-XXXXXX)} # logs (and PERF=1's recording): kept
SRV=
trap '[ -n "$SRV" ] && kill "$SRV" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$WORK"' EXIT

. "$ROOT/benchmarks/scripts/bench-lib.sh"
[ -f "$JAR" ] || { echo "no $JAR: run ./mvnw -B -q -DskipTests package first" >&2; exit 1; }
if [ "${PERF:-0}" = 1 ] && ! command -v perf > /dev/null; then echo "PERF=1 needs perf (linux-perf)" >&2; exit 1; fi
[ "$DURATION" -ge 12 ] || { echo "DURATION must be at least 12 s (the window is its middle 10 s)" >&2; exit 1; }
mkdir -p "$OUT"
write_credentials "$WORK/credentials"
export_benchmark_sale "$CUSTOMERS" "$WORK/credentials"
SALE=(--scenario "$SCENARIO" --stock 1000000000 --limit 1000000 --customers "$CUSTOMERS" --hold-seconds 5
  --connections "$CONNECTIONS")
[ "$SCENARIO" = spread ] && SALE+=(--skus 10000)

case $SERVER in
  node)
    # NODE_ENV's words are NAME=value settings for the node only.
    # shellcheck disable=SC2086
    env ${NODE_ENV:-} java $NODE_JAVA_OPTS ${NODE_EXTRA_OPTS:-} -jar "$JAR" run --data-dir "$WORK/data" --port "$PORT" \
      > "$OUT/server.log" 2>&1 &
    SRV=$!
    wait_for "http://127.0.0.1:$PORT/health/ready"
    until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/health/ready")" = 200 ]; do sleep 0.5; done ;;
  hello)
    java $BASELINE_JAVA_OPTS -jar "$JAR" hello --port "$PORT" > "$OUT/server.log" 2>&1 &
    SRV=$!
    SALE=(--scenario hello --connections "$CONNECTIONS")
    wait_for "http://127.0.0.1:$PORT/" ;;
  reference)
    java $BASELINE_JAVA_OPTS -jar "$JAR" reference --port "$PORT" --retention-seconds 10 > "$OUT/server.log" 2>&1 &
    SRV=$!
    wait_for "http://127.0.0.1:$PORT/" ;;
  *) echo "SERVER is node, hello or reference" >&2; exit 1 ;;
esac
echo "== $(date -u +%FT%TZ) on $(nproc) cores: $SERVER${NODE_ENV:+ ($NODE_ENV)}, $SCENARIO, $CONNECTIONS connections," \
  "$RUNS runs of $DURATION s after ${JIT_WARMUP:-20} s of warm-up; figures over the middle 10 s of each run"
jit_warmup_runs "$JAR" "$PORT" "${JIT_WARMUP:-20}" "${SALE[@]}" --sku-prefix W-

# threads PID: "comm#tid utime stime" per thread, in clock ticks.
threads() {
  local t
  for t in /proc/"$1"/task/*; do
    awk -v tid="${t##*/}" '{ c = $0; sub(/^[^(]*\(/, "", c); sub(/\) .*/, "", c); gsub(/ /, "_", c)
      r = $0; sub(/.*\) /, "", r); split(r, f, " "); print c "#" tid, f[12], f[13] }' "$t/stat" 2>/dev/null || true
  done
}
# sched PID|all: "comm#tid run_ns wait_ns" per thread, of one process or of every process.
sched() {
  local t comm run wait rest pattern=/proc/$1/task/*
  [ "$1" = all ] && pattern='/proc/[0-9]*/task/[0-9]*'
  for t in $pattern; do # builtins only: a fork per thread would stretch the window
    { read -r comm < "$t/comm" && read -r run wait rest < "$t/schedstat"; } 2>/dev/null || continue
    echo "${comm// /_}#${t##*/} $run $wait"
  done
}
# forces: "forces seconds" of the node's journal so far (none without journal.sync=batch).
forces() {
  curl -s "http://127.0.0.1:$PORT/metrics" | awk '/^flashsale_journal_forces_total / { f = $2 }
    /^flashsale_journal_force_seconds_total / { s = $2 } END { print f + 0, s + 0 }'
}
snapshot() {
  date +%s.%N > "$WORK/t$1"
  threads "$SRV" > "$WORK/s$1"; threads "$LG" > "$WORK/l$1"
  sched "$SRV" > "$WORK/ss$1"; sched "$LG" > "$WORK/sl$1"; sched all > "$WORK/sa$1"
  if [ "$SERVER" = node ]; then forces > "$WORK/f$1"; fi
}

for run in $(seq 1 "$RUNS"); do
  java $LOADGEN_JAVA_OPTS -jar "$JAR" loadgen --port "$PORT" --duration "$DURATION" --warmup 0 "${SALE[@]}" \
    --sku-prefix "R$run-" > "$OUT/loadgen-$run.out" 2>&1 &
  LG=$!
  sleep $(((DURATION - 10) / 2))
  snapshot 0
  if [ "${PERF:-0}" = 1 ] && [ "$run" = 1 ]; then
    perf record -F 999 -g -p "$SRV" -o "$OUT/server.perf" -- sleep 10 > /dev/null 2>&1
  else
    sleep 10
  fi
  snapshot 1
  wait "$LG"
  rate=$(awk '/achieved/ { v = $2; gsub(/,/, "", v); print v }' \
    "$OUT/loadgen-$run.out")
  [ -n "$rate" ] || { echo "the load generator reported no rate: $OUT/loadgen-$run.out" >&2; exit 1; }
  seconds=$(echo "$(cat "$WORK/t1") - $(cat "$WORK/t0")" | bc)
  answers=$(echo "$rate * $seconds" | bc)
  echo "-- run $run: $(grep achieved "$OUT/loadgen-$run.out" | sed 's/^ *//')"
  for who in server:s loadgen:l; do
    # CPU per thread name (digits of pool threads folded), cores and us per answer, user/kernel.
    awk -v who="${who%%:*}" -v secs="$seconds" -v answers="$answers" -v hz="$(getconf CLK_TCK)" '
      FNR == NR { u[$1] = $2; k[$1] = $3; next }
      ($1 in u) { du = $2 - u[$1]; dk = $3 - k[$1]; n = $1; sub(/#.*/, "", n); sub(/[0-9]+$/, "", n)
                  U[n] += du; K[n] += dk; TU += du; TK += dk }
      END { printf "   %-7s %.2f cores, %.2f us per answer (user %.2f, kernel %.2f)", who, (TU + TK) / hz / secs,
              (TU + TK) / hz * 1e6 / answers, TU / hz * 1e6 / answers, TK / hz * 1e6 / answers
            for (n in U) if ((U[n] + K[n]) / hz / secs >= 0.01)
              printf "; %s %.2f/%.2f", n, U[n] / hz * 1e6 / answers, K[n] / hz * 1e6 / answers
            print "" }' "$WORK/${who#*:}0" "$WORK/${who#*:}1"
  done
  for who in server:ss loadgen:sl; do
    awk -v who="${who%%:*}" 'FNR == NR { r[$1] = $2; w[$1] = $3; next }
      ($1 in r) && $2 - r[$1] > 1e8 { printf "   %-7s %-26s on a CPU %5.2f s, waiting for one %5.2f s\n", who, $1,
        ($2 - r[$1]) / 1e9, ($3 - w[$1]) / 1e9 }' "$WORK/${who#*:}0" "$WORK/${who#*:}1"
  done
  awk -v secs="$seconds" -v cores="$(nproc)" 'FNR == NR { r[$1] = $2; next }
    ($1 in r) { d = ($2 - r[$1]) / 1e9; if (d > 0) { total += d; if (d >= 0.05) list = list sprintf(" %s %.2f;", $1, d) } }
    END { printf "   machine: threads on a CPU %.2f s of %.2f s (%.0f %%); over 0.05 s:%s\n", total, cores * secs,
            100 * total / cores / secs, list }' "$WORK/sa0" "$WORK/sa1"
  if [ "$SERVER" = node ]; then
    read -r f0 s0 < "$WORK/f0"; read -r f1 s1 < "$WORK/f1"
    if [ "$f1" != "$f0" ]; then
      awk -v f="$((f1 - f0))" -v s="$(echo "$s1 - $s0" | bc)" -v secs="$seconds" -v answers="$answers" \
        'BEGIN { printf "   journal: %.0f forces/s, %.3f ms each, %.1f answers per force\n", f / secs, s / f * 1e3, answers / f }'
    fi
  fi
done
echo "== logs in $OUT"
if [ "${PERF:-0}" = 1 ]; then
  jcmd "$SRV" Compiler.perfmap > /dev/null
  echo "== perf: $OUT/server.perf (JIT symbols in /tmp/perf-$SRV.map); for example"
  echo "   perf report -i $OUT/server.perf --no-children --sort comm -g none"
  echo "   perf report -i $OUT/server.perf --no-children --comm <thread> --sort sym -g none"
  echo "   perf report -i $OUT/server.perf --children --comm <thread> --sort sym -g none | grep __x64_sys"
fi
