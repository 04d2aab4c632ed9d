#!/usr/bin/env bash
# Brings all of Baton up on this machine: Redis, a one-node Kafka (KRaft) run from Maven
# Central jars, the demo receiver (the tenants' callbacks, and Meta's and Twilio's APIs) and the
# five services, then plays demo traffic through them. No Docker needed.
# Settings are env vars (deploy/README.md lists them). Ctrl-C or deploy/stop.sh stops it all.
set -euo pipefail

# shellcheck source=deploy/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
REDIS_PORT="${REDIS_PORT:-6379}"
INTAKE_PORT="${INTAKE_PORT:-8080}"
SENTIMENT_PORT="${SENTIMENT_PORT:-8081}"
ROUTING_PORT="${ROUTING_PORT:-8082}"
HANDOFF_PORT="${HANDOFF_PORT:-8083}"
GATEWAY_PORT="${GATEWAY_PORT:-8084}"
CALLBACK_PORT="${CALLBACK_PORT:-8099}"
TENANTS_FILE="$(abs_path "${BATON_TENANTS_FILE:-$BATON_ROOT/deploy/tenants.yaml}")"
BATON_DEMO="${BATON_DEMO:-1}"
BATON_DEMO_CONVERSATION="${BATON_DEMO_CONVERSATION:-demo-1}"
BATON_DETACH="${BATON_DETACH:-0}"
case "${BATON_SKIP_BUILD:-}" in
  "" | 0 | false | no) SKIP_BUILD=0 ;;
  *) SKIP_BUILD=1 ;;
esac
KAFKA_LIB="$RUN_DIR/kafka-lib"
KAFKA_DIR="$RUN_DIR/kafka"
# The secrets every demo tenant needs; names found in the tenants file are added to these.
REQUIRED_SECRETS=(BATON_SECRET_DEMO_DENTAL BATON_SECRET_DEMO_PARCELS BATON_SECRET_DEMO_SAAS
  BATON_AGENT_TOKEN_ALICE BATON_AGENT_TOKEN_BOB BATON_AGENT_TOKEN_CAROL)

# send-message.sh and the callback receiver find secrets and logs through this.
export BATON_RUN_DIR="$RUN_DIR"

LAUNCHED=0 # set once anything is started, so a failed start-up cleans up after itself
STOPPED=0

service_port() {
  case "$1" in
    intake-service) printf '%s\n' "$INTAKE_PORT" ;;
    sentiment-service) printf '%s\n' "$SENTIMENT_PORT" ;;
    routing-service) printf '%s\n' "$ROUTING_PORT" ;;
    handoff-service) printf '%s\n' "$HANDOFF_PORT" ;;
    agent-gateway) printf '%s\n' "$GATEWAY_PORT" ;;
  esac
}

stop_everything() {
  [[ "$STOPPED" == 1 ]] && return 0
  STOPPED=1
  [[ -z "${TAIL_PID:-}" ]] || kill "$TAIL_PID" 2>/dev/null || true
  "$BATON_ROOT/deploy/stop.sh" || true
  wait 2>/dev/null || true # reap our children
}

on_signal() {
  trap - INT TERM
  printf '\n'
  say "stopping Baton"
  stop_everything
  exit "$1"
}

on_exit() {
  local rc=$?
  if [[ $rc -ne 0 && "$LAUNCHED" == 1 && "$STOPPED" == 0 ]]; then
    warn "start-up failed; stopping what was started (logs stay in $LOG_DIR)"
    stop_everything
  fi
}

trap 'on_signal 130' INT
trap 'on_signal 143' TERM
trap on_exit EXIT

# Prints MESSAGE and the tail of each existing log file, then exits.
fail_with_logs() {
  local message="$1" file
  shift
  printf 'ERROR: %s\n' "$message" >&2
  for file in "$@"; do
    if [[ -s "$file" ]]; then
      printf -- '----- last lines of %s -----\n' "$file" >&2
      tail -n 40 "$file" >&2
    fi
  done
  exit 1
}

