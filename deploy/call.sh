#!/usr/bin/env bash
# A phone call to a tenant's Twilio number, played as Twilio plays it: the incoming-call webhook,
# then one speech <Gather> result per thing the caller says, each signed (X-Twilio-Signature) with
# the account's auth token. Prints each TwiML answer: the greeting, the bot's replies, and the
# <Enqueue> (or <Dial>) when Baton transfers the call to the tenant's agents.
#   deploy/call.sh TENANT FROM [SAYS...]
# An empty SAYS ("") is silence: Twilio waits the gather's timeout, then reports no speech. When
# the caller has said everything and the call was not transferred, they hang up (status completed).
set -euo pipefail

# shellcheck source=deploy/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

if [[ $# -lt 2 ]]; then
  cat >&2 <<USAGE
usage: $0 TENANT FROM [SAYS...]
  e.g. $0 demo-dental +447700900123 "What time do you open on Saturday?" "Can you put me through to reception?"
  FROM: the caller's number in E.164; each SAYS is one utterance ("" is silence)
  env: INTAKE_PORT (default 8080), BATON_RUN_DIR, BATON_TENANTS_FILE
USAGE
  exit 2
fi
run_providers call "$@"
