#!/usr/bin/env bash
# The fault suite with a minute of load per fault (the test command runs it for 6 s each):
# a node killed with SIGKILL under load, Redis killed and restarted, a slow consumer beside healthy ones.
# Each fault prints one line: FAULT {"fault":...,"sent":...,"refused":...,"received":...,"lost":...,"duplicates":...};
# the suite fails on any lost or duplicated push.
#
#   scripts/faults.sh [seconds per fault, default 60]      (needs redis-server on the PATH)
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_FAULT=${1:-60}
mkdir -p target
./mvnw -q -pl push-gateway-autoconfigure -am install -DskipTests
status=0
./mvnw -pl push-gateway-autoconfigure surefire:test -Dtest=FaultSuiteTests \
	-Dpush.gateway.faults.seconds="$SECONDS_PER_FAULT" > target/faults.log 2>&1 || status=$?
grep -E "^FAULT|Tests run:|FAIL" target/faults.log || true
exit $status
