#!/usr/bin/env bash
# Measures what connection churn costs Redis, with presence transitions off and on: Redis commands
# and Redis CPU per connection lifecycle (connect, join a document, disconnect). Starts its own
# three-node cluster twice (scripts/run-cluster.sh), the second time with
# push.gateway.presence.enabled=true, and runs ROUNDS x PER_ROUND lifecycles against node 8081.
set -euo pipefail
cluster=
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-20}
PER_ROUND=${PER_ROUND:-250}
REDIS_PORT=${REDIS_PORT:-6399}
mkdir -p target

measure() {
	local label=$1 args=$2
	REDIS_PORT=$REDIS_PORT NODE_ARGS="$args" scripts/run-cluster.sh > "target/presence-cost-$label.log" 2>&1 &
	cluster=$!
	trap 'kill "$cluster" 2>/dev/null || true' EXIT
	until grep -q "Cluster running" "target/presence-cost-$label.log"; do
		kill -0 "$cluster" 2>/dev/null || { echo "cluster failed; see target/presence-cost-$label.log" >&2; exit 1; }
		sleep 1
	done
	redis-cli -p "$REDIS_PORT" CONFIG RESETSTAT > /dev/null
	local cpu_before
	cpu_before=$(redis-cli -p "$REDIS_PORT" INFO cpu | tr -d '\r' | awk -F: '/^used_cpu_(sys|user):/ { s += $2 } END { print s }')
	java -cp push-gateway-devtools/target/classes io.pushgateway.devtools.ChurnClients http://localhost:8081 \
		"$ROUNDS" "$PER_ROUND"
	# the last losses end their grace period (1 s) and are checked
	sleep 3
	local cpu_after
	cpu_after=$(redis-cli -p "$REDIS_PORT" INFO cpu | tr -d '\r' | awk -F: '/^used_cpu_(sys|user):/ { s += $2 } END { print s }')
	redis-cli -p "$REDIS_PORT" INFO commandstats | tr -d '\r' | grep '^cmdstat' | grep -v resetstat \
		> "target/presence-cost-$label.txt"
	awk -F'[=,:]' -v n=$((ROUNDS * PER_ROUND)) -v label="$label" -v cpu="$cpu_before $cpu_after" '
		{ calls += $3; if ($1 == "cmdstat_evalsha") trips = $3 }
		END { split(cpu, c, " ");
		      printf "%s: %.1f Redis commands per connection lifecycle, %.1f us of Redis CPU each, %d EVALSHA round trips\n",
		             label, calls / n, (c[2] - c[1]) * 1e6 / n, trips }' "target/presence-cost-$label.txt"
	kill "$cluster"
	wait "$cluster" 2>/dev/null || true
}

./mvnw -q -pl push-gateway-devtools compile
measure off "--push.gateway.presence.enabled=false"
# guid-members off: its pushes would be counted too (the sample keeps recoverable pushes in Redis)
measure on "--push.gateway.presence.enabled=true --push.gateway.presence.grace-period=1s --push.gateway.presence.guid-members=false"
