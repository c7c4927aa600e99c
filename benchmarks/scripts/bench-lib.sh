# Shell functions shared by the benchmark scripts (sourced, not run).

# The JVM options a standalone node runs with in production (deploy/Dockerfile's JAVA_TOOL_OPTIONS,
# StandaloneNode.JVM_OPTIONS): the scripts start `flashsale run` with them. As the image does with
# InitialRAMPercentage = MaxRAMPercentage and AlwaysPreTouch, the heap is fixed and touched before the
# node starts (3 GB: the tables the scripts size the engine for keep about 1.9 GB live); a page of the heap
# first touched inside a young pause made that pause 10 to 25 ms longer on the dev VM
# (docs/BENCHMARKS.md, "Young pauses and the heap's first touch"). NODE_JAVA_OPTS overrides.
NODE_JAVA_OPTS=${NODE_JAVA_OPTS:--XX:MaxTenuringThreshold=2 -XX:-ClassUnloadingWithConcurrentMark -XX:MaxGCPauseMillis=5 -XX:PerfDataSamplingInterval=1000 -XX:InitiatingHeapOccupancyPercent=75 -Xms3g -Xmx3g -XX:+AlwaysPreTouch}

# The load generator's JVM: a fixed heap touched before it starts. With the JVM's default heap it
# grew into fresh memory during the run, and zeroing those pages (the kernel's clear_page) was 31 % of
# its samples under the checkout load; on two cores shared with the server that CPU came out of the
# server's share, more for servers whose requests make the load generator allocate more (docs/BENCHMARKS.md,
# "The load generator's own heap"). 1 GB: 69 MB live after a young collection at 500,000 customers.
# LOADGEN_JAVA_OPTS overrides.
LOADGEN_JAVA_OPTS=${LOADGEN_JAVA_OPTS:--Xms1g -Xmx1g -XX:+AlwaysPreTouch}

# The baselines' JVM (`flashsale hello`, `flashsale reference`): the node's heap, fixed and touched
# before the server starts, as the node's is, so that no server pays for first touches the others do
# not. BASELINE_JAVA_OPTS overrides.
BASELINE_JAVA_OPTS=${BASELINE_JAVA_OPTS:--Xms3g -Xmx3g -XX:+AlwaysPreTouch}

# wait_for URL: waits until the URL answers HTTP at all (any status: the reference server has no health route).
wait_for() {
  for _ in $(seq 1 120); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$1" 2>/dev/null)" != 000 ] && return 0
    sleep 0.5
  done
  echo "not up: $1" >&2
  exit 1
}

# jit_warmup_runs JAR PORT SECONDS [loadgen options...]: unmeasured closed-loop load for SECONDS before a
# server's first measurement, as JIT_WARMUP_CYCLES (default 3) load generators one after the other, each
# with connections of its own. A server measured after one long warm-up run still recompiles for tens of
# seconds once the next load generator connects: the warm-up's connections closing and new ones opening
# take paths its compiled code had never seen (uncommon traps, "made not entrant"), and a node's C2
# threads took 6.9, 1.9, 0.8, 0.3 and 0.2 s of CPU in five load generators of 20 s one after the other
# (docs/BENCHMARKS.md, "C2 after every new load generator"). Measured runs start new load generators too.
jit_warmup_runs() {
  local jar=$1 port=$2 seconds=$3 cycles=${JIT_WARMUP_CYCLES:-3} cycle
  shift 3
  [ "$seconds" -gt 0 ] || return 0
  [ "$cycles" -ge 1 ] && [ "$cycles" -le "$seconds" ] || cycles=1
  for cycle in $(seq 1 "$cycles"); do
    java $LOADGEN_JAVA_OPTS -jar "$jar" loadgen --port "$port" --duration $((seconds / cycles)) --warmup 0 "$@" > /dev/null 2>&1 || true
  done
}