# True when something accepts TCP connections on 127.0.0.1:PORT.
port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Starts a command detached from this terminal (so Ctrl-C reaches only this script, which
# then stops things in order) and records its pid as pids/NAME.pid.
launch() {
  local name="$1" log="$2"
  shift 2
  if command -v setsid >/dev/null; then
    setsid "$@" >"$log" 2>&1 </dev/null &
  else
    nohup "$@" >"$log" 2>&1 </dev/null &
  fi
  printf '%s\n' "$!" >"$PID_DIR/$name.pid"
  LAUNCHED=1
}

# Waits until NAME's PORT accepts connections; fails early if the process died.
wait_for_port() {
  local name="$1" port="$2" timeout="$3"
  shift 3
  local deadline=$((SECONDS + timeout))
  until port_open "$port"; do
    if ! pid_file_alive "$PID_DIR/$name.pid" "$(pid_marker "$name")"; then
      fail_with_logs "$name exited during start-up" "$@"
    fi
    if ((SECONDS >= deadline)); then
      fail_with_logs "$name did not listen on port $port within ${timeout}s" "$@"
    fi
    sleep 0.5
  done
}

# ---------------------------------------------------------------- checks

check_tools() {
  command -v java >/dev/null ||
    die "Java 17 or newer is needed (e.g. apt-get install -y openjdk-17-jdk-headless)"
  local settings version
  # Captured whole first: a reader that stops early would break the pipe under pipefail.
  settings="$(java -XshowSettings:properties -version 2>&1 || true)"
  version="$(awk -F'= ' '/java.specification.version/ {print $2}' <<<"$settings")"
  version="${version#1.}" # 1.8 -> 8
  version="${version%%.*}"
  [[ "$version" =~ ^[0-9]+$ && "$version" -ge 17 ]] ||
    die "Java 17 or newer is needed; 'java' on PATH is version ${version:-unknown} ($(command -v java))"
  # The demo receiver runs from source, which needs a JDK rather than a bare JRE.
  [[ "$(java --list-modules 2>/dev/null || true)" == *jdk.compiler@* ]] ||
    die "a full JDK is needed (the 'java' on PATH has no compiler): apt-get install -y openjdk-17-jdk-headless"
  if [[ "$SKIP_BUILD" == 0 || ! -d "$KAFKA_LIB" ]]; then
    command -v mvn >/dev/null ||
      die "Maven is needed to build Baton and fetch Kafka (e.g. apt-get install -y maven)"
  fi
  command -v curl >/dev/null || die "curl is needed (apt-get install -y curl)"
  local var
  for var in KAFKA_PORT KAFKA_CONTROLLER_PORT REDIS_PORT INTAKE_PORT SENTIMENT_PORT ROUTING_PORT \
    HANDOFF_PORT GATEWAY_PORT CALLBACK_PORT; do
    [[ "${!var}" =~ ^[0-9]+$ && "${!var}" -gt 0 && "${!var}" -lt 65536 ]] ||
      die "$var must be a port number, not '${!var}'"
  done
  [[ -r "$TENANTS_FILE" ]] || die "tenants file not found: $TENANTS_FILE (BATON_TENANTS_FILE)"
}

check_not_running() {
  local name
  for name in kafka callback "${SERVICES[@]}"; do
    if pid_file_alive "$PID_DIR/$name.pid" "$(pid_marker "$name")"; then
      die "Baton already runs from $RUN_DIR ($name is pid $(<"$PID_DIR/$name.pid")); stop it first: deploy/stop.sh"
    fi
  done
}

check_ports_free() {
  local var
  for var in KAFKA_PORT KAFKA_CONTROLLER_PORT CALLBACK_PORT INTAKE_PORT SENTIMENT_PORT \
    ROUTING_PORT HANDOFF_PORT GATEWAY_PORT; do
    if port_open "${!var}"; then
      die "port ${!var} ($var) is already in use: stop what listens there or set $var to a free port"
    fi
  done
}

# ---------------------------------------------------------------- build

build() {
  if [[ "$SKIP_BUILD" == 1 ]]; then
    say "skipping the build (BATON_SKIP_BUILD=$BATON_SKIP_BUILD)"
  else
    say "building Baton: mvn -q -B -DskipTests -Dbaton.skipImages install (the first build downloads dependencies and takes minutes)"
    (cd "$BATON_ROOT" && mvn -q -B -DskipTests -Dbaton.skipImages install) ||
      die "the build failed (see above); fix it, or run an existing build with BATON_SKIP_BUILD=1"
  fi
  local svc
  for svc in "${SERVICES[@]}"; do
    [[ -f "$BATON_ROOT/$svc/target/quarkus-app/quarkus-run.jar" ]] ||
      die "$svc/target/quarkus-app/quarkus-run.jar is missing: run without BATON_SKIP_BUILD to build it"
  done
}

# ---------------------------------------------------------------- secrets

random_secret() {
  if command -v openssl >/dev/null; then
    openssl rand -hex 24
  else
    od -An -tx1 -N24 /dev/urandom | tr -d ' \n'
    printf '\n'
  fi
}

# Creates secrets.env on the first run, adds any missing name later, and exports each one.
# A value already set in the environment wins over the file.
prepare_secrets() {
  local names=("${REQUIRED_SECRETS[@]}") name value
  # Every variable the tenants file names (webhookSecretEnv, tokenEnv, the channels' appSecretEnv,
  # accessTokenEnv, authTokenEnv, ...): any "<name>Env: VARIABLE".
  while read -r name; do
    names+=("$name")
  done < <(sed -nE 's/^[[:space:]-]*[A-Za-z]*Env:[[:space:]]*["'\'']?([A-Z][A-Z0-9_]*).*/\1/p' "$TENANTS_FILE")

  (umask 077 && touch "$SECRETS_FILE")
  chmod 600 "$SECRETS_FILE"
  for name in "${names[@]}"; do
    if ! grep -q "^$name=" "$SECRETS_FILE"; then
      printf '%s=%s\n' "$name" "$(random_secret)" >>"$SECRETS_FILE"
    fi
    if [[ -z "${!name:-}" ]]; then
      value="$(secret_from_file "$name")"
      export "$name=$value"
    else
      export "${name?}"
    fi
  done
}

# ---------------------------------------------------------------- redis

redis_ping() {
  local reply
  if command -v redis-cli >/dev/null; then
    reply="$(timeout 5 redis-cli -h 127.0.0.1 -p "$1" ping 2>/dev/null || true)"
  else
    # shellcheck disable=SC2016 # $1 is expanded by the inner bash
    reply="$(timeout 5 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1" && printf "PING\r\n" >&3 &&
      IFS= read -r line <&3 && printf "%s" "$line"' _ "$1" 2>/dev/null || true)"
  fi
  [[ "$reply" == *PONG* ]]
}

install_redis() {
  local sudo=()
  command -v apt-get >/dev/null ||
    die "redis-server is not installed and there is no apt-get: install Redis yourself, or start one and set REDIS_PORT"
  if [[ "$(id -u)" -ne 0 ]]; then
    if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
      sudo=(sudo)
    elif command -v sudo >/dev/null && [[ -t 0 ]]; then
      sudo=(sudo) # will ask for the password
    else
      die "redis-server is not installed and installing it needs root: run 'sudo apt-get install -y redis-server', or start a Redis and set REDIS_PORT"
    fi
  fi
  say "installing redis-server with apt-get"
  "${sudo[@]}" apt-get update -q || die "apt-get update failed"
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q redis-server ||
    die "apt-get install redis-server failed"
  hash -r
  command -v redis-server >/dev/null || die "redis-server is still not on PATH after installing it"
}

ensure_redis() {
  if redis_ping "$REDIS_PORT"; then
    say "Redis: using the one that answers on 127.0.0.1:$REDIS_PORT"
    return 0
  fi
  if port_open "$REDIS_PORT"; then
    die "something listens on port $REDIS_PORT but does not answer a Redis PING (a password?); set REDIS_PORT to a free port"
  fi
  command -v redis-server >/dev/null || install_redis
  # The package may have started its own Redis on this port.
  if redis_ping "$REDIS_PORT"; then
    say "Redis: using the one that answers on 127.0.0.1:$REDIS_PORT"
    return 0
  fi
  say "Redis: starting redis-server on 127.0.0.1:$REDIS_PORT (no persistence)"
  mkdir -p "$RUN_DIR/redis"
  # pids/redis.pid is also how stop.sh knows that this Redis is ours to stop.
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --daemonize yes --save '' --appendonly no \
    --pidfile "$PID_DIR/redis.pid" --logfile "$LOG_DIR/redis.log" --dir "$RUN_DIR/redis" ||
    fail_with_logs "redis-server did not start" "$LOG_DIR/redis.log"
  LAUNCHED=1
  local deadline=$((SECONDS + 15))
  until redis_ping "$REDIS_PORT"; do
    ((SECONDS < deadline)) || fail_with_logs "Redis did not answer PING within 15s" "$LOG_DIR/redis.log"
    sleep 0.3
  done
}

# ---------------------------------------------------------------- kafka

fetch_kafka() {
  local pom="$BATON_ROOT/deploy/kafka/pom.xml" stamp
  stamp="$(cksum <"$pom")"
  # Re-fetch when the pom changed (e.g. a Kafka upgrade), not on every run.
  if [[ -f "$KAFKA_LIB/.pom-cksum" && "$(<"$KAFKA_LIB/.pom-cksum")" == "$stamp" ]]; then
    return 0
  fi
  say "Kafka: fetching the broker jars from Maven Central into $KAFKA_LIB (once)"
  local partial="$KAFKA_LIB.partial"
  rm -rf "$partial"
  mvn -q -B -f "$pom" dependency:copy-dependencies -DoutputDirectory="$partial" ||
    die "could not fetch the Kafka jars (mvn -f deploy/kafka/pom.xml dependency:copy-dependencies)"
  printf '%s\n' "$stamp" >"$partial/.pom-cksum"
  rm -rf "$KAFKA_LIB"
  mv "$partial" "$KAFKA_LIB" # only a complete download ever sits at KAFKA_LIB
}

write_kafka_config() {
  mkdir -p "$KAFKA_DIR/data"
  cat >"$KAFKA_DIR/server.properties" <<EOF
# GENERATED by deploy/run.sh on every start; edit the script, not this file.
# One node that is both broker and KRaft controller.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$KAFKA_DIR/data
num.partitions=3
# A single broker cannot hold more than one replica of the internal topics.
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
# No other group members will ever join: do not wait for them.
group.initial.rebalance.delay.ms=0
EOF
}

kafka_java() {
  java -Dlog4j2.configurationFile="$BATON_ROOT/deploy/kafka/log4j2.properties" \
    -Dkafka.logs.dir="$LOG_DIR" -cp "$KAFKA_LIB/*" "$@"
}

start_kafka() {
  fetch_kafka
  write_kafka_config
  if [[ ! -f "$KAFKA_DIR/data/meta.properties" ]]; then
    local cluster_id
    cluster_id="$(kafka_java kafka.tools.StorageTool random-uuid)" ||
      die "kafka.tools.StorageTool random-uuid failed"
    say "Kafka: formatting storage (cluster id $cluster_id)"
    # With a static controller.quorum.voters, KRaft formats without --standalone.
    kafka_java kafka.tools.StorageTool format -t "$cluster_id" -c "$KAFKA_DIR/server.properties" \
      >"$LOG_DIR/kafka-format.log" 2>&1 ||
      fail_with_logs "formatting the Kafka storage failed" "$LOG_DIR/kafka-format.log"
  fi
  say "Kafka: starting the broker on 127.0.0.1:$KAFKA_PORT"
  launch kafka "$LOG_DIR/kafka.out" java -Xms256m -Xmx512m \
    -Dlog4j2.configurationFile="$BATON_ROOT/deploy/kafka/log4j2.properties" \
    -Dkafka.logs.dir="$LOG_DIR" -cp "$KAFKA_LIB/*" kafka.Kafka "$KAFKA_DIR/server.properties"
  wait_for_port kafka "$KAFKA_PORT" 60 "$LOG_DIR/kafka.out" "$LOG_DIR/kafka-server.log"
}

# ---------------------------------------------------------------- demo receiver, services

# The demo tenants' callbackUrl and provider apiBaseUrls point at port 8099; on another
# CALLBACK_PORT the services read a copy of the tenants file with that port (the original is
# never changed).
effective_tenants_file() {
  # (Also the web chat's allowedOrigins, "http://127.0.0.1:8099": the demo site is served there.)
  if [[ "$CALLBACK_PORT" != 8099 ]] && grep -qE '(127\.0\.0\.1|localhost):8099(/(callback|graph|twilio|mailgun)\b|")' "$TENANTS_FILE"; then
    local copy="$RUN_DIR/tenants.yaml"
    {
      printf '# GENERATED by deploy/run.sh from %s with the demo receiver on port %s; do not edit.\n' \
        "$TENANTS_FILE" "$CALLBACK_PORT"
      sed -E "s#(127\\.0\\.0\\.1|localhost):8099(/(callback|graph|twilio|mailgun)\\b|\")#\\1:$CALLBACK_PORT\\2#g" "$TENANTS_FILE"
    } >"$copy"
    printf '%s\n' "$copy"
  else
    printf '%s\n' "$TENANTS_FILE"
  fi
}

start_callback_receiver() {
  say "demo receiver (callbacks, Graph API, Twilio API): starting on 127.0.0.1:$CALLBACK_PORT"
  : >"$LOG_DIR/callback.log"
  # It reads the channel tokens (exported by prepare_secrets) and, from the tenants file, which
  # variable holds whose.
  launch callback "$LOG_DIR/callback-receiver.out" env CALLBACK_PORT="$CALLBACK_PORT" \
    BATON_TENANTS_FILE="$EFFECTIVE_TENANTS_FILE" BATON_ROOT="$BATON_ROOT" \
    BATON_INTAKE_URL="http://127.0.0.1:$INTAKE_PORT" \
    java -Xmx128m -XX:TieredStopAtLevel=1 "$BATON_ROOT/deploy/demo/CallbackReceiver.java"
  wait_for_port callback "$CALLBACK_PORT" 60 "$LOG_DIR/callback-receiver.out"
}

start_services() {
  local tenants="$EFFECTIVE_TENANTS_FILE" svc port extra
  [[ "$tenants" == "$TENANTS_FILE" ]] || say "services read $tenants (demo receiver moved to port $CALLBACK_PORT)"
  for svc in "${SERVICES[@]}"; do
    port="$(service_port "$svc")"
    extra=()
    if [[ "$svc" == handoff-service ]]; then
      extra=("HANDOFF_STATE_DIR=$RUN_DIR/streams-state")
    elif [[ "$svc" == routing-service ]]; then
      # Agents' intent corrections, kept for the next retrain (nlp/README.md).
      extra=("ROUTING_FEEDBACK_FILE=$RUN_DIR/intent-feedback.csv")
    fi
    say "$svc: starting on 127.0.0.1:$port"
    # Secrets reach the services through the exported environment.
    launch "$svc" "$LOG_DIR/$svc.log" env \
      QUARKUS_HTTP_PORT="$port" \
      QUARKUS_HTTP_HOST=127.0.0.1 \
      KAFKA_BOOTSTRAP_SERVERS="127.0.0.1:$KAFKA_PORT" \
      BATON_TENANTS_FILE="$tenants" \
      BATON_REDIS_HOST=127.0.0.1 \
      BATON_REDIS_PORT="$REDIS_PORT" \
      "${extra[@]}" \
      java -Xmx384m -jar "$BATON_ROOT/$svc/target/quarkus-app/quarkus-run.jar"
  done
  # Started together, then awaited one by one: on 2 cores that beats starting them in turn.
  for svc in "${SERVICES[@]}"; do
    wait_ready "$svc" "$(service_port "$svc")" 90
  done
}

wait_ready() {
  local svc="$1" port="$2" timeout="$3" code
  local deadline=$((SECONDS + timeout))
  while :; do
    code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 3 "http://127.0.0.1:$port/q/health/ready" || true)"
    [[ "$code" == 200 ]] && break
    if ! pid_file_alive "$PID_DIR/$svc.pid" "$(pid_marker "$svc")"; then
      fail_with_logs "$svc exited during start-up" "$LOG_DIR/$svc.log"
    fi
    if ((SECONDS >= deadline)); then
      [[ "$code" =~ ^[1-9] ]] || code="nothing"
      # The health body names the check that is down.
      curl -s --max-time 3 "http://127.0.0.1:$port/q/health/ready" >"$LOG_DIR/$svc.health.json" 2>/dev/null || true
      fail_with_logs "$svc was not ready within ${timeout}s (http://127.0.0.1:$port/q/health/ready answered $code)" \
        "$LOG_DIR/$svc.log" "$LOG_DIR/$svc.health.json"
    fi
    sleep 1
  done
  say "$svc: ready"
}

