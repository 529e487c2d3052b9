#!/usr/bin/env bash
# Post two leads to a running `leadgate dev` (default API port 8000). Re-running with the same key returns
# the stored answer and writes nothing.
set -euo pipefail
curl -sS -X POST "http://127.0.0.1:${LEADGATE_API_PORT:-8000}/v1/leads" \
  -H 'Content-Type: application/json' -H 'Idempotency-Key: example-1' -H 'X-Lead-Source: website' \
  -d '[{"email": "ann.lee@northwind.com", "first_name": "Ann", "mobile": "+1 415 839 2671", "consent_sms": "yes"},
       {"E-mail Address": "bo.ek@volvo.se", "First Name": "Bo", "Country": "SE"}]'
echo
