#!/usr/bin/env bash
# The HTTP benchmark of docs/BENCHMARKS.md: a plain Netty hello world (the ceiling), then
# `flashsale run` under the hot-SKU and spread scenarios, closed loop, then open loop at half of the
# gateway's median hot-SKU closed-loop rate, and at a fixed LOW_RATE (5000/s); the hello world is
# also run open loop at half its own rate, the latency floor of this machine. Each measurement runs RUNS times; the summary lines are printed
# for the medians to be taken. Needs `./mvnw -B -q -DskipTests package` first.
#
#   benchmarks/scripts/http-benchmark.sh [RUNS] [DURATION_SECONDS] [CONNECTIONS]
#
# Extra node configuration comes from FLASHSALE_* variables, as for `flashsale run`.
set -euo pipefail
RUNS=${1:-3}
DURATION=${2:-10}
CONNECTIONS=${3:-64}
WARMUP=${WARMUP:-10}
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

median() {
  printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

loadgen() {
  local out
  out=$(java -jar "$JAR" loadgen --duration "$DURATION" --warmup "$WARMUP" --connections "$CONNECTIONS" "$@")
  echo "$out" | grep -E "loadgen:|mode|achieved|latency|answers|errors|^ {16}" | sed 's/^/    /'
  if echo "$out" | grep -qE " (5[0-9][0-9]|429) x"; then
    echo "    WARNING: 429/5xx answers: a limit or a capacity was reached, this run does not measure the sale" >&2
  fi
}

echo "== $(date -u +%FT%TZ) on $(nproc) cores: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "== hello world ceiling (flashsale hello)"
java -jar "$JAR" hello --port $HELLO_PORT > "$WORK/hello.log" 2>&1 &
HELLO=$!
wait_for "http://127.0.0.1:$HELLO_PORT/"
HELLO_RATES=()
for run in $(seq 1 "$RUNS"); do
  OUT=$(loadgen --port $HELLO_PORT --scenario hello)
  echo "$OUT"
  HELLO_RATES+=("$(echo "$OUT" | grep achieved | awk '{print $2}' | tr -d ,)")
done
HELLO_HALF=$(median "${HELLO_RATES[@]}" | awk '{ printf "%d", $1 / 2 }')
echo "== hello world, open loop at half of its median closed-loop rate ($HELLO_HALF/s)"
for run in $(seq 1 "$RUNS"); do loadgen --port $HELLO_PORT --scenario hello --rate "$HELLO_HALF"; done
kill $HELLO 2>/dev/null || { echo "the hello server had stopped:"; cat "$WORK/hello.log"; }; wait $HELLO 2>/dev/null || true

echo "== flashsale run"
# A sale sized for the run: holds of 5 s (the load generator asks for them), keys and finished
# checkouts kept 10 s and 1 s, so no capacity is reached and every reserve is decided on stock.
export FLASHSALE_ENGINE_MAX_HOLD_TTL_MS=${FLASHSALE_ENGINE_MAX_HOLD_TTL_MS:-10000}
export FLASHSALE_ENGINE_DEFAULT_HOLD_TTL_MS=${FLASHSALE_ENGINE_DEFAULT_HOLD_TTL_MS:-10000}
export FLASHSALE_ENGINE_IDEMPOTENCY_RETENTION_MS=${FLASHSALE_ENGINE_IDEMPOTENCY_RETENTION_MS:-10000}
export FLASHSALE_ENGINE_CHECKOUT_RETENTION_MS=${FLASHSALE_ENGINE_CHECKOUT_RETENTION_MS:-1000}
export FLASHSALE_ENGINE_CHECKOUT_CAPACITY=${FLASHSALE_ENGINE_CHECKOUT_CAPACITY:-1000000}
export FLASHSALE_ENGINE_IDEMPOTENCY_CAPACITY=${FLASHSALE_ENGINE_IDEMPOTENCY_CAPACITY:-2000000}
export FLASHSALE_ENGINE_CUSTOMER_OVERFLOW_CAPACITY=${FLASHSALE_ENGINE_CUSTOMER_OVERFLOW_CAPACITY:-2000000}
FLASHSALE_GATEWAY_BIND_ADDRESS=127.0.0.1 java -jar "$JAR" run --data-dir "$WORK/data" --port $NODE_PORT > "$WORK/node.log" 2>&1 &
NODE=$!
wait_for "http://127.0.0.1:$NODE_PORT/health/ready"
unset FLASHSALE_ENGINE_MAX_HOLD_TTL_MS FLASHSALE_ENGINE_DEFAULT_HOLD_TTL_MS FLASHSALE_ENGINE_IDEMPOTENCY_RETENTION_MS \
  FLASHSALE_ENGINE_CHECKOUT_RETENTION_MS FLASHSALE_ENGINE_CHECKOUT_CAPACITY FLASHSALE_ENGINE_IDEMPOTENCY_CAPACITY \
  FLASHSALE_ENGINE_CUSTOMER_OVERFLOW_CAPACITY
export LOADGEN_API_KEY=$(grep "storefront API key" "$WORK/node.log" | awk '{print $NF}')
export LOADGEN_ADMIN_KEY=$(grep "admin API key" "$WORK/node.log" | awk '{print $NF}')
export LOADGEN_TOKEN_SECRET=$(grep "token secret" "$WORK/node.log" | awk '{print $NF}')
# Stock that outlasts the run, 500,000 shoppers (within engine.customer-capacity), holds of 5 s.
SALE="--stock 1000000000 --limit 1000000 --customers 500000 --hold-seconds 5"
HOT_RATES=()
for scenario in hot spread; do
  for run in $(seq 1 "$RUNS"); do
    OUT=$(loadgen --port $NODE_PORT --scenario "$scenario" $SALE --sku-prefix "R$run-")
    echo "$OUT"
    [ "$scenario" = hot ] && HOT_RATES+=("$(echo "$OUT" | grep achieved | awk '{print $2}' | tr -d ,)")
  done
done
HALF=$(median "${HOT_RATES[@]}" | awk '{ printf "%d", $1 / 2 }')
echo "== open loop at half of the median hot closed-loop rate ($HALF/s)"
for run in $(seq 1 "$RUNS"); do
  loadgen --port $NODE_PORT --scenario hot --rate "$HALF" $SALE --sku-prefix "H$run-"
done
echo "== open loop at a fixed ${LOW_RATE:=5000}/s"
for run in $(seq 1 "$RUNS"); do
  loadgen --port $NODE_PORT --scenario hot --rate "$LOW_RATE" $SALE --sku-prefix "L$run-"
done
echo "== node CPU while idle, sampled over 5 s"
T0=$(awk '{print $14 + $15}' /proc/$NODE/stat); sleep 5; T1=$(awk '{print $14 + $15}' /proc/$NODE/stat)
echo "    idle node: $(( (T1 - T0) * 100 / $(getconf CLK_TCK) / 5 )) % of one core"
