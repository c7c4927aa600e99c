#!/usr/bin/env bash
# The HTTP benchmark of docs/BENCHMARKS.md: a plain Netty hello world (the ceiling), then
# `flashsale run` under the hot-SKU and spread scenarios, closed loop, then open loop at half of the
# gateway's best closed-loop rate. Each measurement runs RUNS times; the summary lines are printed
# for the medians to be taken. Needs `./mvnw -B -q -DskipTests package` first.
#
#   benchmarks/scripts/http-benchmark.sh [RUNS] [DURATION_SECONDS] [CONNECTIONS]
#
# Extra node configuration comes from FLASHSALE_* variables, as for `flashsale run`.
set -euo pipefail
RUNS=${1:-3}
DURATION=${2:-10}
CONNECTIONS=${3:-64}
JAR="$(cd "$(dirname "$0")/../.." && pwd)/server/target/flashsale.jar"
WORK=$(mktemp -d /tmp/flashsale-http-bench-XXXXXX)
NODE_PORT=18080
HELLO_PORT=18081
trap 'kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$WORK"' EXIT

wait_for() {
  for _ in $(seq 1 120); do
    curl -sf "$1" > /dev/null 2>&1 && return 0
    sleep 0.5
  done
  echo "not up: $1" >&2
  exit 1
}

loadgen() {
  java -jar "$JAR" loadgen --duration "$DURATION" --warmup 3 --connections "$CONNECTIONS" "$@" |
    grep -E "loadgen:|mode|achieved|latency|answers|errors|^ {16}" | sed 's/^/    /'
}

echo "== $(date -u +%FT%TZ) on $(nproc) cores: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "== hello world ceiling (flashsale hello)"
java -jar "$JAR" hello --port $HELLO_PORT > "$WORK/hello.log" 2>&1 &
HELLO=$!
wait_for "http://127.0.0.1:$HELLO_PORT/"
for run in $(seq 1 "$RUNS"); do loadgen --port $HELLO_PORT --scenario hello; done
kill $HELLO; wait $HELLO 2>/dev/null || true

echo "== flashsale run"
FLASHSALE_GATEWAY_BIND_ADDRESS=127.0.0.1 java -jar "$JAR" run --data-dir "$WORK/data" --port $NODE_PORT > "$WORK/node.log" 2>&1 &
NODE=$!
wait_for "http://127.0.0.1:$NODE_PORT/health/ready"
export FLASHSALE_API_KEY=$(grep "storefront API key" "$WORK/node.log" | awk '{print $NF}')
export FLASHSALE_ADMIN_KEY=$(grep "admin API key" "$WORK/node.log" | awk '{print $NF}')
export FLASHSALE_TOKEN_SECRET=$(grep "token secret" "$WORK/node.log" | awk '{print $NF}')
BEST=0
for scenario in hot spread; do
  for run in $(seq 1 "$RUNS"); do
    OUT=$(loadgen --port $NODE_PORT --scenario "$scenario" --stock 1000000000 --limit 1000000 --sku-prefix "R$run-")
    echo "$OUT"
    RATE=$(echo "$OUT" | grep achieved | awk '{print $2}' | tr -d ,)
    BEST=$(awk -v a="$BEST" -v b="$RATE" 'BEGIN { print (b > a) ? b : a }')
  done
done
HALF=$(awk -v b="$BEST" 'BEGIN { printf "%d", b / 2 }')
echo "== open loop at half of the best closed-loop rate ($HALF/s)"
for run in $(seq 1 "$RUNS"); do
  loadgen --port $NODE_PORT --scenario hot --rate "$HALF" --stock 1000000000 --limit 1000000 --sku-prefix "H$run-"
done
echo "== node CPU while idle, sampled over 5 s"
T0=$(awk '{print $14 + $15}' /proc/$NODE/stat); sleep 5; T1=$(awk '{print $14 + $15}' /proc/$NODE/stat)
echo "    idle node: $(( (T1 - T0) * 100 / $(getconf CLK_TCK) / 5 )) % of one core"
