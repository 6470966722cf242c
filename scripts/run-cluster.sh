#!/usr/bin/env bash
# Runs a local gateway cluster without Docker: a Redis server, a Kafka broker in KRaft mode
# (from Maven Central artifacts) and three sample-app nodes on ports 8081, 8082 and 8083.
# Open http://localhost:8081 and http://localhost:8082, connect a different user in each,
# and notify one from the other: the push crosses nodes through Kafka.
# Stop everything with Ctrl-C. Needs redis-server on the PATH (apt-get install redis-server).
# NODE_ARGS are passed to every node, e.g. NODE_ARGS=--push.gateway.bus.routing=targeted.
set -euo pipefail
cd "$(dirname "$0")/.."

REDIS_PORT=${REDIS_PORT:-6379}
LOGS=target/cluster
mkdir -p "$LOGS"

command -v redis-server >/dev/null || { echo "redis-server not found: apt-get install redis-server" >&2; exit 1; }

echo "Building the sample app and the developer tools..."
./mvnw -q -pl sample-app,push-gateway-devtools -am package -DskipTests
./mvnw -q -pl push-gateway-devtools dependency:build-classpath -Dmdep.outputFile=target/classpath.txt

pids=()
cleanup() {
	echo "Stopping the cluster..."
	for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
	wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM

redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no > "$LOGS/redis.log" 2>&1 &
pids+=($!)
java -cp "push-gateway-devtools/target/classes:$(cat push-gateway-devtools/target/classpath.txt)" \
	io.pushgateway.devtools.DevKafkaBroker > "$LOGS/kafka.log" 2>&1 &
pids+=($!)
until grep -qs "ready on" "$LOGS/kafka.log"; do
	kill -0 "${pids[1]}" 2>/dev/null || { echo "Kafka failed; see $LOGS/kafka.log" >&2; exit 1; }
	sleep 0.5
done
KAFKA=$(grep -o "ready on .*" "$LOGS/kafka.log" | head -1 | cut -d' ' -f3)
echo "Redis on 127.0.0.1:$REDIS_PORT, Kafka on $KAFKA"

for port in 8081 8082 8083; do
	REDIS_PORT=$REDIS_PORT KAFKA_BOOTSTRAP_SERVERS=$KAFKA \
		java -jar sample-app/target/push-gateway-sample.jar --spring.profiles.active=cluster \
		--server.port="$port" ${NODE_ARGS:-} > "$LOGS/node-$port.log" 2>&1 &
	pids+=($!)
done
for port in 8081 8082 8083; do
	until curl -sf "http://localhost:$port/actuator/health" >/dev/null; do
		sleep 0.5
	done
	echo "Node on http://localhost:$port ready"
done
echo "Cluster running (logs in $LOGS). Ctrl-C stops it."
wait
