#!/usr/bin/env bash
# The read services' benchmark of docs/BENCHMARKS.md, against `flashsale run` on loopback:
#   1. 100,000 products put through the admin API;
#   2. product page reads/s and search queries/s through HTTP (flashsale loadgen, closed loop);
#   3. the projections' lag, sampled from /metrics, during a flash sale at the node's full rate;
#   4. projection throughput: the read stores deleted, the node restarted, time to catch up.
# Needs `./mvnw -B -q -DskipTests package` first and python3.
#
#   benchmarks/scripts/read-benchmark.sh [RUNS] [DURATION_SECONDS] [PRODUCTS]
set -euo pipefail
RUNS=${1:-3}
DURATION=${2:-10}
PRODUCTS=${3:-100000}
JAR="$(cd "$(dirname "$0")/../.." && pwd)/server/target/flashsale.jar"
WORK=$(mktemp -d /tmp/flashsale-read-bench-XXXXXX)
PORT=18082
. "$(dirname "$0")/bench-lib.sh" # NODE_JAVA_OPTS, LOADGEN_JAVA_OPTS
trap 'kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$WORK"' EXIT
export FLASHSALE_GATEWAY_BIND_ADDRESS=127.0.0.1 FLASHSALE_ENGINE_MAX_SKUS=$((PRODUCTS + 1000))
export FLASHSALE_GATEWAY_CUSTOMER_RATE_PER_SECOND=0

start_node() {
  java $NODE_JAVA_OPTS -jar "$JAR" run --data-dir "$WORK/data" --port $PORT >> "$WORK/node.log" 2>&1 &
  NODE=$!
  for _ in $(seq 1 240); do curl -sf "http://127.0.0.1:$PORT/health/ready" > /dev/null 2>&1 && return 0; sleep 0.25; done
  echo "the node did not start" >&2; cat "$WORK/node.log" >&2; exit 1
}

metric() {
  curl -s "http://127.0.0.1:$PORT/metrics" | awk -v m="$1" '$1 == m { print $2 }'
}

echo "== $(date -u +%FT%TZ) on $(nproc) cores"
start_node
export LOADGEN_API_KEY=$(grep "storefront API key" "$WORK/node.log" | awk '{print $NF}')
export LOADGEN_ADMIN_KEY=$(grep "admin API key" "$WORK/node.log" | awk '{print $NF}')
export LOADGEN_TOKEN_SECRET=$(grep "token secret" "$WORK/node.log" | awk '{print $NF}')

echo "== putting $PRODUCTS products"
python3 - "$PORT" "$PRODUCTS" <<'PY'
import http.client, json, random, sys, time, os
port, count = int(sys.argv[1]), int(sys.argv[2])
key = os.environ["LOADGEN_ADMIN_KEY"]
words = ["running", "trail", "leather", "canvas", "wool", "cotton", "red", "blue", "black", "white", "light", "warm",
         "classic", "sport", "city", "summer", "winter", "soft", "waterproof", "slim"]
kinds = ["shoe", "boot", "jacket", "shirt", "sock", "hat", "bag", "scarf", "glove", "belt"]
brands = ["Acme", "Fleet", "Knit", "Northway", "Peak", "Urban", "Vela", "Zephyr"]
random.seed(7)
conn = http.client.HTTPConnection("127.0.0.1", port)
start = time.time()
for i in range(count):
    kind = random.choice(kinds)
    body = json.dumps({"title": " ".join(random.sample(words, 2)) + " " + kind, "description": " ".join(random.sample(words, 6)),
                       "brand": random.choice(brands), "category": kind + "s", "displayPriceMinor": random.randint(500, 50000),
                       "currency": "EUR"})
    conn.request("PUT", "/v1/admin/products/P-%06d" % i, body, {"X-Api-Key": key, "Content-Type": "application/json"})
    response = conn.getresponse(); response.read()
    if response.status != 200:
        sys.exit("product %d: %d" % (i, response.status))
print("    %d products in %.1f s (one connection, sequential)" % (count, time.time() - start))
PY
curl -s -X POST "http://127.0.0.1:$PORT/v1/admin/search/rebuild" -H "X-Api-Key: $LOADGEN_ADMIN_KEY" | sed 's/^/    rebuild: /'; echo

loadgen() {
  java $LOADGEN_JAVA_OPTS -jar "$JAR" loadgen --port $PORT --scenario hello --duration "$DURATION" --warmup 5 --connections 64 "$@" |
    grep -E "achieved|latency|answers|errors" | sed 's/^/    /'
}
echo "== product page reads (GET /v1/products/P-000042)"
for run in $(seq 1 "$RUNS"); do loadgen --path /v1/products/P-000042; done
echo "== search (GET /v1/search?q=running&category=shoes&sort=price_asc)"
for run in $(seq 1 "$RUNS"); do loadgen --path "/v1/search?q=running&category=shoes&sort=price_asc"; done
echo "== search, facets over all products (GET /v1/search?inStock=false&pageSize=20)"
for run in $(seq 1 "$RUNS"); do loadgen --path "/v1/search?pageSize=20"; done

echo "== projection lag during a flash sale at full rate (hot SKU, closed loop, sampled every 0.5 s)"
java $LOADGEN_JAVA_OPTS -jar "$JAR" loadgen --port $PORT --scenario hot --duration 20 --warmup 2 --connections 64 --stock 1000000000 \
  --limit 1000000 --customers 100000 --sku-prefix SALE- > "$WORK/sale.txt" &
SALE=$!
: > "$WORK/lag.txt"
while kill -0 $SALE 2> /dev/null; do
  echo "$(metric 'flashsale_projection_lag_inputs{projection="orders"}') $(metric 'flashsale_projection_lag_inputs{projection="catalog"}')" >> "$WORK/lag.txt"
  sleep 0.5
done
grep -E "achieved|latency" "$WORK/sale.txt" | sed 's/^/    sale: /'
sort -n -k1 "$WORK/lag.txt" | awk '{ o[NR] = $1 } END { printf "    orders lag (inputs): median %d, max %d over %d samples\n", o[int((NR + 1) / 2)], o[NR], NR }'
sort -n -k2 "$WORK/lag.txt" | awk '{ c[NR] = $2 } END { printf "    catalog lag (inputs): median %d, max %d\n", c[int((NR + 1) / 2)], c[NR] }'

echo "== projection throughput: read stores deleted, node restarted, catching up from the first event"
APPLIED=$(metric flashsale_inputs_applied_total)
kill $NODE; wait $NODE 2> /dev/null || true
rm -rf "$WORK/data/read"
: > "$WORK/node.log"
start_node
while [ "$(metric 'flashsale_projection_lag_inputs{projection="orders"}')" != "0" ] ||
      [ "$(metric 'flashsale_projection_lag_inputs{projection="catalog"}')" != "0" ]; do sleep 0.02; done
END=$(date -u +%s.%N)
# The projections start right after the search index is built (logged); they end when both lags are 0.
START=$(grep "search index built" "$WORK/node.log" | head -1 | cut -c1-23 | xargs -I{} date -u -d {} +%s.%N)
awk -v a="$APPLIED" -v s="$START" -v e="$END" 'BEGIN { printf "    %d inputs (their events) projected in %.2f s: %.0f inputs/s, both projections on one thread\n", a, e - s, a / (e - s) }'
