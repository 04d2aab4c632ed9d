#!/usr/bin/env bash
# A call to a tenant's Twilio number that nobody took, as Twilio reports it: the status callback
# with CallStatus no-answer (or busy, failed, canceled), signed with the account's auth token.
# Baton acknowledges it on WhatsApp (the tenant's missedCallTemplate when the caller's 24-hour
# window is closed) and queues a call-back for the agents.
#   deploy/missed-call.sh TENANT FROM [STATUS]
set -euo pipefail

# shellcheck source=deploy/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

if [[ $# -lt 2 || $# -gt 3 ]]; then
  cat >&2 <<USAGE
usage: $0 TENANT FROM [STATUS]
  e.g. $0 demo-dental +447700900456
  FROM: the caller's number in E.164; STATUS: no-answer (default), busy, failed or canceled
  env: INTAKE_PORT (default 8080), BATON_RUN_DIR, BATON_TENANTS_FILE
USAGE
  exit 2
fi
run_providers missed-call "$@"
