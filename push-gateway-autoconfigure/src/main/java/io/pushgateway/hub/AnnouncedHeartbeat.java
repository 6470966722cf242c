package io.pushgateway.hub;

/**
 * The heartbeat interval announced to one connection and since when, which
 * {@link DynamicHeartbeat} lengthens and shortens.
 *
 * @author Push Gateway team
 */
final class AnnouncedHeartbeat {

	/** The interval; 0 for the base interval. */
	private volatile int millis;

	/** When the interval last changed (or the connection opened), epoch milliseconds. */
	private volatile long since;

	AnnouncedHeartbeat(long now) {
		this.since = now;
	}

	/**
	 * The interval announced to the connection.
	 * @return milliseconds, or 0 for the base interval of the {@code welcome}
	 */
	int millis() {
		return this.millis;
	}

	/**
	 * When the interval last changed.
	 * @return epoch milliseconds
	 */
	long since() {
		return this.since;
	}

	/**
	 * Announce another interval.
	 * @param millis the interval, or 0 for the base interval
	 * @param now epoch milliseconds
	 */
	void change(int millis, long now) {
		this.millis = millis;
		this.since = now;
	}

}
