#!/usr/bin/env bash
# What one answer costs a node, per thread: bytes allocated and CPU, for two builds of the node side
# by side (docs/BENCHMARKS.md, "HTTP gateway", "Bytes and CPU per answer"). Figures per answer do not
# depend on how fast a loaded machine lets the run go, so this compares builds where answers/s cannot.
#
#   A_JAR=/tmp/before.jar B_JAR=server/target/flashsale.jar benchmarks/scripts/gateway-cost.sh [PASSES] [RUNS] [DURATION_SECONDS]
#
# Each pass starts each node in turn (A then B, B then A on the next pass, and so on), fresh data
# directory, `journal.sync=none`, the sale sized as in http-benchmark.sh; JIT_WARMUP s (default 40) of
# unmeasured load in JIT_WARMUP_CYCLES load generators (bench-lib.sh); then RUNS closed-loop runs of the hot-SKU recipe (SCENARIO=hot, 64
# connections, no warm-up of its own). Around each run: bytes allocated per thread (`jcmd PID
# Thread.print -e`, HotSpot's per-thread allocation counter) and CPU per thread (utime + stime of
# /proc/PID/task/*/stat) and voluntary context switches per thread (/proc/PID/task/*/status: each is
# a wait that a wake-up ended); divided by the answers the load generator counted. Prints a line per
# run and, at the end, the medians per build. RATE=N makes the measured runs open loop at N requests/s
# (after the closed-loop warm-up and 15 s to let the node's background work catch up), each after 5 s
# of unmeasured warm-up of its own (a cold load generator starting late would count its own start-up
# against the server), and prints each run's latency too; the costs per answer then count the
# warm-up's answers as well (RATE x 5 more). STOCK=N sells N units of each SKU (default a billion: every
# reserve holds; a small N measures the burst after a sell-out, nearly every answer a 409).
# A_JAVA_OPTS / B_JAVA_OPTS give one build's node JVM options of its own (default NODE_JAVA_OPTS, the
# production set): the same jar twice compares two flag sets. A_ENV / B_ENV give one node settings of
# its own, as NAME=value words (e.g. B_ENV="FLASHSALE_PIPELINE_INPUT_RING_SIZE=1024"): two configurations.
# Needs `jcmd` (a JDK) and `./mvnw -B -q -DskipTests package`.
set -euo pipefail
PASSES=${1:-3}
RUNS=${2:-2}
DURATION=${3:-20}
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
A_JAR=${A_JAR:?the node build to compare against: A_JAR=path/to/flashsale.jar}
B_JAR=${B_JAR:-$ROOT/server/target/flashsale.jar}
LOADGEN_JAR=${LOADGEN_JAR:-$B_JAR}
SCENARIO=${SCENARIO:-hot}
RATE=${RATE:-}
CONNECTIONS=${CONNECTIONS:-64}
CUSTOMERS=${CUSTOMERS:-500000}
PORT=${PORT:-26080}
WORK=$(mktemp -d /tmp/flashsale-gateway-cost-XXXXXX)
NODE=
trap '[ -n "$NODE" ] && kill "$NODE" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$WORK"' EXIT

. "$(dirname "$0")/bench-lib.sh"
write_credentials "$WORK/credentials"
export_benchmark_sale "$CUSTOMERS" "$WORK/credentials"
SALE=(--scenario "$SCENARIO" --stock "${STOCK:-1000000000}" --limit 1000000 --customers "$CUSTOMERS" --hold-seconds 5
  --connections "$CONNECTIONS")