# ---------------------------------------------------------------- demo, summary, watch

send_hint() {
  local prefix=""
  [[ "$INTAKE_PORT" == 8080 ]] || prefix+="INTAKE_PORT=$INTAKE_PORT "
  [[ "$RUN_DIR" == "$BATON_ROOT/deploy/.run" ]] || prefix+="BATON_RUN_DIR=$RUN_DIR "
  printf '%sdeploy/send-message.sh %s' "$prefix" "$*"
}

# Lines of callback.log already shown while the demo ran; the watch that follows starts after them.
SHOWN_SENT=0

# Prints what Baton sent to customers (callback.log) since the last call: waits up to TIMEOUT
# seconds for a first new line, then until none has come for 1.5 s. A conversation that a person
# already owns (a second run continues the demo ones) gets no bot answer: then it prints nothing.
show_sent() {
  local timeout="$1" deadline lines last quiet=-1
  deadline=$((SECONDS + timeout))
  last="$SHOWN_SENT"
  while ((SECONDS < deadline && quiet < 5)); do
    sleep 0.3
    lines="$(wc -l <"$LOG_DIR/callback.log")"
    if ((lines > last)); then
      last="$lines"
      quiet=0
    elif ((quiet >= 0)); then
      quiet=$((quiet + 1)) # five quiet looks: about 1.5 s
    fi
  done
  if ((last > SHOWN_SENT)); then
    sed -n "$((SHOWN_SENT + 1)),${last}p" "$LOG_DIR/callback.log" | sed 's/^/    Baton sent /'
    SHOWN_SENT="$last"
  fi
}

