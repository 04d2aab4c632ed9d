#!/usr/bin/env bash
# Runs every Baton test: unit, TopologyTestDriver, @QuarkusTest on a real in-JVM Kafka broker,
# and the end-to-end tests of the five packaged services, among them the agent desktop's browser
# test. Needs Java 17+, Maven, Redis on 127.0.0.1:6379 (started here if absent; installed if
# missing and we are allowed to), Debian's chromium and chromium-driver, kubectl, node and npm
# for the Kubernetes manifests' offline check, and Debian's promtool (package prometheus) for the
# alert rules' tests (each installed if missing).
set -euo pipefail
cd "$(dirname "$0")"

redis_port="${BATON_REDIS_PORT:-6379}"
redis_up() {
  if command -v redis-cli >/dev/null 2>&1; then
    [ "$(redis-cli -h 127.0.0.1 -p "$redis_port" ping 2>/dev/null)" = "PONG" ]
  else
    exec 3<>"/dev/tcp/127.0.0.1/$redis_port" 2>/dev/null || return 1
    printf 'PING\r\n' >&3
    local reply
    read -r -t 2 reply <&3 || true
    exec 3>&-
    [[ "$reply" == +PONG* ]]
  fi
}
if ! redis_up; then
  if ! command -v redis-server >/dev/null 2>&1; then
    echo "Redis is not running and not installed; installing redis-server..." >&2
    sudo_cmd=""
    [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq && $sudo_cmd apt-get install -y -qq redis-server >/dev/null
  fi
  echo "Starting Redis on 127.0.0.1:$redis_port for the tests" >&2
  redis-server --bind 127.0.0.1 --port "$redis_port" --daemonize yes --save '' --appendonly no >/dev/null
  for _ in $(seq 1 50); do redis_up && break; sleep 0.1; done
  redis_up || { echo "Redis did not start on port $redis_port" >&2; exit 1; }
fi

# The desktop's browser test drives Debian's Chromium through its chromedriver, both at fixed
# paths (Selenium is pointed at them and never downloads a browser or driver itself).
if [ ! -x /usr/bin/chromedriver ]; then
  echo "chromedriver is missing; installing chromium and chromium-driver..." >&2
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  $sudo_cmd env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
  [ -x /usr/bin/chromedriver ] && [ -x /usr/bin/chromium ] || { echo "chromium or chromedriver did not install" >&2; exit 1; }
fi

# The Kubernetes manifests' test renders them with kubectl's Kustomize and validates them with a
# Node script (deploy/k8s/validate), offline: no cluster is contacted.
k8s_tools=()
command -v kubectl >/dev/null 2>&1 || k8s_tools+=(kubectl)
command -v node >/dev/null 2>&1 || k8s_tools+=(nodejs)
command -v npm >/dev/null 2>&1 || k8s_tools+=(npm)
if [ "${#k8s_tools[@]}" -gt 0 ]; then
  echo "${k8s_tools[*]} missing; installing..." >&2
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  $sudo_cmd env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${k8s_tools[@]}" >/dev/null
  command -v kubectl >/dev/null 2>&1 && command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 \
    || { echo "kubectl, node or npm did not install" >&2; exit 1; }
fi

# The alert rules' tests (deploy/observability) run Debian's promtool.
if [ ! -x /usr/bin/promtool ]; then
  echo "promtool is missing; installing prometheus..." >&2
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  $sudo_cmd env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq prometheus >/dev/null
  [ -x /usr/bin/promtool ] || { echo "promtool did not install" >&2; exit 1; }
fi

exec mvn -B -ntp verify "$@"
