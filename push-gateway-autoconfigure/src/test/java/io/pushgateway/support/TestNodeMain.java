package io.pushgateway.support;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs a test gateway node in its own JVM, so a test can kill it with SIGKILL. Arguments
 * are {@code key=value} properties; prints {@code READY <port>} once it accepts
 * connections.
 *
 * @author Push Gateway team
 */
public final class TestNodeMain {

	private TestNodeMain() {
	}

	public static void main(String[] args) {
		Map<String, Object> properties = new LinkedHashMap<>();
		for (String arg : args) {
			int equals = arg.indexOf('=');
			properties.put(arg.substring(0, equals), arg.substring(equals + 1));
		}
		TestGateway gateway = TestGateway.start(properties);
		System.out.println("READY " + gateway.port());
		System.out.flush();
		while (true) {
			LockSupport.park();
		}
	}

}