# snapshot PID FILE: "alloc NAME BYTES" per Java thread (jcmd), "cpu COMM TICKS" and "cs COMM SWITCHES" per
# thread (/proc).
snapshot() {
  local pid=$1 file=$2 task
  jcmd "$pid" Thread.print -e | awk '
    /^"/ && /allocated=/ {
      name = $0; sub(/^"/, "", name); sub(/".*/, "", name); gsub(/ /, "_", name)
      match($0, /allocated=[0-9]+[BKMG]/); v = substr($0, RSTART + 10, RLENGTH - 10)
      unit = substr(v, length(v)); n = substr(v, 1, length(v) - 1)
      m = unit == "K" ? 1024 : unit == "M" ? 1048576 : unit == "G" ? 1073741824 : 1
      printf "alloc %s %.0f\n", name, n * m
    }' > "$file"
  for task in /proc/"$pid"/task/*; do
    awk -v tid="${task##*/}" '{ comm = $0; sub(/^[^(]*\(/, "", comm); sub(/\) .*/, "", comm); gsub(/ /, "_", comm)
      rest = $0; sub(/.*\) /, "", rest); split(rest, f, " "); print "cpu " comm "#" tid " " f[12] + f[13] }' \
      "$task/stat" 2>/dev/null || true
    awk -v tid="${task##*/}" -v comm="$(tr ' ' _ < "$task/comm" 2>/dev/null)" \
      '/^voluntary_ctxt_switches/ { print "cs " comm "#" tid " " $2 }' "$task/status" 2>/dev/null || true
  done >> "$file"
}

# costs BEFORE AFTER ANSWERS: event-loop and node bytes and CPU (us) per answer, the next allocator, and the
# wake-ups (voluntary context switches) per answer of the event loop and of the core thread, and the core
# thread's and the read projections' CPU (us) per answer.
costs() {
  awk -v answers="$3" -v hz="$(getconf CLK_TCK)" '
    FNR == NR { before[$1 " " $2] = $3; next }
    {
      d = $3 - before[$1 " " $2]
      loop = ($2 ~ /^flashsale-http/)
      if ($1 == "alloc") { all_b += d; if (loop) loop_b += d; else other_b[$2] += d }
      else if ($1 == "cs") { if (loop) loop_s += d; else if ($2 ~ /^flashsale-core/) core_s += d }
      else
      {
        all_c += d
        if (loop) loop_c += d; else if ($2 ~ /^flashsale-core/) core_c += d; else if ($2 ~ /^flashsale-proje/) proj_c += d
      }
    }
    END {
      top = ""; topv = 0
      for (t in other_b) if (other_b[t] > topv) { topv = other_b[t]; top = t }
      printf "%.0f %.2f %.0f %.2f %s %.0f %.3f %.3f %.2f %.2f\n", loop_b / answers, 1e6 * loop_c / hz / answers,
        all_b / answers, 1e6 * all_c / hz / answers, top, topv / answers, loop_s / answers, core_s / answers,
        1e6 * core_c / hz / answers, 1e6 * proj_c / hz / answers
    }' "$1" "$2"
}

