#!/usr/bin/env bash
# The HTTP benchmark of docs/BENCHMARKS.md, side by side in one run on this machine:
#   1. `flashsale hello`, a plain Netty hello world: the ceiling (closed loop), and open loop at half
#      of its median closed-loop rate: the latency floor;
#   2. `flashsale reference`, the in-memory reservation server (a map under a lock, no journal);
#   3. `flashsale run` with journal.sync=none;
#   4. `flashsale run` with journal.sync=batch (FLASHSALE_JOURNAL_SYNC=batch);
# servers 2 to 4 under `flashsale loadgen` hot (one SKU) and spread ($SKUS SKUs), closed loop; the
# sync=none node also open loop at half of the hello world's median closed-loop rate and at a fixed
# LOW_RATE. Each measurement runs RUNS times and the summary takes medians. For every loadgen run the
# server's CPU in the measured window (after the warm-up) is printed, as cores and as answers per
# server core-second, and for the first run of each scenario its busiest threads. If `wrk` is on the
# PATH, each server is cross-checked with it (benchmarks/scripts/reserve.lua for the reserve path).
# Needs `./mvnw -B -q -DskipTests package` first.
#
#   benchmarks/scripts/http-benchmark.sh [RUNS] [DURATION_SECONDS] [CONNECTIONS]
#
# Every loadgen run writes an HdrHistogram interval log (.hlog) into OUT (default
# benchmarks/results/http-<date>); at the end `flashsale plot` draws the closed-loop runs of each
# scenario side by side and the open-loop runs (percentile distribution and latency over time, SVG).
#
# Environment: WARMUP (s, default 10), JIT_WARMUP (unmeasured load before each server's first
# measurement, s, default 30; 0 skips it), JIT_WARMUP_CYCLES (the load generators it is split into,
# default 3), SKUS (spread, default 10000), CUSTOMERS (default 500000),
# LOW_RATE (default 5000; 0 skips it), REFERENCE_IO_THREADS (default 2), WRK=0 skips wrk, OUT,
# NODE_JAR (the flashsale.jar whose `run` is measured, default this build's: compare two builds of
# the node against the same hello world, reference server and load generator); the JVM options of
# the node, the baselines and the load generator: NODE_JAVA_OPTS, BASELINE_JAVA_OPTS, LOADGEN_JAVA_OPTS
# (bench-lib.sh; every server's heap and the load generator's are fixed and touched before they start).
# Extra node configuration comes from FLASHSALE_* variables, as for `flashsale run`.
set -euo pipefail
RUNS=${1:-3}
DURATION=${2:-10}
CONNECTIONS=${3:-50}
WARMUP=${WARMUP:-10}
SKUS=${SKUS:-10000}
CUSTOMERS=${CUSTOMERS:-500000}
LOW_RATE=${LOW_RATE:-5000}
REFERENCE_IO_THREADS=${REFERENCE_IO_THREADS:-2}
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
JAR="$ROOT/server/target/flashsale.jar"
NODE_JAR=${NODE_JAR:-$JAR}
WORK=$(mktemp -d /tmp/flashsale-http-bench-XXXXXX)
NODE_PORT=18080
HELLO_PORT=18081
REFERENCE_PORT=18082
CLK_TCK=$(getconf CLK_TCK)
OUT=${OUT:-$ROOT/benchmarks/results/http-$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$OUT"
trap 'kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$WORK"' EXIT

. "$ROOT/benchmarks/scripts/bench-lib.sh"

# loadgen PID PORT [options...]: runs the load generator against a server process; prints its report, the server's CPU line, and
# its busiest threads when THREADS=1; writes its interval log to $OUT/$HLOG.hlog when HLOG is set. Sets LAST_RATE,
# LAST_CORES, LAST_PER_CORE.
loadgen() {
  local pid=$1 port=$2 out hlog=()
  shift 2
  [ -n "${HLOG:-}" ] && hlog=(--hlog "$OUT/$HLOG.hlog")
  out=$(java $LOADGEN_JAVA_OPTS -jar "$JAR" loadgen --port "$port" --duration "$DURATION" --warmup "$WARMUP" --connections "$CONNECTIONS" \
    --server-pid "$pid" "${hlog[@]}" "$@")
  echo "$out" | grep -E "loadgen:|mode|achieved|latency|sent late|answers|errors|server cpu|^ {16}" | sed 's/^/    /'
  if [ "${THREADS:-0}" = 1 ]; then echo "$out" | awk '/cpu threads/ { print "    " $0 }'; fi
  if echo "$out" | grep -oE " [45][0-9][0-9] x" | grep -qv " 409 x"; then
    echo "    WARNING: answers other than 2xx and 409: a limit or a capacity was reached, this run does not measure the sale" >&2
  fi
  LAST_RATE=$(echo "$out" | awk '/achieved/ { gsub(/,/, "", $2); print $2 }')
  LAST_CORES=$(echo "$out" | awk '/server cpu/ { print $3 }')
  LAST_PER_CORE=$(echo "$out" | awk '/server cpu/ { for (i = 1; i < NF; i++) if ($(i + 1) == "answers") { gsub(/,/, "", $i); print $i } }')
}

declare -A RATE CORES PER_CORE

# jit_warmup PID PORT [loadgen options...]: JIT_WARMUP s (default 30) of unmeasured load before a
# server's first measurement, in JIT_WARMUP_CYCLES load generators (bench-lib.sh): on two cores shared
# with the load generator, the JIT compiler takes a third of a core for tens of seconds after start,
# and a node (more code than the hello world) would otherwise be measured half-compiled.
jit_warmup() {
  local port=$2
  shift 2
  jit_warmup_runs "$JAR" "$port" "${JIT_WARMUP:-30}" --connections "$CONNECTIONS" "$@"
}

# measure NAME PID PORT SCENARIO [loadgen options...]: RUNS closed-loop runs, medians kept for the summary.
measure() {
  local name=$1 pid=$2 port=$3 scenario=$4 rates=() cores=() per_core=() run prefix=()
  shift 4
  echo "== $name, $scenario, closed loop"
  for run in $(seq 1 "$RUNS"); do
    [ "$scenario" = hello ] || prefix=(--sku-prefix "R$run-")
    HLOG="$name-$scenario-$run" THREADS=$([ "$run" = 1 ] && echo 1 || echo 0) loadgen "$pid" "$port" --scenario "$scenario" \
      "$@" "${prefix[@]}"
    rates+=("$LAST_RATE"); cores+=("${LAST_CORES:-0}"); per_core+=("${LAST_PER_CORE:-0}")
  done
  RATE[$name/$scenario]=$(median "${rates[@]}")
  CORES[$name/$scenario]=$(median "${cores[@]}")
  PER_CORE[$name/$scenario]=$(median "${per_core[@]}")
}

# wrk_check NAME PID SCENARIO: one wrk run for DURATION s (no warm-up of its own: the loadgen runs
# warmed the server); the server's CPU is sampled around the whole wrk call.
wrk_check() {
  local name=$1 pid=$2 scenario=$3 t0 t1 s0 s1 out args=()
  [ "${WRK:-1}" = 1 ] && command -v wrk > /dev/null || return 0
  if [ "$scenario" = hello ]; then
    args=("http://127.0.0.1:$HELLO_PORT/")
  else
    args=(-s "$ROOT/benchmarks/scripts/reserve.lua" "http://127.0.0.1:$4")
  fi
  t0=$(cpu_ticks "$pid"); s0=$(date +%s.%N)
  out=$(WRK_SKUS=$([ "$scenario" = spread ] && echo "$SKUS" || echo 0) WRK_SKU_PREFIX=R1- \
    WRK_KEY_PREFIX="wrk-$name-$scenario-$$" wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency "${args[@]}")
  t1=$(cpu_ticks "$pid"); s1=$(date +%s.%N)
  echo "$out" | awk -v name="$name" -v scenario="$scenario" -v ticks=$((t1 - t0)) -v hz="$CLK_TCK" -v s0="$s0" -v s1="$s1" '
    /Requests\/sec:/ { rps = $2 }
    /^ +50%/ { p50 = $2 } /^ +99%/ { p99 = $2 }
    /Non-2xx/ { non2xx = $NF }
    /Socket errors/ { errors = $0; sub(/^ +/, "", errors) }
    END {
      cores = ticks / hz / (s1 - s0)
      per_core = (cores > 0) ? rps / cores : 0
      if (non2xx == "") non2xx = 0
      if (errors != "") errors = " (" errors ")"
      printf "    wrk %s %s: %s requests/s, p50 %s, p99 %s, non-2xx %s%s; server %.2f cores over the wrk call, %.0f requests per server core-second\n",
        name, scenario, rps, p50, p99, non2xx, errors, cores, per_core
      # the sale has a billion units: any refusal means a limit or a capacity, not the sale
      if (non2xx > 0) print "    WARNING: wrk got answers other than 2xx: a limit or a capacity was reached, this run does not measure the sale"
    }'
}

echo "== $(date -u +%FT%TZ) on $(nproc) cores: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "== runs: $RUNS x ${DURATION} s measured after ${WARMUP} s of warm-up, $CONNECTIONS connections; spread over $SKUS SKUs"
echo "== JVM options: node $NODE_JAVA_OPTS; hello and reference $BASELINE_JAVA_OPTS; load generator $LOADGEN_JAVA_OPTS"

# One set of credentials for every server and for wrk.
write_credentials "$WORK/credentials"
if [ "${WRK:-1}" = 1 ] && command -v wrk > /dev/null; then
  java -jar "$JAR" token --data-dir "$WORK/credentials" --customers "1..$CUSTOMERS" --ttl-seconds 86400 --out "$WORK/tokens.txt"
  export WRK_API_KEY=$LOADGEN_API_KEY WRK_TOKENS=$WORK/tokens.txt
  echo "== wrk cross-check on: $(wrk --version 2>&1 | head -1), $CUSTOMERS customer tokens"
else
  echo "== wrk not on the PATH (Debian package wrk) or WRK=0: no cross-check"
fi
# Stock that outlasts the run, $CUSTOMERS shoppers, holds of 5 s.
SALE="--stock 1000000000 --limit 1000000 --customers $CUSTOMERS --hold-seconds 5"

echo "== flashsale hello"
java $BASELINE_JAVA_OPTS -jar "$JAR" hello --port $HELLO_PORT > "$WORK/hello.log" 2>&1 &
HELLO=$!
wait_for "http://127.0.0.1:$HELLO_PORT/"
jit_warmup $HELLO $HELLO_PORT --scenario hello
measure hello $HELLO $HELLO_PORT hello
HELLO_HALF=$(awk -v r="${RATE[hello/hello]}" 'BEGIN { printf "%d", r / 2 }')
echo "== hello, open loop at half of its median closed-loop rate ($HELLO_HALF/s)"
for run in $(seq 1 "$RUNS"); do HLOG="hello-open-$run" loadgen $HELLO $HELLO_PORT --scenario hello --rate "$HELLO_HALF"; done
wrk_check hello $HELLO hello
kill $HELLO 2>/dev/null || { echo "the hello server had stopped:"; cat "$WORK/hello.log"; }; wait $HELLO 2>/dev/null || true

echo "== flashsale reference ($REFERENCE_IO_THREADS event loops, no journal; API keys and token signatures not checked)"
java $BASELINE_JAVA_OPTS -jar "$JAR" reference --port $REFERENCE_PORT --io-threads "$REFERENCE_IO_THREADS" --retention-seconds 10 \
  > "$WORK/reference.log" 2>&1 &
REFERENCE=$!
wait_for "http://127.0.0.1:$REFERENCE_PORT/"
jit_warmup $REFERENCE $REFERENCE_PORT --scenario spread $SALE --skus "$SKUS" --sku-prefix W-
measure reference $REFERENCE $REFERENCE_PORT hot $SALE
measure reference $REFERENCE $REFERENCE_PORT spread $SALE --skus "$SKUS"
wrk_check reference $REFERENCE hot $REFERENCE_PORT
wrk_check reference $REFERENCE spread $REFERENCE_PORT
kill $REFERENCE 2>/dev/null || { echo "the reference server had stopped:"; cat "$WORK/reference.log"; }
wait $REFERENCE 2>/dev/null || true

export_benchmark_sale "$CUSTOMERS" "$WORK/credentials" # bench-lib.sh: the sale's node settings

for sync in none batch; do
  name=node-$sync
  echo "== flashsale run, journal.sync=$sync"
  FLASHSALE_JOURNAL_SYNC=$sync java $NODE_JAVA_OPTS -Xlog:gc:file="$OUT/$name-gc.log":uptime -jar "$NODE_JAR" run --data-dir "$WORK/data-$sync" --port $NODE_PORT > "$WORK/$name.log" 2>&1 &
  NODE=$!
  wait_for "http://127.0.0.1:$NODE_PORT/health/ready"
  jit_warmup $NODE $NODE_PORT --scenario spread $SALE --skus "$SKUS" --sku-prefix W-
  measure "$name" $NODE $NODE_PORT hot $SALE
  measure "$name" $NODE $NODE_PORT spread $SALE --skus "$SKUS"
  if [ "$sync" = none ]; then
    # the fixed low rate first: after the half rate, which the node may not sustain, it would measure the
    # node (its projections and snapshotter) catching up on the backlog
    if [ "$LOW_RATE" -gt 0 ]; then
      echo "== $name, open loop at a fixed $LOW_RATE/s"
      for run in $(seq 1 "$RUNS"); do
        HLOG="$name-low-$run" loadgen $NODE $NODE_PORT --scenario hot --rate "$LOW_RATE" $SALE --sku-prefix "L$run-"
      done
    fi
    echo "== $name, open loop at half of the hello world's median closed-loop rate ($HELLO_HALF/s)"
    for run in $(seq 1 "$RUNS"); do
      HLOG="$name-open-$run" loadgen $NODE $NODE_PORT --scenario hot --rate "$HELLO_HALF" $SALE --sku-prefix "H$run-"
    done
  fi
  wrk_check "$name" $NODE hot $NODE_PORT
  wrk_check "$name" $NODE spread $NODE_PORT
  if [ "$sync" = batch ]; then
    # what bounds a forced journal: every request of a batch waits for its force
    curl -s "http://127.0.0.1:$NODE_PORT/metrics" | awk '
      $1 == "flashsale_journal_forces_total" { n = $2 } $1 == "flashsale_journal_force_seconds_total" { s = $2 }
      END { if (n > 0) printf "    %s journal forces: %d over its life, mean %.2f ms\n", name, n, 1000 * s / n }' name="$name"
  fi
  if [ "$sync" = none ]; then
    echo "== $name CPU while idle: 15 s after the last run (its holds expire), sampled over 10 s"
    sleep 15
    T0=$(cpu_ticks $NODE); sleep 10; T1=$(cpu_ticks $NODE)
    awk -v t=$((T1 - T0)) -v hz="$CLK_TCK" 'BEGIN { printf "    idle node: %.1f %% of one core\n", 100 * t / hz / 10 }'
  fi
  kill $NODE 2>/dev/null || { echo "the node had stopped:"; tail -20 "$WORK/$name.log"; }
  wait $NODE 2>/dev/null || true
  # GC pauses over the node's life (start and warm-up included), from its -Xlog:gc file; then those after
  # start-up, which ends with the full collection `flashsale run` makes before it listens (System.gc()):
  # what the load met, each one over 10 ms with the JVM's uptime.
  awk '/Pause/ { ms = $NF; sub(/ms/, "", ms); ms += 0; n++; if (ms > 10) over++; if (ms > max) max = ms
      if (ready) { rn++; if (ms > rmax) rmax = ms; if (ms > 10) { rover++; list = list sprintf(" %s %.1f ms", $1, ms) } }
      if ($0 ~ /Pause Full \(System.gc\(\)\)/) ready = 1 }
    END { printf "    %s GC: %d pauses, %d over 10 ms, longest %.1f ms (%s)\n", name, n, over, max, file
      if (ready) printf "    %s GC after start-up: %d pauses, %d over 10 ms%s, longest %.1f ms\n", name, rn, rover,
        rover ? ":" list : "", rmax }' \
    name="$name" file="$OUT/$name-gc.log" "$OUT/$name-gc.log"
