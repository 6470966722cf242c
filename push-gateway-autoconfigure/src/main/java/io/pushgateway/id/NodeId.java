package io.pushgateway.id;

import org.jspecify.annotations.Nullable;

/**
 * This node's ID, as it appears in the registry, on the bus, in welcomes and in logs:
 * configured, or {@code node-<worker ID>}.
 *
 * @param value the ID
 * @author Push Gateway team
 */
public record NodeId(String value) {

	/**
	 * The ID of a node.
	 * @param configured the configured ID, or {@code null}
	 * @param workerId the node's Snowflake worker ID
	 * @return the configured ID, or {@code node-<workerId>}
	 */
	public static NodeId of(@Nullable String configured, int workerId) {
		return new NodeId((configured != null) ? configured : "node-" + workerId);
	}

	@Override
	public String toString() {
		return this.value;
	}

}