# The demo's customers and their numbers (E.164; 07700 900xxx are Ofcom's numbers for drama).
DEMO_WHATSAPP_CUSTOMER="+4915112345678"
DEMO_CALLER="+447700900123"
DEMO_MISSED_CALLER="+447700900456"

post_demo_traffic() {
  [[ "$BATON_DEMO" == 1 ]] || return 0
  local text
  say "demo: a customer of demo-dental writes on the web chat, conversation $BATON_DEMO_CONVERSATION"
  for text in "What are your opening hours?" "I want to speak to someone"; do
    printf '    customer> %s\n' "$text"
    if ! "$BATON_ROOT/deploy/send-message.sh" demo-dental "$BATON_DEMO_CONVERSATION" "$text" 2>&1 |
      sed 's/^/      /'; then
      warn "the intake refused the demo message; see $LOG_DIR/intake-service.log"
    fi
    show_sent 20
  done

  # The provider channels: the real adapters, fed by the simulator with signed provider webhooks;
  # Baton's answers go to the demo receiver standing in for Meta's and Twilio's APIs.
  say "demo: Mia writes to demo-dental's WhatsApp number (Meta's Cloud API webhook)"
  for text in "Hi, is there parking near the practice?" \
    "You moved my appointment again without asking me. I want to make a complaint."; do
    printf '    Mia (WhatsApp %s)> %s\n' "$DEMO_WHATSAPP_CUSTOMER" "$text"
    if ! run_providers whatsapp demo-dental "$DEMO_WHATSAPP_CUSTOMER" "$text" "Mia Becker" 2>&1 | sed 's/^/      /'; then
      warn "the WhatsApp webhook was refused; see $LOG_DIR/intake-service.log"
    fi
    show_sent 20
  done

  say "demo: nobody took a call from $DEMO_MISSED_CALLER (Twilio's status callback: no-answer)"
  if ! run_providers missed-call demo-dental "$DEMO_MISSED_CALLER" 2>&1 | sed 's/^/      /'; then
    warn "the call status callback was refused; see $LOG_DIR/intake-service.log"
  fi
  show_sent 20

  say "demo: Sam emails demo-dental's reception (a Mailgun route's forward; the reply goes out by Mailgun, threaded)"
  if ! run_providers email demo-dental "Sam Patel <sam.patel@example.com>" "Opening hours" \
    $'Hello, what are your opening hours?\n\n-- \nSam Patel' 2>&1 | sed 's/^/      /'; then
    warn "the Mailgun webhook was refused; see $LOG_DIR/intake-service.log"
  fi
  show_sent 20

  say "demo: $DEMO_CALLER calls demo-dental's Twilio number (Twilio's voice webhooks and TwiML)"
  if ! run_providers call demo-dental "$DEMO_CALLER" "What time do you open on Saturday?" \
    "Can you put me through to reception?" 2>&1 | sed 's/^/      /'; then
    warn "the call webhooks were refused; see $LOG_DIR/intake-service.log"
  fi
}

