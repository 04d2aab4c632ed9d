#!/usr/bin/env bash
# A customer's WhatsApp message to a tenant's WhatsApp Business number, as Meta's Cloud API
# webhook delivers it: the JSON envelope, a fresh wamid, X-Hub-Signature-256 with the app secret.
#   deploy/send-whatsapp.sh TENANT FROM TEXT [NAME]
# The tenant needs channels.whatsapp in the tenants file; the secret comes from the variable its
# appSecretEnv names, else from $BATON_RUN_DIR/secrets.env.
set -euo pipefail

# shellcheck source=deploy/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

if [[ $# -lt 3 || $# -gt 4 ]]; then
  cat >&2 <<USAGE
usage: $0 TENANT FROM TEXT [NAME]
  e.g. $0 demo-dental +4915112345678 "Is there parking near the practice?" "Mia Becker"
  FROM: the customer's number in E.164; NAME: their WhatsApp profile name (default Demo Customer)
  env: INTAKE_PORT (default 8080), BATON_RUN_DIR, BATON_TENANTS_FILE
USAGE
  exit 2
fi
run_providers whatsapp "$@"
