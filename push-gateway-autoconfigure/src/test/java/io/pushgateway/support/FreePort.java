package io.pushgateway.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;

/**
 * A loopback port nobody listens on right now, for servers the tests start as processes.
 *
 * @author Push Gateway team
 */
public final class FreePort {

	private FreePort() {
	}

	/**
	 * A free port.
	 * @return the port
	 */
	public static int next() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
