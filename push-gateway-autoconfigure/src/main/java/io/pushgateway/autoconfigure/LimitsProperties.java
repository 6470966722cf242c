package io.pushgateway.autoconfigure;

import java.time.Duration;

import org.springframework.util.unit.DataSize;

/**
 * Settings of the limits that protect a node, under {@code push.gateway.limits}.
 *
 * @author Push Gateway team
 */
public class LimitsProperties {

	/**
	 * Maximum connections of one user; the oldest is closed (close code 4003) when a new
	 * one would exceed it. 0 means no limit.
	 */
	private int maxConnectionsPerUser = 10;

	/**
	 * Maximum GUIDs one connection may be attached to.
	 */
	private int maxGuidsPerConnection = 64;

	/**
	 * Maximum upstream messages of one connection awaiting their handler.
	 */
	private int maxInFlightMessages = 16;

	/**
	 * Time an upstream handler has to answer before the client gets error 4504.
	 */
	private Duration upstreamTimeout = Duration.ofSeconds(10);

	/**
	 * Maximum size of one push payload.
	 */
	private DataSize maxPayloadSize = DataSize.ofKilobytes(256);

	/**
	 * Maximum pushes awaiting client acknowledgements at once on a node (and, separately,
	 * other nodes' pushes whose acknowledgements it forwards).
	 */
	private int maxPendingAcks = 10_000;

	/**
	 * Longest acknowledgement timeout a push may ask for.
	 */
	private Duration maxAckTimeout = Duration.ofSeconds(60);

	/**
	 * Maximum push batches waiting for one event loop before pushes are refused as
	 * overloaded.
	 */
	private int maxPendingBatchesPerLoop = 16384;

	/**
	 * Maximum open connections from one client address (0 for no limit). Only meaningful
	 * when the gateway sees client addresses: directly, or behind a proxy with
	 * server.forward-headers-strategy=native.
	 */
	private int maxConnectionsPerIp = 0;

	/**
	 * Maximum handshakes per second from one client address, WebSocket and long-polling
	 * together (0 for no limit); over it the handshake gets HTTP 429.
	 */
	private int maxHandshakesPerIpPerSecond = 0;

	/**
	 * Maximum frames one connection may send per second, heartbeats included (0 for no
	 * limit); a connection over it is closed with 4008.
	 */
	private int maxMessagesPerSecond = 500;

	/**
	 * Maximum bytes one connection may send per second (0 for no limit); a connection
	 * over it is closed with 4008.
	 */
	private DataSize maxBytesPerSecond = DataSize.ofMegabytes(1);

	/**
	 * Upstream messages one user may send per second over all their connections on every
	 * node (a token bucket, in Redis with the Redis registry), 0 for no limit; a message
	 * over it gets error 4430.
	 */
	private int userMessagesPerSecond = 0;

	/**
	 * Messages a user may send at once above the per-user rate (the bucket's size); 0
	 * means as many as the rate.
	 */
	private int userMessageBurst = 0;

	/**
	 * Messages refused by the per-user rate in a row that close the connection with 4008.
	 */
	private int userRateStrikes = 10;

	public int getUserMessagesPerSecond() {
		return this.userMessagesPerSecond;
	}

	public void setUserMessagesPerSecond(int userMessagesPerSecond) {
		this.userMessagesPerSecond = userMessagesPerSecond;
	}

	public int getUserMessageBurst() {
		return this.userMessageBurst;
	}

	public void setUserMessageBurst(int userMessageBurst) {
		this.userMessageBurst = userMessageBurst;
	}

	/**
	 * The bucket's size: the burst, or the rate when no burst is set.
	 * @return the most tokens a user's bucket holds
	 */
	public int userBucketSize() {
		return (this.userMessageBurst > 0) ? this.userMessageBurst : this.userMessagesPerSecond;
	}

	public int getUserRateStrikes() {
		return this.userRateStrikes;
	}

	public void setUserRateStrikes(int userRateStrikes) {
		this.userRateStrikes = userRateStrikes;
	}

	public int getMaxPendingAcks() {
		return this.maxPendingAcks;
	}

	public void setMaxPendingAcks(int maxPendingAcks) {
		this.maxPendingAcks = maxPendingAcks;
	}

	public Duration getMaxAckTimeout() {
		return this.maxAckTimeout;
	}

	public void setMaxAckTimeout(Duration maxAckTimeout) {
		this.maxAckTimeout = maxAckTimeout;
	}

	public int getMaxConnectionsPerIp() {
		return this.maxConnectionsPerIp;
	}

	public void setMaxConnectionsPerIp(int maxConnectionsPerIp) {
		this.maxConnectionsPerIp = maxConnectionsPerIp;
	}

	public int getMaxHandshakesPerIpPerSecond() {
		return this.maxHandshakesPerIpPerSecond;
	}

	public void setMaxHandshakesPerIpPerSecond(int maxHandshakesPerIpPerSecond) {
		this.maxHandshakesPerIpPerSecond = maxHandshakesPerIpPerSecond;
	}

	public int getMaxMessagesPerSecond() {
		return this.maxMessagesPerSecond;
	}

	public void setMaxMessagesPerSecond(int maxMessagesPerSecond) {
		this.maxMessagesPerSecond = maxMessagesPerSecond;
	}

	public DataSize getMaxBytesPerSecond() {
		return this.maxBytesPerSecond;
	}

	public void setMaxBytesPerSecond(DataSize maxBytesPerSecond) {
		this.maxBytesPerSecond = maxBytesPerSecond;
	}

	public int getMaxConnectionsPerUser() {
		return this.maxConnectionsPerUser;
	}

	public void setMaxConnectionsPerUser(int maxConnectionsPerUser) {
		this.maxConnectionsPerUser = maxConnectionsPerUser;
	}

	public int getMaxGuidsPerConnection() {
		return this.maxGuidsPerConnection;
	}

	public void setMaxGuidsPerConnection(int maxGuidsPerConnection) {
		this.maxGuidsPerConnection = maxGuidsPerConnection;
	}

	public int getMaxInFlightMessages() {
		return this.maxInFlightMessages;
	}

	public void setMaxInFlightMessages(int maxInFlightMessages) {
		this.maxInFlightMessages = maxInFlightMessages;
	}

	public Duration getUpstreamTimeout() {
		return this.upstreamTimeout;
	}

	public void setUpstreamTimeout(Duration upstreamTimeout) {
		this.upstreamTimeout = upstreamTimeout;
	}

	public DataSize getMaxPayloadSize() {
		return this.maxPayloadSize;
	}

	public void setMaxPayloadSize(DataSize maxPayloadSize) {
		this.maxPayloadSize = maxPayloadSize;
	}

	public int getMaxPendingBatchesPerLoop() {
		return this.maxPendingBatchesPerLoop;
	}

	public void setMaxPendingBatchesPerLoop(int maxPendingBatchesPerLoop) {
		this.maxPendingBatchesPerLoop = maxPendingBatchesPerLoop;
	}

}
