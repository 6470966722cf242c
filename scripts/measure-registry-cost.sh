#!/usr/bin/env bash
# Measures what idle connections cost the Redis session registry, in Redis commands per connection
# per minute. Run scripts/run-cluster.sh in another terminal first; this opens CONNECTIONS idle,
# heartbeating connections to node 8081, lets registration settle, resets Redis's command
# statistics, waits SECONDS, and prints INFO commandstats and the figures.
set -euo pipefail
cd "$(dirname "$0")/.."
CONNECTIONS=${CONNECTIONS:-1000}
SECONDS_MEASURED=${SECONDS_MEASURED:-120}
REDIS_PORT=${REDIS_PORT:-6379}
# with REDIS_CLUSTER=1 (scripts/run-cluster.sh on a Redis Cluster) the masters' statistics are summed
if [ "${REDIS_CLUSTER:-0}" = 1 ]; then PORTS="7001 7002 7003 7004 7005 7006"; else PORTS=$REDIS_PORT; fi
masters() { for p in $PORTS; do redis-cli -p "$p" ROLE | head -1 | grep -q master && echo "$p"; done; }

./mvnw -q -pl push-gateway-devtools compile
java -cp push-gateway-devtools/target/classes io.pushgateway.devtools.IdleClients http://localhost:8081 \
	"$CONNECTIONS" $((SECONDS_MEASURED + 60)) > target/idle-clients.log 2>&1 &
until grep -q CONNECTED target/idle-clients.log; do sleep 1; done
sleep 35
for p in $PORTS; do redis-cli -p "$p" CONFIG RESETSTAT > /dev/null; done
sleep "$SECONDS_MEASURED"
for p in $(masters); do redis-cli -p "$p" INFO commandstats; done | tr -d '\r' | grep '^cmdstat' \
	| grep -v 'resetstat\|cmdstat_cluster\|cmdstat_role\|cmdstat_info\|cmdstat_client' | tee target/commandstats.txt
awk -F'[=,:]' -v n="$CONNECTIONS" -v s="$SECONDS_MEASURED" '
	{ calls += $3; if ($1 == "cmdstat_evalsha") trips += $3 }
	END { printf "commands: %.2f per connection per minute (all nodes included)\n", calls / n / (s / 60);
	      printf "round trips (EVALSHA): %d in %d s\n", trips, s }' target/commandstats.txt
wait