done

echo "== summary: medians of $RUNS closed-loop runs; server cores over each loadgen's measured window"
printf '    %-8s %-10s %12s %9s %13s %13s %24s\n' scenario server answers/s "vs hello" "vs reference" "server cores" \
  "answers per core-second"
hello_rate=${RATE[hello/hello]}
printf '    %-8s %-10s %12.0f %9s %13s %13s %24s\n' hello hello "$hello_rate" 100% - "${CORES[hello/hello]}" \
  "${PER_CORE[hello/hello]}"
for scenario in hot spread; do
  reference_rate=${RATE[reference/$scenario]}
  for name in reference node-none node-batch; do
    awk -v s="$scenario" -v n="$name" -v r="${RATE[$name/$scenario]}" -v h="$hello_rate" -v ref="$reference_rate" \
      -v c="${CORES[$name/$scenario]}" -v p="${PER_CORE[$name/$scenario]}" \
      'BEGIN { printf "    %-8s %-10s %12.0f %8.0f%% %12.0f%% %13s %24s\n", s, n, r, 100 * r / h, 100 * r / ref, c, p }'
  done
done

# The last run of each measurement (the warmest) drawn side by side.
echo "== plots in $OUT"
plot() {
  local prefix=$1 title=$2
  shift 2
  java -jar "$JAR" plot --out "$OUT/$prefix" --title "$title" "$@" | sed 's/^/    /'
}
plot hot "closed loop, one hot SKU, $CONNECTIONS connections" "$OUT/hello-hello-$RUNS.hlog" \
  "$OUT/reference-hot-$RUNS.hlog" "$OUT/node-none-hot-$RUNS.hlog" "$OUT/node-batch-hot-$RUNS.hlog"
plot spread "closed loop, $SKUS SKUs, $CONNECTIONS connections" "$OUT/hello-hello-$RUNS.hlog" \
  "$OUT/reference-spread-$RUNS.hlog" "$OUT/node-none-spread-$RUNS.hlog" "$OUT/node-batch-spread-$RUNS.hlog"
plot open "open loop at $HELLO_HALF/s" "$OUT/hello-open-$RUNS.hlog" "$OUT/node-none-open-$RUNS.hlog"
