package io.pushgateway.registry.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.pushgateway.core.PresenceEvent;
import io.pushgateway.spi.PresenceTracking;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.data.redis.core.ReactiveRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * Ends the presence grace periods that are over, reporting each loss once cluster-wide:
 * the pending index ({@code ws:presence:pending}) says which subjects to look at, their
 * markers (in each subject's slot) decide, and the index forgets what was decided unless
 * a newer loss rescheduled it meanwhile. Every node checks; the scripts decide each
 * transition once, and the node whose call decided it emits it.
 *
 * @author Push Gateway team
 */
final class PresenceExpiry {

	@SuppressWarnings("rawtypes")
	private static final RedisScript<List> DUE = RedisScripts.load(List.class, "due.lua");

	@SuppressWarnings("rawtypes")
	private static final RedisScript<List> EXPIRE = RedisScripts.load(List.class, "presence.lua", "expire.lua");

	private static final RedisScript<Long> PRUNE = RedisScripts.load(Long.class, "prune.lua");

	/** The most grace periods one check ends, so one call stays short. */
	private static final int MAX_EXPIRED_PER_CALL = 1000;

	private final ReactiveRedisTemplate<String, String> redis;

	private final RedisKeys keys;

	private final boolean cluster;

	private final Duration commandTimeout;

	private final PresenceTracking tracking;

	PresenceExpiry(ReactiveRedisTemplate<String, String> redis, RedisKeys keys, boolean cluster,
			Duration commandTimeout, PresenceTracking tracking) {
		this.redis = redis;
		this.keys = keys;
		this.cluster = cluster;
		this.commandTimeout = commandTimeout;
		this.tracking = tracking;
	}

	/**
	 * Whether grace periods are ever pending: presence is tracked, with a grace period.
	 * @return {@code true} when the check must run
	 */
	boolean isNeeded() {
		return this.tracking.enabled() && !this.tracking.gracePeriod().isZero();
	}

	/**
	 * How often to check.
	 * @return the interval
	 */
	Duration checkInterval() {
		return checkInterval(this.tracking.gracePeriod());
	}

	/*
	 * Short enough that a loss is reported soon after its grace period ends, long enough
	 * that an idle cluster costs Redis little: a fifth of the grace period, between 50 ms
	 * and 1 s.
	 */
	static Duration checkInterval(Duration gracePeriod) {
		Duration fifth = gracePeriod.dividedBy(5);
		Duration min = Duration.ofMillis(50);
		Duration max = Duration.ofSeconds(1);
		return (fifth.compareTo(min) < 0) ? min : (fifth.compareTo(max) > 0) ? max : fifth;
	}

	/**
	 * End the grace periods that are over.
	 * @return completes when ended
	 */
	Mono<Void> expire() {
		return this.redis
			.execute(DUE, List.of(this.keys.pendingIndex()), List.of(Integer.toString(MAX_EXPIRED_PER_CALL)))
			.collectList()
			.map(RedisScripts::reply)
			.timeout(this.commandTimeout)
			.flatMap((due) -> {
				if (due.isEmpty()) {
					return Mono.empty();
				}
				SlotPartition<List<String>> bySlot = new SlotPartition<>(this.cluster, ArrayList::new);
				for (int i = 0; i + 1 < due.size(); i += 2) {
					String subject = RedisScripts.text(due.get(i));
					String[] keys = presenceKeys(subject);
					bySlot.of(keys[0]).addAll(List.of(subject, RedisScripts.text(due.get(i + 1))));
				}
				return Flux.fromIterable(bySlot.parts())
					.flatMap(this::expire, RegistryWriter.CONCURRENT_CALLS)
					.collectList()
					.flatMap((pruned) -> {
						List<String> args = new ArrayList<>();
						pruned.forEach(args::addAll);
						return this.redis.execute(PRUNE, List.of(this.keys.pendingIndex()), args).then();
					})
					.timeout(this.commandTimeout);
			});
	}

	/* Ends the grace periods of subjects in one slot; returns the index updates. */
	@SuppressWarnings("unchecked")
	private Mono<List<String>> expire(List<String> subjectsAndDeadlines) {
		List<String> keys = new ArrayList<>();
		List<String> args = new ArrayList<>();
		for (int i = 0; i < subjectsAndDeadlines.size(); i += 2) {
			String subject = subjectsAndDeadlines.get(i);
			String[] subjectKeys = presenceKeys(subject);
			keys.add(subjectKeys[0]);
			keys.add(subjectKeys[1]);
			args.add(subject);
			args.add(subjectKeys[2]);
		}
		return this.redis.execute(EXPIRE, keys, args).collectList().map(RedisScripts::reply).map((result) -> {
			emit((List<Object>) result.get(0));
			List<Object> done = (List<Object>) result.get(1);
			List<String> prune = new ArrayList<>();
			for (int i = 0; i < done.size(); i++) {
				prune.add(subjectsAndDeadlines.get(2 * i));
				prune.add(subjectsAndDeadlines.get(2 * i + 1));
				prune.add(RedisScripts.text(done.get(i)));
			}
			return prune;
		});
	}

	/* A subject's marker key, the key that says whether it is present, and a field. */
	private String[] presenceKeys(String subject) {
		PresenceSubjects.Subject parsed = PresenceSubjects.parse(subject);
		return switch (parsed.kind()) {
			case 'u' -> new String[] { this.keys.userMarker(parsed.uid()), this.keys.userClients(parsed.uid()), "" };
			case 'g' -> new String[] { this.keys.guidMarker(parsed.guid()), this.keys.guidClients(parsed.guid()), "" };
			default -> new String[] { this.keys.memberMarkers(parsed.guid()), this.keys.guidUsers(parsed.guid()),
					parsed.uid() };
		};
	}

	private void emit(List<Object> events) {
		if (events.size() < 2) {
			return;
		}
		for (PresenceEvent event : PresenceSubjects.events(events)) {
			this.tracking.emit(event);
		}
	}

}
