package io.pushgateway.autoconfigure;

import org.jspecify.annotations.Nullable;

/**
 * Settings of the gRPC API for business services, under {@code push.gateway.grpc}.
 *
 * @author Push Gateway team
 */
public class GrpcProperties {

	/**
	 * Whether the node serves the gRPC API (pushes, presence, client messages) on its own
	 * port. Needs grpc-netty-shaded, grpc-protobuf and grpc-stub on the classpath and
	 * push.gateway.http-api.token, the credential callers present.
	 */
	private boolean enabled;

	/**
	 * Address the gRPC server listens on. Every interface when unset.
	 */
	private @Nullable String address;

	/**
	 * Port of the gRPC server; 0 picks a free one.
	 */
	private int port = 9090;

	/**
	 * The most Subscribe streams open on one node at once.
	 */
	private int maxSubscriptions = 64;

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public @Nullable String getAddress() {
		return this.address;
	}

	public void setAddress(@Nullable String address) {
		this.address = address;
	}

	public int getPort() {
		return this.port;
	}

	public void setPort(int port) {
		this.port = port;
	}

	public int getMaxSubscriptions() {
		return this.maxSubscriptions;
	}

	public void setMaxSubscriptions(int maxSubscriptions) {
		this.maxSubscriptions = maxSubscriptions;
	}

}
