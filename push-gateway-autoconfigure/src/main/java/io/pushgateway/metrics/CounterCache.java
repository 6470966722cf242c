package io.pushgateway.metrics;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The gateway's counters of one tag each, created on first use and cached by meter name,
 * then by tag value: a lookup builds no key, so counting a heartbeat or its pong
 * allocates nothing.
 *
 * @author Push Gateway team
 */
final class CounterCache {

	private final MeterRegistry registry;

	private final Map<String, Map<String, Counter>> counters = new ConcurrentHashMap<>();

	/**
	 * Create a cache.
	 * @param registry where the counters are registered
	 */
	CounterCache(MeterRegistry registry) {
		this.registry = registry;
	}

	/**
	 * The counter of one tag value, registered (at zero) on the first call.
	 * @param name the meter's name
	 * @param tag the tag's key
	 * @param value the tag's value
	 * @param description the meter's description
	 * @return the counter
	 */
	Counter counter(String name, String tag, String value, String description) {
		Map<String, Counter> byValue = this.counters.get(name);
		if (byValue == null) {
			byValue = this.counters.computeIfAbsent(name, (key) -> new ConcurrentHashMap<>());
		}
		Counter counter = byValue.get(value);
		return (counter != null) ? counter : byValue.computeIfAbsent(value, create(name, tag, value, description));
	}

	private Function<String, Counter> create(String name, String tag, String value, String description) {
		return (key) -> Counter.builder(name).tag(tag, value).description(description).register(this.registry);
	}

}
