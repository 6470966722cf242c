package io.pushgateway.core;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * One page of a listing of connections, in ascending socket ID order (which is the order
 * they opened in).
 *
 * @param connections the connections of this page
 * @param next the cursor of the next page, or {@code null} when this is the last
 * @author Push Gateway team
 */
public record ConnectionPage(List<ConnectionInfo> connections, @Nullable String next) {

	/** The most connections one page may hold. */
	public static final int MAX_LIMIT = 1000;

	/** The page size when the caller names none. */
	public static final int DEFAULT_LIMIT = 100;

	public ConnectionPage {
		connections = List.copyOf(connections);
	}

	/**
	 * The page as the HTTP API and the Actuator endpoint show it.
	 * @return {@code connections} (each as {@link ConnectionInfo#toMap()}) and
	 * {@code next} (null on the last page)
	 */
	public Map<String, Object> toMap() {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("connections", this.connections.stream().map(ConnectionInfo::toMap).toList());
		body.put("next", this.next);
		return body;
	}

}
