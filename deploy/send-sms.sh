#!/usr/bin/env bash
# A customer's SMS to a tenant's Twilio number, as Twilio's messaging webhook delivers it (form
# fields, a fresh MessageSid, X-Twilio-Signature with the account's auth token).
#   deploy/send-sms.sh TENANT FROM TEXT
set -euo pipefail

# shellcheck source=deploy/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

if [[ $# -ne 3 ]]; then
  cat >&2 <<USAGE
usage: $0 TENANT FROM TEXT
  e.g. $0 demo-dental +447700900789 "Can I move my check-up to Friday?"
  FROM: the customer's number in E.164
  env: INTAKE_PORT (default 8080), BATON_RUN_DIR, BATON_TENANTS_FILE
USAGE
  exit 2
fi
run_providers sms "$@"
