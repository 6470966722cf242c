package io.pushgateway.autoconfigure;

/**
 * Settings of what operators see of live connections, under
 * {@code push.gateway.connections}.
 *
 * @author Push Gateway team
 */
public class ConnectionsProperties {

	/**
	 * Whether listings of connections show each client's address (as the gateway sees it:
	 * behind a proxy, with server.forward-headers-strategy=native). Off, the address is
	 * not written to the shared registry either.
	 */
	private boolean clientAddress;

	public boolean isClientAddress() {
		return this.clientAddress;
	}

	public void setClientAddress(boolean clientAddress) {
		this.clientAddress = clientAddress;
	}

}
