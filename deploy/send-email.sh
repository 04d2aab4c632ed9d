#!/usr/bin/env bash
# A customer's email to a tenant's address, as a Mailgun route's forward() posts it: the parsed
# fields, a fresh Message-Id, and timestamp, token and signature (HMAC-SHA256 with the tenant's
# webhook signing key) in the body.
#   deploy/send-email.sh TENANT FROM SUBJECT TEXT [IN_REPLY_TO]
# The tenant needs channels.email with provider mailgun in the tenants file; the signing key comes
# from the variable its signingKeyEnv names, else from $BATON_RUN_DIR/secrets.env.
set -euo pipefail

# shellcheck source=deploy/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

if [[ $# -lt 4 || $# -gt 5 ]]; then
  cat >&2 <<USAGE
usage: $0 TENANT FROM SUBJECT TEXT [IN_REPLY_TO]
  e.g. $0 demo-dental "Sam Patel <sam@example.com>" "Parking" "Is there parking near the practice?"
  FROM: the customer's address, with a display name or without;
  IN_REPLY_TO: the Message-Id being answered (a reply's, from logs/callback.log), so it threads
  env: INTAKE_PORT (default 8080), BATON_RUN_DIR, BATON_TENANTS_FILE
USAGE
  exit 2
fi
run_providers email "$@"
