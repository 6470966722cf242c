package io.pushgateway.registry;

import java.time.Clock;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.pushgateway.core.PresenceEvent;
import io.pushgateway.core.PresenceEvent.Type;
import io.pushgateway.spi.PresenceTracking;
import io.pushgateway.spi.Session;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Presence transitions of a single node, the in-memory counterpart of the Redis
 * registry's scripts: counts connections per user, GUID and membership, and reports a
 * loss once its grace period passes without a connection coming back. One lock guards the
 * counts; each change is a few map operations, and the sink only queues.
 *
 * @author Push Gateway team
 */
final class PresenceTransitions {

	private final PresenceTracking tracking;

	private final Clock clock;

	private final Scheduler timer;

	/** The GUIDs of each registered socket, as this tracker counted them. */
	private final Map<Long, Member> sockets = new HashMap<>();

	private final Map<Subject, Integer> counts = new HashMap<>();

	private final Map<Subject, Disposable> pending = new HashMap<>();

	PresenceTransitions(PresenceTracking tracking, Clock clock) {
		this(tracking, clock, Schedulers.parallel());
	}

	PresenceTransitions(PresenceTracking tracking, Clock clock, Scheduler timer) {
		this.tracking = tracking;
		this.clock = clock;
		this.timer = timer;
	}

	synchronized void register(Session session) {
		unregister(session.socketId());
		Member member = new Member(session.uid(), new HashSet<>(session.guids()));
		this.sockets.put(session.socketId(), member);
		up(new Subject(Type.ONLINE, member.uid, null));
		member.guids.forEach((guid) -> upGuid(member.uid, guid));
	}

	synchronized void unregister(long socketId) {
		Member member = this.sockets.remove(socketId);
		if (member == null) {
			return;
		}
		// in the order the Redis registry's script reports them
		down(new Subject(Type.ONLINE, member.uid, null));
		member.guids.forEach((guid) -> downGuid(member.uid, guid));
	}

	synchronized void joined(long socketId, String guid) {
		Member member = this.sockets.get(socketId);
		if (member != null && member.guids.add(guid)) {
			upGuid(member.uid, guid);
		}
	}

	synchronized void left(long socketId, String guid) {
		Member member = this.sockets.get(socketId);
		if (member != null && member.guids.remove(guid)) {
			downGuid(member.uid, guid);
		}
	}

	private void upGuid(String uid, String guid) {
		up(new Subject(Type.OCCUPIED, null, guid));
		up(new Subject(Type.JOINED, uid, guid));
	}

	private void downGuid(String uid, String guid) {
		down(new Subject(Type.OCCUPIED, null, guid));
		down(new Subject(Type.JOINED, uid, guid));
	}

	private void up(Subject subject) {
		if (this.counts.merge(subject, 1, Integer::sum) == 1) {
			Disposable grace = this.pending.remove(subject);
			if (grace != null) {
				grace.dispose();
			}
			else {
				emit(subject.gained, subject);
			}
		}
	}

	private void down(Subject subject) {
		Integer count = this.counts.computeIfPresent(subject, (key, value) -> (value > 1) ? value - 1 : null);
		if (count != null) {
			return;
		}
		long grace = this.tracking.gracePeriod().toMillis();
		if (grace == 0) {
			emit(subject.lost(), subject);
			return;
		}
		this.pending.put(subject, this.timer.schedule(() -> expire(subject), grace, TimeUnit.MILLISECONDS));
	}

	private synchronized void expire(Subject subject) {
		if (this.pending.remove(subject) != null && !this.counts.containsKey(subject)) {
			emit(subject.lost(), subject);
		}
	}

	private void emit(Type type, Subject subject) {
		this.tracking.emit(new PresenceEvent(type, subject.uid, subject.guid, this.clock.instant()));
	}

	/** A user, a GUID or a membership, named by the transition that gains it. */
	private record Subject(Type gained, @Nullable String uid, @Nullable String guid) {

		Type lost() {
			return switch (this.gained) {
				case ONLINE -> Type.OFFLINE;
				case OCCUPIED -> Type.VACATED;
				default -> Type.LEFT;
			};
		}

	}

	private record Member(String uid, Set<String> guids) {
	}

}