# others BEFORE AFTER ANSWERS: the five threads (numbered ones as one: GC threads, compiler threads) but the
# event loops that used the most CPU, in us per answer: what the node spends beside the request path.
others() {
  awk -v answers="$3" -v hz="$(getconf CLK_TCK)" '
    $1 != "cpu" { next }
    { name = $2; sub(/#[0-9]+$/, "", name); sub(/[0-9]+$/, "", name) }
    FNR == NR { before[$2] = $3; next }
    name !~ /^flashsale-http/ { cpu[name] += $3 - before[$2] }
    END {
      for (n = 0; n < 5; n++) {
        top = ""; topv = -1
        for (t in cpu) if (cpu[t] > topv) { topv = cpu[t]; top = t }
        if (top == "" || topv <= 0) break
        printf "%s%s %.2f", (n ? ", " : ""), top, 1e6 * topv / hz / answers
        delete cpu[top]
      }
    }' "$1" "$2"
}

declare -A LOOP_B LOOP_C NODE_B NODE_C LOOP_S CORE_S CORE_C PROJ_C
measure_build() {
  local label=$1 jar=$2 pass=$3 run out answers line opts settings
  if [ "$label" = A ]; then opts=${A_JAVA_OPTS:-$NODE_JAVA_OPTS}; settings=${A_ENV:-}
  else opts=${B_JAVA_OPTS:-$NODE_JAVA_OPTS}; settings=${B_ENV:-}; fi
  rm -rf "$WORK/data"
  env $settings java $opts -jar "$jar" run --data-dir "$WORK/data" --port "$PORT" > "$WORK/node-$label.log" 2>&1 &
  NODE=$!
  for _ in $(seq 1 240); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/health/ready" 2>/dev/null)" = 200 ] && break
    sleep 0.5
  done
  jit_warmup_runs "$LOADGEN_JAR" "$PORT" "${JIT_WARMUP:-40}" "${SALE[@]}" --sku-prefix "W$pass-"
  local open=(--warmup 0) extra=0
  if [ -n "$RATE" ]; then
    open=(--rate "$RATE" --warmup 5); extra=$((RATE * 5)); sleep 15
  fi
  for run in $(seq 1 "$RUNS"); do
    snapshot "$NODE" "$WORK/before"
    out=$(java $LOADGEN_JAVA_OPTS -jar "$LOADGEN_JAR" loadgen --port "$PORT" --duration "$DURATION" "${SALE[@]}" "${open[@]}" \
      --sku-prefix "P$pass-$run-")
    snapshot "$NODE" "$WORK/after"
    answers=$(echo "$out" | awk '/achieved/ { v = $0; sub(/.*\(/, "", v); sub(/ answers.*/, "", v); gsub(/,/, "", v); print v }')
    read -r lb lc nb nc top topb ls cs cc pc <<< "$(costs "$WORK/before" "$WORK/after" "$((answers + extra))")"
    LOOP_B[$label]+="$lb "; LOOP_C[$label]+="$lc "; NODE_B[$label]+="$nb "; NODE_C[$label]+="$nc "
    LOOP_S[$label]+="$ls "; CORE_S[$label]+="$cs "; CORE_C[$label]+="$cc "; PROJ_C[$label]+="$pc "
    printf '    %s pass %d run %d: %s answers (%s/s); event loop %s B, %s us per answer; node %s B, %s us per answer; ' \
      "$label" "$pass" "$run" "$answers" "$(echo "$out" | awk '/achieved/ { print $2 }')" "$lb" "$lc" "$nb" "$nc"
    printf 'next allocator %s %s B; wake-ups per answer: event loop %s, core thread %s; core thread %s us; projections %s us\n' \
      "$top" "$topb" "$ls" "$cs" "$cc" "$pc"
    echo "      CPU of the other threads, us per answer: $(others "$WORK/before" "$WORK/after" "$((answers + extra))")"
    if [ -n "$RATE" ]; then
      echo "      latency ms $(echo "$out" | awk '/latency ms/ { sub(/.*latency ms */, ""); print }')"
    fi
    if echo "$out" | grep -oE " [45][0-9][0-9] x" | grep -qv " 409 x"; then
      echo "    WARNING: answers other than 2xx and 409 in this run" >&2
    fi
  done
  kill "$NODE"; wait "$NODE" 2>/dev/null || true; NODE=
}

echo "== $(date -u +%FT%TZ) on $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg): A=$A_JAR B=$B_JAR"
echo "== node JVM options: A ${A_JAVA_OPTS:-$NODE_JAVA_OPTS}; B ${B_JAVA_OPTS:-$NODE_JAVA_OPTS}"
echo "== node settings of its own: A ${A_ENV:-none}; B ${B_ENV:-none}"
echo "== $PASSES passes x $RUNS runs of $DURATION s, $SCENARIO${STOCK:+, stock $STOCK per SKU}${RATE:+, open loop at $RATE/s}, $CONNECTIONS connections, after ${JIT_WARMUP:-40} s of JIT warm-up per node"
for pass in $(seq 1 "$PASSES"); do
  if [ $((pass % 2)) = 1 ]; then order="A B"; else order="B A"; fi
  for label in $order; do
    if [ "$label" = A ]; then measure_build A "$A_JAR" "$pass"; else measure_build B "$B_JAR" "$pass"; fi
  done
done
echo "== medians per answer ($(( PASSES * RUNS )) runs each)"
for label in A B; do
  # shellcheck disable=SC2086
  printf '    %s: event loop %s B, %s us; node %s B, %s us; core thread %s us; projections %s us; wake-ups: event loop %s, core thread %s\n' \
    "$label" "$(median ${LOOP_B[$label]})" "$(median ${LOOP_C[$label]})" "$(median ${NODE_B[$label]})" \
    "$(median ${NODE_C[$label]})" "$(median ${CORE_C[$label]})" "$(median ${PROJ_C[$label]})" "$(median ${LOOP_S[$label]})" \
    "$(median ${CORE_S[$label]})"
done
