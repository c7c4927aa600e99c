# Shell functions shared by the benchmark scripts (sourced, not run).

# The JVM options a standalone node runs with in production (deploy/Dockerfile's JAVA_TOOL_OPTIONS,
# StandaloneNode.JVM_OPTIONS): the scripts start `flashsale run` with them. As the image does with
# InitialRAMPercentage = MaxRAMPercentage and AlwaysPreTouch, the heap is fixed and touched before the
# node starts (3 GB: the tables the scripts size the engine for keep 1.57 GB live); a page of the heap
# first touched inside a young pause made that pause 10 to 25 ms longer on the dev VM
# (docs/BENCHMARKS.md, "Young pauses and the heap's first touch"). NODE_JAVA_OPTS overrides.
NODE_JAVA_OPTS=${NODE_JAVA_OPTS:--XX:MaxTenuringThreshold=2 -XX:-ClassUnloadingWithConcurrentMark -Xms3g -Xmx3g -XX:+AlwaysPreTouch}

# wait_for URL: waits until the URL answers HTTP at all (any status: the reference server has no health route).
wait_for() {
  for _ in $(seq 1 120); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$1" 2>/dev/null)" != 000 ] && return 0
    sleep 0.5
  done
  echo "not up: $1" >&2
  exit 1
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
