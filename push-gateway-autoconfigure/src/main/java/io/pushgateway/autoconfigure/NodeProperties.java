package io.pushgateway.autoconfigure;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * Settings of this node: its ID and how it gets its worker ID, under
 * {@code push.gateway.node}.
 *
 * @author Push Gateway team
 */
public class NodeProperties {

	/**
	 * ID of this node, shown to clients and in logs. Defaults to "node-" followed by the
	 * worker ID.
	 */
	private @Nullable String id;

	/**
	 * How to choose the Snowflake worker ID, which must differ between the live nodes of
	 * a cluster.
	 */
	private WorkerIdStrategyType workerIdStrategy = WorkerIdStrategyType.CONFIGURED;

	/**
	 * Snowflake worker ID, from 0 to 1023, when the strategy is 'configured'.
	 */
	private int workerId = 0;

	/**
	 * Host name to read the StatefulSet ordinal from. Defaults to the HOSTNAME
	 * environment variable.
	 */
	private @Nullable String hostname;

	/**
	 * Lease length of a worker ID leased from Redis; the lease is renewed every third of
	 * it.
	 */
	private Duration workerIdLease = Duration.ofSeconds(30);

	public Duration getWorkerIdLease() {
		return this.workerIdLease;
	}

	public void setWorkerIdLease(Duration workerIdLease) {
		this.workerIdLease = workerIdLease;
	}

	public @Nullable String getId() {
		return this.id;
	}

	public void setId(@Nullable String id) {
		this.id = id;
	}

	public WorkerIdStrategyType getWorkerIdStrategy() {
		return this.workerIdStrategy;
	}

	public void setWorkerIdStrategy(WorkerIdStrategyType workerIdStrategy) {
		this.workerIdStrategy = workerIdStrategy;
	}

	public int getWorkerId() {
		return this.workerId;
	}

	public void setWorkerId(int workerId) {
		this.workerId = workerId;
	}

	public @Nullable String getHostname() {
		return this.hostname;
	}

	public void setHostname(@Nullable String hostname) {
		this.hostname = hostname;
	}

	/**
	 * How a node chooses its Snowflake worker ID.
	 */
	public enum WorkerIdStrategyType {

		/**
		 * Use the configured worker ID.
		 */
		CONFIGURED,

		/**
		 * Derive it from the low 10 bits of the host's first non-loopback IPv4 address.
		 */
		HOST_IPV4,

		/**
		 * Derive it from the ordinal at the end of a Kubernetes StatefulSet pod's host
		 * name.
		 */
		POD_ORDINAL,

		/**
		 * Lease a free one from Redis, through the application's Redis connection.
		 */
		REDIS_LEASE

	}

}
