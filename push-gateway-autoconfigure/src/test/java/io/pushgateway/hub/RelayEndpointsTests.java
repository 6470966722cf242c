package io.pushgateway.hub;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.pushgateway.spi.ClusterMessage;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RelayEndpoints}.
 *
 * @author Push Gateway team
 */
class RelayEndpointsTests {

	private final Endpoint polling = new Endpoint("polling");

	private final Endpoint other = new Endpoint("other");

	private final AtomicInteger lookups = new AtomicInteger();

	private final RelayEndpoints endpoints = new RelayEndpoints("node-a", () -> {
		this.lookups.incrementAndGet();
		return List.of(this.polling, this.other);
	});

	@Test
	void eachRelayReachesTheEndpointOfItsChannelOnly() {
		ClusterMessage.Relay toPolling = relay("node-a", "polling");
		ClusterMessage.Relay toOther = relay("node-a", "other");

		this.endpoints.accept(toPolling);
		this.endpoints.accept(toOther);
		this.endpoints.accept(relay("node-a", "polling"));

		assertThat(this.polling.received).containsExactly(toPolling, toPolling);
		assertThat(this.other.received).containsExactly(toOther);
		assertThat(this.lookups).as("endpoints are looked up once").hasValue(1);
	}

	@Test
	void relaysForAnotherNodeOrAnUnservedChannelAreDropped() {
		this.endpoints.accept(relay("node-b", "polling"));
		this.endpoints.accept(relay("node-a", "sse"));

		assertThat(this.polling.received).isEmpty();
		assertThat(this.other.received).isEmpty();
	}

	private static ClusterMessage.Relay relay(String node, String channel) {
		return new ClusterMessage.Relay(node, channel, "socket:1", new byte[] { 1 }, "node-c");
	}

	private static final class Endpoint implements RelayEndpoint {

		private final String channel;

		private final List<ClusterMessage.Relay> received = new ArrayList<>();

		Endpoint(String channel) {
			this.channel = channel;
		}

		@Override
		public String channel() {
			return this.channel;
		}

		@Override
		public void onRelay(ClusterMessage.Relay relay) {
			this.received.add(relay);
		}

	}

}
