package io.pushgateway.id;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Generates 64-bit Snowflake IDs, unique across a cluster whose nodes have distinct
 * worker IDs: 41 bits of milliseconds since 2025-01-01T00:00:00Z, 10 bits of worker ID,
 * 12 bits of sequence. Lock-free, never blocks.
 *
 * <p>
 * When the wall clock moves backwards (an NTP step), the generator keeps counting from
 * the last timestamp it issued instead of waiting for the clock to catch up: IDs stay
 * unique and increasing within the process, and the timestamps they carry run slightly
 * ahead until the clock passes them again. The same happens when more than 4,096 IDs are
 * asked for in one millisecond.
 *
 * @author Push Gateway team
 */
public final class SnowflakeIdGenerator {

	/** The epoch of the timestamp bits: 2025-01-01T00:00:00Z. */
	public static final long EPOCH_MILLIS = 1_735_689_600_000L;

	/** The largest worker ID. */
	public static final int MAX_WORKER_ID = 1023;

	/** The bit that marks derived IDs. */
	private static final long DERIVED = 1L << 62;

	private static final int SEQUENCE_BITS = 12;

	private static final int WORKER_BITS = 10;

	private static final long SEQUENCE_MASK = (1L << SEQUENCE_BITS) - 1;

	private final long workerBits;

	private final Clock clock;

	/** The last issued (timestamp << 12 | sequence). */
	private final AtomicLong state = new AtomicLong();

	private final AtomicLong rollbacks = new AtomicLong();

	/**
	 * When an ID was issued, from its timestamp bits.
	 * @param id an ID from any node's generator
	 * @return the epoch milliseconds it carries (a generator that ran ahead of a clock
	 * set back carries its own, slightly later, time)
	 */
	/**
	 * A message ID for a record that arrived without one, the same on every node that
	 * reads it: bit 62 set (which issued IDs reach only in 2059), then the record's
	 * partition (16 bits) and offset (46 bits).
	 * @param partition the record's partition
	 * @param offset the record's offset
	 * @return the ID
	 */
	public static long derivedId(int partition, long offset) {
		return DERIVED | ((long) (partition & 0xFFFF) << 46) | (offset & ((1L << 46) - 1));
	}

	/**
	 * Whether a message ID was derived by {@link #derivedId} rather than issued (and so
	 * carries no time).
	 * @param id the ID
	 * @return {@code true} if derived
	 */
	public static boolean isDerivedId(long id) {
		return (id & DERIVED) != 0;
	}

	public static long timestampMillis(long id) {
		return (id >>> (SEQUENCE_BITS + WORKER_BITS)) + EPOCH_MILLIS;
	}

	/** The ID bits a JavaScript number holds exactly. */
	private static final long LOW_53_BITS = (1L << 53) - 1;

	/**
	 * The low 53 bits of an ID, which a JavaScript number holds exactly: unique among the
	 * IDs issued within about 24 days of each other (the ten high timestamp bits are what
	 * is left out).
	 * @param id an issued ID
	 * @return its low 53 bits
	 */
	public static long low53Bits(long id) {
		return id & LOW_53_BITS;
	}

	/**
	 * The issued ID whose low 53 bits these are, taking the high bits from the present:
	 * exact for an ID issued less than about 24 days ago.
	 * @param low53Bits the low 53 bits of an ID
	 * @param nowMillis the current time, epoch milliseconds
	 * @return the ID
	 */
	public static long completeId(long low53Bits, long nowMillis) {
		long now = (nowMillis - EPOCH_MILLIS) << (SEQUENCE_BITS + WORKER_BITS);
		long candidate = (now & ~LOW_53_BITS) | (low53Bits & LOW_53_BITS);
		// an ID from before the present's high bits turned over
		return (candidate > now + (60_000L << (SEQUENCE_BITS + WORKER_BITS))) ? candidate - (1L << 53) : candidate;
	}

	public SnowflakeIdGenerator(int workerId, Clock clock) {
		if (workerId < 0 || workerId > MAX_WORKER_ID) {
			throw new IllegalArgumentException(
					"worker ID must be between 0 and " + MAX_WORKER_ID + ", was " + workerId);
		}
		this.workerBits = ((long) workerId) << SEQUENCE_BITS;
		this.clock = clock;
	}

	/**
	 * The next ID.
	 * @return a positive, unique, increasing ID
	 */
	public long nextId() {
		while (true) {
			long previous = this.state.get();
			long lastMillis = previous >>> SEQUENCE_BITS;
			long now = this.clock.millis() - EPOCH_MILLIS;
			long next;
			if (now > lastMillis) {
				next = now << SEQUENCE_BITS;
			}
			else {
				if (now < lastMillis - 1) {
					this.rollbacks.incrementAndGet();
				}
				next = ((previous & SEQUENCE_MASK) == SEQUENCE_MASK) ? (lastMillis + 1) << SEQUENCE_BITS : previous + 1;
			}
			if (this.state.compareAndSet(previous, next)) {
				long millis = next >>> SEQUENCE_BITS;
				return (millis << (SEQUENCE_BITS + WORKER_BITS)) | this.workerBits | (next & SEQUENCE_MASK);
			}
		}
	}

	/**
	 * How many IDs were issued while the wall clock was behind the last issued timestamp.
	 * @return the count
	 */
	public long clockRollbacks() {
		return this.rollbacks.get();
	}

	/**
	 * The worker ID an ID was generated with.
	 * @param id the ID
	 * @return the worker ID
	 */
	public static int workerIdOf(long id) {
		return (int) ((id >>> SEQUENCE_BITS) & MAX_WORKER_ID);
	}

	/**
	 * The instant an ID was generated at.
	 * @param id the ID
	 * @return the instant
	 */
	public static Instant timestampOf(long id) {
		return Instant.ofEpochMilli((id >>> (SEQUENCE_BITS + WORKER_BITS)) + EPOCH_MILLIS);
	}

}
