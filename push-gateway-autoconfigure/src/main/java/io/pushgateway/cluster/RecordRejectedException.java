package io.pushgateway.cluster;

import io.pushgateway.spi.BusRecordRejection;

/**
 * A record on the cluster bus that breaks the record contract ({@code docs/kafka.md}): it
 * is skipped, counted by {@link BusRecordRejection} and logged (sampled), and never
 * reaches a client.
 *
 * @author Push Gateway team
 */
public final class RecordRejectedException extends RuntimeException {

	private final BusRecordRejection reason;

	public RecordRejectedException(BusRecordRejection reason, String message) {
		super(message, null, false, false);
		this.reason = reason;
	}

	public BusRecordRejection reason() {
		return this.reason;
	}

}
