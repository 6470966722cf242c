#!/usr/bin/env bash
# Runs a local gateway cluster without Docker: a Redis server, a Kafka broker in KRaft mode
# (from Maven Central artifacts) and three sample-app nodes on ports 8081, 8082 and 8083.
# Open http://localhost:8081 and http://localhost:8082, connect a different user in each,
# and notify one from the other: the push crosses nodes through Kafka.
# Stop everything with Ctrl-C. Needs redis-server on the PATH (apt-get install redis-server).
# NODE_ARGS are passed to every node, e.g. NODE_ARGS=--push.gateway.bus.routing=targeted.
# REDIS_CLUSTER=1 runs a Redis Cluster instead of one Redis: three masters on ports 7001-7003 and
# their replicas on 7004-7006 (cluster bus ports 17001-17006), joined with redis-cli --cluster create.
set -euo pipefail
cd "$(dirname "$0")/.."

REDIS_PORT=${REDIS_PORT:-6379}
LOGS=target/cluster
mkdir -p "$LOGS"
# no line of an earlier run may be taken for this one's
rm -f "$LOGS"/*.log

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

REDIS_ARGS=()
if [ "${REDIS_CLUSTER:-0}" = 1 ]; then
	seeds=()
	for port in 7001 7002 7003 7004 7005 7006; do
		mkdir -p "$LOGS/redis-$port" && rm -f "$LOGS/redis-$port/nodes.conf"
		redis-server --port "$port" --bind 127.0.0.1 --cluster-enabled yes --cluster-config-file nodes.conf \
			--cluster-node-timeout 2000 --save "" --appendonly no --dir "$LOGS/redis-$port" \
			> "$LOGS/redis-$port.log" 2>&1 &
		pids+=($!)
		seeds+=("127.0.0.1:$port")
	done
	for port in 7001 7002 7003 7004 7005 7006; do
		until redis-cli -p "$port" PING > /dev/null 2>&1; do sleep 0.1; done
	done
	redis-cli --cluster create "${seeds[@]}" --cluster-replicas 1 --cluster-yes > "$LOGS/redis-create.log"
	until redis-cli -p 7001 CLUSTER INFO | grep -q cluster_state:ok; do sleep 0.2; done
	REDIS_ARGS=(--spring.data.redis.cluster.nodes="$(IFS=,; echo "${seeds[*]}")"
		--spring.data.redis.lettuce.cluster.refresh.period=5s)
	echo "Redis Cluster on 127.0.0.1:7001-7006"
else
	redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no > "$LOGS/redis.log" 2>&1 &
	pids+=($!)
fi
java -cp "push-gateway-devtools/target/classes:$(cat push-gateway-devtools/target/classpath.txt)" \
	io.pushgateway.devtools.DevKafkaBroker > "$LOGS/kafka.log" 2>&1 &
kafka_pid=$!
pids+=("$kafka_pid")
until grep -qs "ready on" "$LOGS/kafka.log"; do
	kill -0 "$kafka_pid" 2>/dev/null || { echo "Kafka failed; see $LOGS/kafka.log" >&2; exit 1; }
	sleep 0.5
done
KAFKA=$(grep -o "ready on .*" "$LOGS/kafka.log" | head -1 | cut -d' ' -f3)
echo "Kafka on $KAFKA"

for port in 8081 8082 8083; do
	REDIS_PORT=$REDIS_PORT KAFKA_BOOTSTRAP_SERVERS=$KAFKA \
		java -jar sample-app/target/push-gateway-sample.jar --spring.profiles.active=cluster \
		--server.port="$port" "${REDIS_ARGS[@]}" ${NODE_ARGS:-} > "$LOGS/node-$port.log" 2>&1 &
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
