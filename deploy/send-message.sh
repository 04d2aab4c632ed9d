#!/usr/bin/env bash
# Posts one signed customer message to the local intake, as a channel webhook would.
#   deploy/send-message.sh TENANT CONVERSATION TEXT [CHANNEL]
# The secret comes from $BATON_SECRET_<TENANT> or else from $BATON_RUN_DIR/secrets.env.
set -euo pipefail

# shellcheck source=deploy/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

usage() {
  cat >&2 <<EOF
usage: $0 TENANT CONVERSATION TEXT [CHANNEL]
  e.g. $0 demo-dental demo-1 "What are your opening hours?"
  CHANNEL: WEBCHAT (default), WHATSAPP, SMS, EMAIL, VOICE
  env: INTAKE_PORT (default 8080), BATON_RUN_DIR, BATON_SECRET_<TENANT>
EOF
  exit 2
}

[[ $# -ge 3 && $# -le 4 ]] || usage
tenant="$1"
conversation="$2"
text="$3"
channel="${4:-WEBCHAT}"
[[ "$tenant" =~ ^[a-z0-9-]+$ ]] || die "tenant id must be lower-case letters, digits and '-': $tenant"
[[ "$channel" =~ ^[A-Z]+$ ]] || die "channel must be upper-case, e.g. WEBCHAT: $channel"
[[ -n "$conversation" ]] || die "conversation id must not be empty"
command -v curl >/dev/null || die "curl is needed (apt-get install -y curl)"
command -v openssl >/dev/null || die "openssl is needed (apt-get install -y openssl)"

# JSON string escaping in plain bash: backslash first, then quote, then control characters.
json_escape() {
  local s="$1" i c
  s="${s//\\/\\\\}"
  s="${s//\"/\\\"}"
  s="${s//$'\n'/\\n}"
  s="${s//$'\r'/\\r}"
  s="${s//$'\t'/\\t}"
  for i in {1..31}; do
    ((i == 9 || i == 10 || i == 13)) && continue
    printf -v c '%b' "\\$(printf '%03o' "$i")"
    s="${s//"$c"/$(printf '\\u%04x' "$i")}"
  done
  printf '%s' "$s"
}

new_uuid() {
  if [[ -r /proc/sys/kernel/random/uuid ]]; then
    cat /proc/sys/kernel/random/uuid
  elif command -v uuidgen >/dev/null; then
    uuidgen | tr '[:upper:]' '[:lower:]'
  else
    od -An -tx1 -N16 /dev/urandom | tr -d ' \n' |
      sed -E 's/(.{8})(.{4})(.{4})(.{4})(.{12})/\1-\2-\3-\4-\5/'
  fi
}

secret_var="$(secret_var_for_tenant "$tenant")"
secret="${!secret_var:-}"
[[ -n "$secret" ]] || secret="$(secret_from_file "$secret_var")"
[[ -n "$secret" ]] || die "no secret for tenant '$tenant': set $secret_var, or run deploy/run.sh once so $SECRETS_FILE exists"

body="$(printf '{"schemaVersion":1,"eventId":"%s","type":"CUSTOMER_MESSAGE","tenantId":"%s","conversationId":"%s","channel":"%s","occurredAt":"%s","customer":{"id":"cust-1","name":"Demo Customer"},"text":"%s"}' \
  "$(new_uuid)" "$tenant" "$(json_escape "$conversation")" "$channel" \
  "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$(json_escape "$text")")"
timestamp="$(date +%s)"
# Signed bytes: "<timestamp>.<body>", exactly as sent (--data-binary keeps them unchanged).
signature="$(printf '%s.%s' "$timestamp" "$body" | openssl dgst -sha256 -hmac "$secret" | awk '{print $NF}')"

url="http://127.0.0.1:${INTAKE_PORT:-8080}/v1/events"
response="$(mktemp)"
trap 'rm -f "$response"' EXIT
if ! status="$(curl -sS -o "$response" -w '%{http_code}' --max-time 15 -X POST \
  -H 'Content-Type: application/json' \
  -H "X-Baton-Timestamp: $timestamp" \
  -H "X-Baton-Signature: v1=$signature" \
  --data-binary "$body" "$url")"; then
  die "could not reach $url; is Baton running (deploy/run.sh)?"
fi
printf 'HTTP %s\n' "$status"
if [[ -s "$response" ]]; then
  cat "$response"
  printf '\n'
fi
[[ "$status" == 2* ]]