print_summary() {
  local prefix=""
  [[ "$INTAKE_PORT" == 8080 ]] || prefix+="INTAKE_PORT=$INTAKE_PORT "
  [[ "$RUN_DIR" == "$BATON_ROOT/deploy/.run" ]] || prefix+="BATON_RUN_DIR=$RUN_DIR "
  cat <<EOF

Baton is up.
  Intake (channel webhooks)  POST http://127.0.0.1:$INTAKE_PORT/v1/events
                             http://127.0.0.1:$INTAKE_PORT/v1/channels/whatsapp/<tenant>   (Meta)
                             http://127.0.0.1:$INTAKE_PORT/v1/channels/twilio/<tenant>/... (Twilio)
                             http://127.0.0.1:$INTAKE_PORT/v1/channels/mailgun/<tenant>    (Mailgun)
                             http://127.0.0.1:$INTAKE_PORT/v1/channels/sendgrid/<tenant>/<token> (SendGrid)
  Agent desktop              http://127.0.0.1:$GATEWAY_PORT/
  Web chat (demo site)       http://127.0.0.1:$CALLBACK_PORT/site/webchat.html
                             (the widget: <script src="http://127.0.0.1:$INTAKE_PORT/v1/webchat/widget.js" data-tenant="demo-dental" async>)
  Agent event stream (SSE)   http://127.0.0.1:$GATEWAY_PORT/v1/agent/stream
  Demo receiver              http://127.0.0.1:$CALLBACK_PORT/callback/<tenant>, /graph/... (Meta), /twilio/... (Twilio), /mailgun/... (Mailgun)

  Agent login: alice (demo-dental supervisor), token ${BATON_AGENT_TOKEN_ALICE:-}
               dan (demo-dental reception), token ${BATON_AGENT_TOKEN_DAN:-}
  (erin's, bob's and carol's tokens, and the tenants' webhook secrets, are in $SECRETS_FILE)

  Post a customer message:
    $(send_hint "demo-dental conv-2 \"Where is the practice?\"")
  Play Meta, Twilio and Mailgun (demo-dental's WhatsApp number, its Twilio number +442079460123
  and its email reception@mg.brightsmile.example):
    ${prefix}deploy/send-whatsapp.sh demo-dental +4915112345678 "Can I bring my son along?"
    ${prefix}deploy/call.sh demo-dental +447700900123 "Where are you?" "" "Is anyone there?"
    ${prefix}deploy/missed-call.sh demo-dental +447700900456
    ${prefix}deploy/send-sms.sh demo-dental +447700900789 "Can I move my check-up to Friday?"
    ${prefix}deploy/send-email.sh demo-dental "Sam <sam@example.com>" "Parking" "Is there parking nearby?"

  Logs: $LOG_DIR/
    <service>.log for each service, kafka-server.log, redis.log,
    callback.log (messages sent to customers: callbacks, WhatsApp, SMS, email)

Ctrl-C or deploy/stop.sh stops everything.
EOF
}

