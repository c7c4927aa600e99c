#!/usr/bin/env bash
# The cluster benchmark of docs/BENCHMARKS.md ("A three-member cluster against the standalone node"),
# side by side in one run on this machine:
#   1. `flashsale hello`, a plain Netty hello world: the machine's ceiling, the baseline of every ratio;
#   2. `flashsale run`, a standalone node (journal.sync=none);
#   3. three `flashsale run` cluster members on this one machine (cluster.* keys), loaded through the
#      leader's gateway, then through a follower's gateway (one more hop: follower gateway -> leader);
# each under `flashsale loadgen`, one hot SKU, closed loop, RUNS times (medians kept), then the
# standalone node and the cluster's leader gateway open loop at LOW_RATE. For every run the CPU of
# every server process in the measured window is summed (all three members for the cluster).
# Needs `./mvnw -B -q -DskipTests package` first.
#
#   benchmarks/scripts/cluster-benchmark.sh [RUNS] [DURATION_SECONDS] [CONNECTIONS]
#
# Environment: WARMUP (s, default 10), JIT_WARMUP (unmeasured load before each server's first
# measurement, s, default 20, in JIT_WARMUP_CYCLES load generators, default 3), CUSTOMERS (default 500000), LOW_RATE (default 5000; 0 skips it),
# BASE_PORT (cluster UDP ports, default 20400), OUT (where logs go), MEMBER_JAVA_OPTS (the members'
# JVM options, default -XX:+UseZGC as ClusterNode.JVM_OPTIONS and deploy/k8s/cluster.yaml: a G1
# pause longer than the heartbeat timeout deposes a live leader, docs/OPERATIONS.md).
set -euo pipefail
RUNS=${1:-3}
DURATION=${2:-10}
CONNECTIONS=${3:-64}
WARMUP=${WARMUP:-10}
CUSTOMERS=${CUSTOMERS:-500000}
LOW_RATE=${LOW_RATE:-5000}
BASE_PORT=${BASE_PORT:-20400}
MEMBER_JAVA_OPTS=${MEMBER_JAVA_OPTS:--XX:+UseZGC}
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
JAR="$ROOT/server/target/flashsale.jar"
WORK=$(mktemp -d /tmp/flashsale-cluster-bench-XXXXXX)
HELLO_PORT=18181
NODE_PORT=18180
MEMBER_PORTS=(18190 18191 18192)
CLK_TCK=$(getconf CLK_TCK)
OUT=${OUT:-$ROOT/benchmarks/results/cluster-$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$OUT"
trap 'kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$WORK"' EXIT
. "$ROOT/benchmarks/scripts/bench-lib.sh"

declare -A RATE CORES P50 P99

# run_load NAME PORT PIDS [loadgen options...]: one loadgen run; the CPU of the server processes (a
# space-separated list) is read around the measured window. Prints the run's line, sets LAST_*.
run_load() {
  local name=$1 port=$2 pids=$3 out t0 t1 s0 s1 sampler
  shift 3
  # The measured window starts after the warm-up: sample the CPU from then (the set-up is short).
  ( sleep "$WARMUP"; echo "$(cpu_ticks $pids) $(date +%s.%N)" > "$WORK/cpu0" ) &
  sampler=$!
  out=$(java $LOADGEN_JAVA_OPTS -jar "$JAR" loadgen --port "$port" --duration "$DURATION" --warmup "$WARMUP" --connections "$CONNECTIONS" \
    --hlog "$OUT/$name.hlog" "$@")
  t1=$(cpu_ticks $pids); s1=$(date +%s.%N)
  wait "$sampler"
  read -r t0 s0 < "$WORK/cpu0"
  LAST_RATE=$(echo "$out" | awk '/achieved/ { gsub(/,/, "", $2); print $2 }')
  LAST_P50=$(echo "$out" | awk '/latency ms/ { for (i = 1; i < NF; i++) if ($i == "p50") print $(i + 1) }')
  LAST_P99=$(echo "$out" | awk '/latency ms/ { for (i = 1; i < NF; i++) if ($i == "p99") print $(i + 1) }')
  # The window the CPU was read over runs from the end of the warm-up to the end of the call.
  LAST_CORES=$(awk -v t=$((t1 - t0)) -v hz="$CLK_TCK" -v a="$s0" -v b="$s1" 'BEGIN { printf "%.2f", t / hz / (b - a) }')
  echo "    $name: $LAST_RATE answers/s, p50 $LAST_P50 ms, p99 $LAST_P99 ms, servers $LAST_CORES cores"
  if echo "$out" | grep -oE " [45][0-9][0-9] x" | grep -qv " 409 x"; then
    echo "$out" | grep -E "reserve|confirm|cancel|errors" | sed 's/^/      /'
    echo "    WARNING: answers other than 2xx and 409: this run does not measure the sale" >&2
  fi
}

# measure NAME PORT PIDS [loadgen options...]: RUNS closed-loop runs of the hot SKU, medians kept.
measure() {
  local name=$1 port=$2 pids=$3 rates=() cores=() p50=() p99=() run
  shift 3
  echo "== $name, one hot SKU, closed loop"
  for run in $(seq 1 "$RUNS"); do
    run_load "$name-$run" "$port" "$pids" "$@" --sku-prefix "$name-R$run-"
    rates+=("$LAST_RATE"); cores+=("$LAST_CORES"); p50+=("$LAST_P50"); p99+=("$LAST_P99")
  done
  RATE[$name]=$(median "${rates[@]}"); CORES[$name]=$(median "${cores[@]}")
  P50[$name]=$(median "${p50[@]}"); P99[$name]=$(median "${p99[@]}")
}

jit_warmup() {
  local port=$1
  shift
  jit_warmup_runs "$JAR" "$port" "${JIT_WARMUP:-20}" --connections "$CONNECTIONS" "$@"
}

echo "== $(date -u +%FT%TZ) on $(nproc) cores: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "== runs: $RUNS x ${DURATION} s measured after ${WARMUP} s of warm-up, $CONNECTIONS connections, one hot SKU"

write_credentials "$WORK/credentials"
SALE="--scenario hot --stock 1000000000 --limit 1000000 --customers $CUSTOMERS --hold-seconds 5"
export_benchmark_sale "$CUSTOMERS" "$WORK/credentials"

echo "== flashsale hello"
java $BASELINE_JAVA_OPTS -jar "$JAR" hello --port $HELLO_PORT > "$OUT/hello.log" 2>&1 &
HELLO=$!
wait_for "http://127.0.0.1:$HELLO_PORT/"
jit_warmup $HELLO_PORT --scenario hello
measure hello $HELLO_PORT "$HELLO" --scenario hello
kill $HELLO; wait $HELLO 2>/dev/null || true

echo "== flashsale run, standalone, journal.sync=none"
java $NODE_JAVA_OPTS -jar "$JAR" run --data-dir "$WORK/standalone" --port $NODE_PORT > "$OUT/standalone.log" 2>&1 &
NODE=$!
wait_for "http://127.0.0.1:$NODE_PORT/health/ready"
jit_warmup $NODE_PORT $SALE --sku-prefix W-
measure standalone $NODE_PORT "$NODE" $SALE
if [ "$LOW_RATE" -gt 0 ]; then
  echo "== standalone, open loop at $LOW_RATE/s"
  run_load standalone-open $NODE_PORT "$NODE" $SALE --rate "$LOW_RATE" --sku-prefix standalone-L-
  RATE[standalone-open]=$LAST_RATE; CORES[standalone-open]=$LAST_CORES; P50[standalone-open]=$LAST_P50; P99[standalone-open]=$LAST_P99
fi
kill $NODE; wait $NODE 2>/dev/null || true

echo "== three cluster members on this machine (cluster UDP ports from $BASE_PORT)"
MEMBERS=0=127.0.0.1,1=127.0.0.1,2=127.0.0.1
PIDS=()
for id in 0 1 2; do
  FLASHSALE_CLUSTER_MEMBER_ID=$id FLASHSALE_CLUSTER_MEMBERS=$MEMBERS FLASHSALE_CLUSTER_BASE_PORT=$BASE_PORT \
    java $MEMBER_JAVA_OPTS -jar "$JAR" run --data-dir "$WORK/member-$id" --port "${MEMBER_PORTS[$id]}" > "$OUT/member-$id.log" 2>&1 &
  PIDS+=($!)
done
LEADER=""
for _ in $(seq 1 120); do
  for id in 0 1 2; do
    if curl -s "http://127.0.0.1:${MEMBER_PORTS[$id]}/metrics" 2>/dev/null | grep -q '^flashsale_cluster_member_leader 1'; then
      LEADER=$id
    fi
  done
  [ -n "$LEADER" ] && break
  sleep 0.5
done
[ -n "$LEADER" ] || { echo "no leader elected; logs in $OUT" >&2; exit 1; }
FOLLOWER=$(( (LEADER + 1) % 3 ))
for id in 0 1 2; do wait_for "http://127.0.0.1:${MEMBER_PORTS[$id]}/health/ready"; done
echo "    leader: member $LEADER; follower measured: member $FOLLOWER"
jit_warmup "${MEMBER_PORTS[$LEADER]}" $SALE --sku-prefix W-
measure cluster-leader "${MEMBER_PORTS[$LEADER]}" "${PIDS[*]}" $SALE
measure cluster-follower "${MEMBER_PORTS[$FOLLOWER]}" "${PIDS[*]}" $SALE
if [ "$LOW_RATE" -gt 0 ]; then
  echo "== cluster through the leader's gateway, open loop at $LOW_RATE/s"
  run_load cluster-open "${MEMBER_PORTS[$LEADER]}" "${PIDS[*]}" $SALE --rate "$LOW_RATE" --sku-prefix cluster-L-
  RATE[cluster-open]=$LAST_RATE; CORES[cluster-open]=$LAST_CORES; P50[cluster-open]=$LAST_P50; P99[cluster-open]=$LAST_P99
fi
echo "== the members' gateways at the end: commands the leader's ingress pushed back (kept and sent later, never a 503), resends, leader changes, expired"
for id in 0 1 2; do
  echo "    member $id: $(curl -s "http://127.0.0.1:${MEMBER_PORTS[$id]}/metrics" | awk '
    /^flashsale_cluster_(ingress_back_pressure|resends|leader_changes|in_flight_expired)_total / {
      sub(/^flashsale_cluster_/, "", $1); sub(/_total$/, "", $1); printf "%s %s  ", $1, $2 }')"
done
kill "${PIDS[@]}" 2>/dev/null || true
for pid in "${PIDS[@]}"; do
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  kill -9 "$pid" 2>/dev/null && echo "    member pid $pid did not stop on SIGTERM within 30 s: killed" || true
done

echo "== summary: medians of $RUNS closed-loop runs (open loop: one run); server cores summed over every server process"
printf '    %-18s %12s %9s %14s %8s %10s %10s\n' server answers/s "vs hello" "vs standalone" cores "p50 ms" "p99 ms"
for name in hello standalone cluster-leader cluster-follower standalone-open cluster-open; do
  [ -n "${RATE[$name]:-}" ] || continue
  awk -v n="$name" -v r="${RATE[$name]}" -v h="${RATE[hello]}" -v s="${RATE[standalone]}" -v c="${CORES[$name]}" \
    -v p50="${P50[$name]}" -v p99="${P99[$name]}" \
    'BEGIN { printf "    %-18s %12.0f %8.0f%% %13.0f%% %8s %10s %10s\n", n, r, 100 * r / h, 100 * r / s, c, p50, p99 }'
done
echo "== logs and interval logs in $OUT"
