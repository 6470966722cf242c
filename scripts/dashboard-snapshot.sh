#!/usr/bin/env bash
# Draws docs/images/dashboard.svg: the Grafana dashboard's panels (docs/ops/grafana-dashboard.json) with real
# data from a local run. Starts redis-server, a Kafka broker (Maven Central jars), two sample-app nodes in the
# cluster profile on ports 8091 and 8092, and Prometheus (Debian's `prometheus` package) scraping them every
# 2 s with the alert rules loaded; drives traffic for SECONDS (300) and queries Prometheus with the
# dashboard's own expressions. Grafana is not in the registries this project may use, so the panels are drawn
# by the bench module's DashboardSnapshot.
#
#   scripts/dashboard-snapshot.sh            (needs redis-server and prometheus: apt-get install redis-server prometheus)
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_TO_RUN=${SECONDS_TO_RUN:-300}
WORK=target/dashboard
rm -rf "$WORK" && mkdir -p "$WORK"
command -v redis-server >/dev/null || { echo "redis-server not found: apt-get install redis-server" >&2; exit 1; }
command -v prometheus >/dev/null || { echo "prometheus not found: apt-get install prometheus" >&2; exit 1; }

./mvnw -q -pl sample-app,push-gateway-bench -am package -DskipTests
CP="push-gateway-bench/target/classes:push-gateway-bench/target/lib/*"

pids=()
cleanup() {
	for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
	wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM

redis-server --port 6391 --bind 127.0.0.1 --save "" --appendonly no > "$WORK/redis.log" 2>&1 &
pids+=($!)
java -cp "$CP" io.pushgateway.devtools.DevKafkaBroker > "$WORK/kafka.log" 2>&1 &
pids+=($!)
until grep -qs "ready on" "$WORK/kafka.log"; do sleep 0.5; done
KAFKA=$(grep -o "ready on .*" "$WORK/kafka.log" | head -1 | cut -d' ' -f3)

for port in 8091 8092; do
	REDIS_PORT=6391 KAFKA_BOOTSTRAP_SERVERS=$KAFKA java -Xmx512m -jar sample-app/target/push-gateway-sample.jar \
		--spring.profiles.active=cluster --server.port=$port --push.gateway.limits.max-messages-per-second=100 \
		> "$WORK/node-$port.log" 2>&1 &
	pids+=($!)
done
for port in 8091 8092; do
	until curl -sf "http://127.0.0.1:$port/actuator/health" > /dev/null; do sleep 0.5; done
done

cat > "$WORK/prometheus.yml" <<YAML
global:
  scrape_interval: 2s
  evaluation_interval: 5s
rule_files:
  - $(pwd)/docs/ops/prometheus-alerts.yml
scrape_configs:
  - job_name: push-gateway
    metrics_path: /actuator/prometheus
    static_configs:
      - targets: ['127.0.0.1:8091', '127.0.0.1:8092']
YAML
prometheus --config.file="$WORK/prometheus.yml" --storage.tsdb.path="$WORK/tsdb" \
	--web.listen-address=127.0.0.1:9099 > "$WORK/prometheus.log" 2>&1 &
pids+=($!)
until curl -sf http://127.0.0.1:9099/-/ready > /dev/null; do sleep 0.5; done

java -cp "$CP" io.pushgateway.bench.DashboardSnapshot --nodes http://127.0.0.1:8091,http://127.0.0.1:8092 \
	--prometheus http://127.0.0.1:9099 --seconds "$SECONDS_TO_RUN" --out docs/images/dashboard.svg
curl -s http://127.0.0.1:9099/api/v1/alerts | head -c 2000; echo