# Follows the customer-facing messages until Ctrl-C; notices processes that die.
watch_until_stopped() {
  say "messages Baton sends to customers (from $LOG_DIR/callback.log):"
  tail -n "+$((SHOWN_SENT + 1))" -F "$LOG_DIR/callback.log" 2>/dev/null &
  TAIL_PID=$!
  local name reported=" " alive deadline
  while :; do
    sleep 2 &
    wait $! || true
    if [[ -e "$PID_DIR/stopping" ]]; then
      say "deploy/stop.sh is stopping Baton"
      deadline=$((SECONDS + 120))
      while [[ -e "$PID_DIR/stopping" ]] && ((SECONDS < deadline)); do
        sleep 0.5
      done
      STOPPED=1
      kill "$TAIL_PID" 2>/dev/null || true
      exit 0
    fi
    alive=0
    for name in kafka callback "${SERVICES[@]}"; do
      if pid_file_alive "$PID_DIR/$name.pid" "$(pid_marker "$name")"; then
        alive=1
      elif [[ "$reported" != *" $name "* ]]; then
        reported+="$name "
        warn "$name has stopped; see $LOG_DIR/"
      fi
    done
    if [[ "$alive" == 0 ]]; then
      say "everything has stopped"
      stop_everything
      exit 0
    fi
  done
}

main() {
  check_tools
  mkdir -p "$PID_DIR" "$LOG_DIR"
  check_not_running
  check_ports_free
  build
  prepare_secrets
  ensure_redis
  start_kafka
  EFFECTIVE_TENANTS_FILE="$(effective_tenants_file)"
  start_callback_receiver
  start_services
  post_demo_traffic
  print_summary
  if [[ "$BATON_DETACH" == 1 ]]; then
    return 0
  fi
  watch_until_stopped
}

# Sourcing the script (for tests) defines the functions without starting anything.
if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  main "$@"
fi
