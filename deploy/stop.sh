#!/usr/bin/env bash
# Stops what deploy/run.sh started, from its pid files; safe to run any number of times.
# Redis is stopped only if run.sh started it (it then left pids/redis.pid).
set -euo pipefail

# shellcheck source=deploy/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

STOP_TIMEOUT="${BATON_STOP_TIMEOUT:-30}"

# Sends SIGTERM to each named process, waits for all, then SIGKILLs stragglers.
stop_group() {
  local name pending=()
  for name in "$@"; do
    local file="$PID_DIR/$name.pid"
    [[ -e "$file" ]] || continue
    if pid_file_alive "$file" "$(pid_marker "$name")"; then
      say "stopping $name (pid $(<"$file"))"
      kill -TERM "$(<"$file")" 2>/dev/null || true
      pending+=("$name")
    else
      rm -f "$file"
    fi
  done
  [[ ${#pending[@]} -gt 0 ]] || return 0

  local deadline=$((SECONDS + STOP_TIMEOUT)) still
  while :; do
    still=()
    for name in "${pending[@]}"; do
      if pid_file_alive "$PID_DIR/$name.pid" "$(pid_marker "$name")"; then
        still+=("$name")
      fi
    done
    [[ ${#still[@]} -gt 0 ]] || break
    if ((SECONDS >= deadline)); then
      for name in "${still[@]}"; do
        warn "$name did not stop within ${STOP_TIMEOUT}s; killing it"
        kill -KILL "$(<"$PID_DIR/$name.pid")" 2>/dev/null || true
      done
      sleep 1
      break
    fi
    sleep 0.5
  done
  for name in "${pending[@]}"; do
    rm -f "$PID_DIR/$name.pid"
  done
}

if [[ ! -d "$PID_DIR" ]]; then
  say "nothing to stop (no $PID_DIR)"
  exit 0
fi

# Tells a run.sh that is watching that this stop is deliberate.
touch "$PID_DIR/stopping"
trap 'rm -f "$PID_DIR/stopping"' EXIT

# Services first, while Kafka is still there for them to commit and leave their groups.
stop_group "${SERVICES[@]}" callback
stop_group kafka
stop_group redis
say "stopped"
