#!/usr/bin/env bash
# Runs one benchmark scenario, or all of them, and prints one JSON line per run.
#
#   scripts/bench.sh idle      [--target gateway|gateway-socketio|netty|socketio] [--connections 19000]
#   scripts/bench.sh ramp      [--target ...] [--connections 19000] [--tokens fresh|reused] [--warm-up-rounds 4]
#   scripts/bench.sh broadcast [--target ...] [--connections 19000] [--broadcast-rate 10] [--seconds 10]
#   scripts/bench.sh targeted  [--connections 19000] [--rate 2000] [--seconds 20]       (gateway only)
#   scripts/bench.sh acks      [--connections 19000] [--rate 2000] [--seconds 20]       (gateway only: plain and acknowledged)
#   scripts/bench.sh http-api  [--connections 19000] [--concurrency 600] [--seconds 20] (gateway only)
#   scripts/bench.sh soak      [--soak-connections 10000] [--soak-seconds 600] [--churn 20] [--rate 200]
#   scripts/bench.sh cluster   [--nodes 4] [--cluster-connections 76000] [--rate 1000] [--seconds 20] [--idle-seconds 50]
#                              [--warm-up-seconds 90] [--broker-jvm "<flags>"]
#                              [--node-args=--push.gateway.bus.routing=targeted]
#                              (needs redis-server on the PATH; the Kafka broker comes from Maven Central)
#   scripts/bench.sh order     [--nodes 3] [--users 2000] [--rate 2000] [--seconds 20]
#                              (one connection per user on every node, every node pushing to the same users at once:
#                              plain, then recoverable; latency, Redis commands per push, pushes held for order)
#   scripts/bench.sh tokens    [--tokens-count 10000]   (in process: CPU and allocation per verified token, HS256, RS256,
#                              ES256: the gateway's verifier, Nimbus's processor, the cache of verified tokens)
#   scripts/bench.sh all       runs everything against every server and rewrites docs/performance.md
#   scripts/bench.sh report    rewrites docs/performance.md from the last run (target/bench/results.jsonl)
#
#   options for every run: --server-jvm "<flags>" (the JVM servers' flags), --server-java <bin/java> (the gateway's JDK),
#                          --gateway-token-cache <size> (the gateway remembers verified tokens)
#
# Each run starts the server under test and its load generators as separate processes on loopback
# (docs/performance.md explains the method). Socket.IO needs Node and `npm ci` in push-gateway-bench/socketio,
# which this script does when npm is present.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -pl push-gateway-bench -am package -DskipTests
if command -v npm > /dev/null && [ ! -d push-gateway-bench/socketio/node_modules/socket.io ]; then
	(cd push-gateway-bench/socketio && npm ci --no-audit --no-fund > /dev/null)
fi
exec java -Xmx1g -cp "push-gateway-bench/target/classes:push-gateway-bench/target/lib/*" \
	io.pushgateway.bench.Bench "$@"
