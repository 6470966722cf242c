package io.pushgateway.cluster;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

import io.pushgateway.spi.BusRecordRejection;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Reports records a bus skips because they break the record contract: every one is
 * counted by reason, and at most one WARN line is written per interval (with how many
 * more were skipped meanwhile), so a misbehaving producer cannot flood every node's log.
 *
 * @author Push Gateway team
 */
public final class SkippedRecords {

	/** Logs once a minute and counts nowhere: for buses built without metrics. */
	public static final SkippedRecords LOG_ONLY = new SkippedRecords((reason) -> {
	}, Duration.ofMinutes(1));

	private static final Log logger = LogFactory.getLog(SkippedRecords.class);

	private final Consumer<BusRecordRejection> counter;

	private final long intervalNanos;

	private final AtomicLong nextLog = new AtomicLong(System.nanoTime());

	private final LongAdder unlogged = new LongAdder();

	/**
	 * Create a reporter.
	 * @param counter counts a skipped record by reason
	 * @param logInterval the least time between two log lines
	 */
	public SkippedRecords(Consumer<BusRecordRejection> counter, Duration logInterval) {
		this.counter = counter;
		this.intervalNanos = logInterval.toNanos();
	}

	/**
	 * Report a skipped record.
	 * @param where the record's place, such as {@code topic-2@1234}
	 * @param rejection why it was skipped
	 */
	public void skipped(String where, RecordRejectedException rejection) {
		this.counter.accept(rejection.reason());
		long now = System.nanoTime();
		long next = this.nextLog.get();
		if (now - next >= 0 && this.nextLog.compareAndSet(next, now + this.intervalNanos)) {
			long more = this.unlogged.sumThenReset();
			logger.warn("Skipped record " + where + ": " + rejection.getMessage()
					+ ((more > 0) ? "; " + more + " more records were skipped since the last such line" : "")
					+ " (see push_gateway_bus_records_skipped_total by reason, and docs/kafka.md)");
		}
		else {
			this.unlogged.increment();
		}
	}

}
