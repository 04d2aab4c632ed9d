#!/usr/bin/env bash
# Recovery benchmark: Baton's five packaged services and a Kafka broker as processes, a provider
# posting signed webhooks at a steady rate (two tenants), and meanwhile each service in turn
# SIGKILLed and restarted, the broker SIGKILLed and restarted, stopped with the intake killed while
# it is down, and last a second instance of each consumer service and of handoff-service joined and
# then SIGKILLed at once. Prints, for each, the seconds until its input is processed again, and the
# counts of lost and duplicated messages, read back from the topics and the tenants' callbacks.
#
# It is e2e-tests' ChaosTest (which the suite runs too, for its verdict); this script runs it alone
# and prints its measurements. Needs what ./test.sh needs (Java 17, Maven, Redis); ~6 minutes.
set -euo pipefail
cd "$(dirname "$0")/../.."

log=e2e-tests/target/recovery-benchmark.log
mkdir -p e2e-tests/target
status=0
mvn -B -ntp -pl e2e-tests -am verify -Dbaton.skipImages -Dtest=ChaosTest -Dsurefire.failIfNoSpecifiedTests=false \
  >"$log" 2>&1 || status=$?

# The test prints its counts and recoveries as one block, from "chaos counts:" to "problems N",
# then the problems themselves.
summary=$(sed -n '/^chaos counts:/,/^  problems [0-9]*$/p' "$log")
if [ -z "$summary" ]; then
  echo "the benchmark did not get to its counts (exit $status); see $log" >&2
  tail -n 40 "$log" >&2
  exit 1
fi
echo "$summary"
grep '^  problem: ' "$log" || true
[ "$status" -eq 0 ] || echo "FAILED: the run found problems or did not finish (exit $status); see $log" >&2
exit "$status"
