#!/usr/bin/env bash
# Compares event broadcast with targeted routing on a local three-node cluster: for each mode,
# starts scripts/run-cluster.sh, connects USERS users to node 8082, pushes to random users through
# node 8081's HTTP API at RATE per second for SECONDS, and prints one JSON line per mode.
set -euo pipefail
cd "$(dirname "$0")/.."
USERS=${USERS:-500}
RATE=${RATE:-200}
SECONDS_MEASURED=${SECONDS_MEASURED:-20}

./mvnw -q -pl sample-app,push-gateway-devtools -am package -DskipTests
for routing in broadcast targeted; do
	rm -f target/bench-cluster.log
	NODE_ARGS="--push.gateway.bus.routing=$routing" scripts/run-cluster.sh > target/bench-cluster.log 2>&1 &
	cluster=$!
	until grep -qs "Cluster running" target/bench-cluster.log; do
		kill -0 $cluster 2>/dev/null || { cat target/bench-cluster.log; exit 1; }
		sleep 1
	done
	pids=$(for port in 8081 8082 8083; do pgrep -f "server.port=$port"; done | tr '\n' ' ')
	printf '{"routing":"%s",' "$routing"
	java -cp push-gateway-devtools/target/classes io.pushgateway.devtools.RoutingBench \
		http://localhost:8081 http://localhost:8082 "$USERS" "$RATE" "$SECONDS_MEASURED" $pids | sed 's/^{//'
	kill $cluster
	wait $cluster 2>/dev/null || true
	sleep 2
done