# median VALUES...: the median (the lower middle one of an even count).
median() {
  printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

# cpu_ticks PID...: utime + stime of the processes, summed, in clock ticks.
cpu_ticks() {
  local pid total=0
  for pid in "$@"; do
    total=$((total + $(awk '{ sub(/.*\) /, ""); print $12 + $13 }' "/proc/$pid/stat")))
  done
  echo "$total"
}

# export_benchmark_sale CUSTOMERS CREDENTIALS_DIR: the node settings of every script's sale. Holds of 5 s
# (the load generator asks for them; at most 10 s), keys and finished checkouts kept 10 s and 1 s, so no
# capacity is reached and every reserve is decided on stock. Room for 6,000,000 (customer, SKU) pairs
# beyond the two a customer record holds: what a customer bought counts against its limit for the
# node's life and every run sells SKUs of its own (2,000,000 ran out in a full http-benchmark.sh pass
# at 60,000 answers/s: its last open-loop run and the wrk runs after it were refused 503). The
# order-history store sized for the run's customers, as an operator sizes it for a sale's (past its
# size the Chronicle Map chains extra tiers, and the projections pay for it on every event). The
# loopback only, and the clients write_credentials wrote into CREDENTIALS_DIR. A setting already in
# the environment wins.
export_benchmark_sale() {
  local customers=$1 credentials=$2
  export FLASHSALE_ENGINE_MAX_HOLD_TTL_MS=${FLASHSALE_ENGINE_MAX_HOLD_TTL_MS:-10000}
  export FLASHSALE_ENGINE_DEFAULT_HOLD_TTL_MS=${FLASHSALE_ENGINE_DEFAULT_HOLD_TTL_MS:-10000}
  export FLASHSALE_ENGINE_IDEMPOTENCY_RETENTION_MS=${FLASHSALE_ENGINE_IDEMPOTENCY_RETENTION_MS:-10000}
  export FLASHSALE_ENGINE_CHECKOUT_RETENTION_MS=${FLASHSALE_ENGINE_CHECKOUT_RETENTION_MS:-1000}
  export FLASHSALE_ENGINE_CHECKOUT_CAPACITY=${FLASHSALE_ENGINE_CHECKOUT_CAPACITY:-1000000}
  export FLASHSALE_ENGINE_IDEMPOTENCY_CAPACITY=${FLASHSALE_ENGINE_IDEMPOTENCY_CAPACITY:-2000000}
  export FLASHSALE_ENGINE_CUSTOMER_OVERFLOW_CAPACITY=${FLASHSALE_ENGINE_CUSTOMER_OVERFLOW_CAPACITY:-6000000}
  export FLASHSALE_READ_CUSTOMERS=${FLASHSALE_READ_CUSTOMERS:-$customers}
  export FLASHSALE_GATEWAY_BIND_ADDRESS=${FLASHSALE_GATEWAY_BIND_ADDRESS:-127.0.0.1}
  export FLASHSALE_GATEWAY_CREDENTIALS_FILE=$credentials/credentials.properties
}

# write_credentials DIR: one storefront client and one admin client with random keys, written as docs/API.md
# "Adding a client" does, into DIR/credentials.properties; exports LOADGEN_API_KEY, LOADGEN_ADMIN_KEY and
# LOADGEN_TOKEN_SECRET for `flashsale loadgen`.
write_credentials() {
  local dir=$1 sf admin secret
  sf=$(openssl rand -base64 32 | tr '+/' '-_' | tr -d '=\n')
  admin=$(openssl rand -base64 32 | tr '+/' '-_' | tr -d '=\n')
  secret=$(openssl rand -base64 32 | tr '+/' '-_' | tr -d '=\n')
  mkdir -p "$dir"
  cat > "$dir/credentials.properties" <<PROPERTIES
client.1.name = storefront
client.1.role = storefront
client.1.key-sha256 = $(printf '%s' "$sf" | sha256sum | cut -d' ' -f1)
client.1.token-secret = $secret
client.2.name = admin
client.2.role = admin
client.2.key-sha256 = $(printf '%s' "$admin" | sha256sum | cut -d' ' -f1)
PROPERTIES
  chmod 600 "$dir/credentials.properties"
  export LOADGEN_API_KEY=$sf LOADGEN_ADMIN_KEY=$admin LOADGEN_TOKEN_SECRET=$secret
}
