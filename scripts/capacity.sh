#!/usr/bin/env bash
# Prints the capacity model of docs/performance.md from a benchmark run's per-unit costs:
# nodes, memory, Redis and Kafka for 1 and 10 million connections under a stated push mix.
#
#   scripts/capacity.sh [--results docs/bench/results.jsonl] [--connections 1000000,10000000]
#                       [--pushes-per-connection-per-minute 1] [--broadcasts-per-minute 1]
#                       [--connection-lifetime-minutes 30] [--payload-bytes 200]
#                       [--node-cores 4] [--node-memory-gib 16] [--headroom 0.6] [--heartbeat fixed|dynamic]
#                       [--routing broadcast|targeted] [--nodes n]
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -pl push-gateway-bench -am package -DskipTests
exec java -cp "push-gateway-bench/target/classes:push-gateway-bench/target/lib/*" \
	io.pushgateway.bench.CapacityModel "$@"
