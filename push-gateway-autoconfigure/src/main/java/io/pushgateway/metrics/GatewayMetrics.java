package io.pushgateway.metrics;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.pushgateway.hub.LocalHub;

/**
 * The gateway's Micrometer meters, all named {@code push.gateway.*}. Meters with a fixed
 * set of tags are created once and cached, so recording on the hot path is a lookup and
 * an adder increment.
 *
 * @author Push Gateway team
 */
public class GatewayMetrics {

	private final MeterRegistry registry;

	private final Map<String, Counter> counters = new ConcurrentHashMap<>();

	private final Timer pushLatency;

	public GatewayMetrics(MeterRegistry registry, LocalHub hub) {
		this.registry = registry;
		Gauge.builder("push.gateway.connections", hub, LocalHub::connectionCount)
			.description("Open connections on this node")
			.register(registry);
		Gauge.builder("push.gateway.users", hub, LocalHub::userCount)
			.description("Distinct users connected to this node")
			.register(registry);
		this.pushLatency = Timer.builder("push.gateway.push.latency")
			.description("Time from a push being issued until its frames are written on this node")
			.publishPercentileHistogram()
			.register(registry);
	}

	/**
	 * A handshake finished.
	 * @param outcome {@code accepted}, {@code unauthorized}, {@code forbidden},
	 * {@code bad_request}, {@code unavailable} or {@code error}
	 */
	public void handshake(String outcome) {
		counter("push.gateway.handshakes", "outcome", outcome, "Handshakes by outcome").increment();
	}

	/**
	 * Frames arrived from clients.
	 * @param type the frame type
	 * @param bytes their size
	 */
	public void frameIn(String type, long bytes) {
		counter("push.gateway.frames.in", "type", type, "Frames received from clients").increment();
		counter("push.gateway.bytes.in", "type", type, "Bytes received from clients").increment(bytes);
	}

	/**
	 * Frames were written to clients.
	 * @param type the frame type
	 * @param count how many
	 * @param bytes their total size
	 */
	public void framesOut(String type, int count, long bytes) {
		if (count > 0) {
			counter("push.gateway.frames.out", "type", type, "Frames written to clients").increment(count);
			counter("push.gateway.bytes.out", "type", type, "Bytes written to clients").increment(bytes);
		}
	}

	/**
	 * A push was written on this node.
	 * @param nanos the time since it was issued
	 */
	public void pushLatency(long nanos) {
		this.pushLatency.record(nanos, TimeUnit.NANOSECONDS);
	}

	/**
	 * Deliveries were refused because an event loop fell too far behind.
	 * @param count how many connections missed the push
	 */
	public void pushRejected(int count) {
		counter("push.gateway.push.rejected", "reason", "overloaded", "Deliveries refused").increment(count);
	}

	/**
	 * A connection was closed by the server.
	 * @param reason the reason, such as {@code slow_consumer}
	 */
	public void closed(String reason) {
		counter("push.gateway.closes", "reason", reason, "Connections closed by the server, by reason").increment();
	}

	private Counter counter(String name, String tag, String value, String description) {
		String key = name + '\0' + value;
		Counter counter = this.counters.get(key);
		return (counter != null) ? counter : this.counters.computeIfAbsent(key, create(name, tag, value, description));
	}

	private Function<String, Counter> create(String name, String tag, String value, String description) {
		return (key) -> Counter.builder(name).tag(tag, value).description(description).register(this.registry);
	}

}
