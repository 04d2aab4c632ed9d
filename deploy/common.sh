# Shared by the deploy scripts (run.sh, stop.sh, send-*.sh, call.sh, missed-call.sh); sourced, not run.
# shellcheck shell=bash
# shellcheck disable=SC2034 # the variables below are used by the scripts that source this

BATON_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# Relative paths given by the user are taken from where they ran the script.
abs_path() {
  case "$1" in
    /*) printf '%s\n' "$1" ;;
    *) printf '%s\n' "$PWD/$1" ;;
  esac
}

if [[ -n "${BATON_RUN_DIR:-}" ]]; then
  RUN_DIR="$(abs_path "$BATON_RUN_DIR")"
else
  RUN_DIR="$BATON_ROOT/deploy/.run"
fi
PID_DIR="$RUN_DIR/pids"
LOG_DIR="$RUN_DIR/logs"
SECRETS_FILE="$RUN_DIR/secrets.env"

# The five services, in pipeline order.
SERVICES=(intake-service sentiment-service routing-service handoff-service agent-gateway)

say() {
  if [[ -t 1 ]]; then
    printf '\033[1m==>\033[0m %s\n' "$*"
  else
    printf '==> %s\n' "$*"
  fi
}
warn() { printf 'WARNING: %s\n' "$*" >&2; }
die() {
  printf 'ERROR: %s\n' "$*" >&2
  exit 1
}

# The env var holding a tenant's webhook secret: demo-dental -> BATON_SECRET_DEMO_DENTAL.
secret_var_for_tenant() {
  local upper="${1^^}"
  printf 'BATON_SECRET_%s\n' "${upper//-/_}"
}

# Prints the value of NAME in secrets.env (NAME=VALUE lines), nothing if absent.
# Parsed rather than sourced so the file can never run code.
secret_from_file() {
  local name="$1" key value
  [[ -r "$SECRETS_FILE" ]] || return 0
  while IFS='=' read -r key value; do
    if [[ "$key" == "$name" ]]; then
      printf '%s\n' "$value"
      return 0
    fi
  done <"$SECRETS_FILE"
}

# True when the pid in FILE is alive and its command line still contains MARKER
# (guards against a recycled pid after a reboot). Zombies count as dead.
pid_file_alive() {
  local file="$1" marker="$2" pid stat state cmdline
  [[ -s "$file" ]] || return 1
  pid="$(tr -dc '0-9' <"$file")"
  [[ -n "$pid" ]] || return 1
  stat="$(cat "/proc/$pid/stat" 2>/dev/null)" || return 1
  state="${stat##*) }" # the field after "(comm)", which may itself hold spaces
  state="${state%% *}"
  [[ "$state" != "Z" && -n "$state" ]] || return 1
  cmdline="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" || return 1
  [[ "$cmdline" == *"$marker"* ]]
}

# What a pid file's process must have on its command line, by pid file name.
pid_marker() {
  case "$1" in
    kafka) printf 'kafka.Kafka\n' ;;
    redis) printf 'redis-server\n' ;;
    callback) printf 'CallbackReceiver\n' ;;
    *) printf '%s/target/quarkus-app/quarkus-run.jar\n' "$1" ;;
  esac
}

# Runs the provider simulator (deploy/demo/Providers.java: Meta's and Twilio's webhooks, signed
# with the secrets in secrets.env) against the local intake, with this run's settings.
run_providers() {
  command -v java >/dev/null || die "Java 17 or newer (a JDK) is needed"
  BATON_RUN_DIR="$RUN_DIR" \
    BATON_TENANTS_FILE="$(abs_path "${BATON_TENANTS_FILE:-$BATON_ROOT/deploy/tenants.yaml}")" \
    INTAKE_PORT="${INTAKE_PORT:-8080}" \
    java -Xmx128m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC "$BATON_ROOT/deploy/demo/Providers.java" "$@"
}
