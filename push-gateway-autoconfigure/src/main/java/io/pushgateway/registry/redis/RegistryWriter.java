package io.pushgateway.registry.redis;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.pushgateway.core.PresenceEvent;
import io.pushgateway.spi.PresenceTracking;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.data.redis.core.ReactiveRedisTemplate;
import org.springframework.data.redis.core.ZSetOperations.TypedTuple;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * Writes batches of session changes: one {@code apply.lua} call on a standalone Redis; on
 * Redis Cluster one per hash slot the batch touches ({@link ApplyCalls}), sent together,
 * then the cluster-wide keys (the users hash, the pending-presence index) from what the
 * calls returned. Emits the presence transitions the calls decided and enforces the
 * per-user limit on the users they found over it. A write that fails makes a resync due;
 * one that succeeds marks the registry healthy.
 *
 * @author Push Gateway team
 */
final class RegistryWriter {

	@SuppressWarnings("rawtypes")
	private static final RedisScript<List> APPLY = RedisScripts.load(List.class, "presence.lua", "apply.lua");

	private static final RedisScript<Long> USERS = RedisScripts.load(Long.class, "users.lua");

	/** How many script calls of one batch may await Redis at once (pipelined). */
	static final int CONCURRENT_CALLS = 64;

	private final ReactiveRedisTemplate<String, String> redis;

	private final RedisKeys keys;

	private final boolean cluster;

	private final RedisRegistrySettings settings;

	private final UserConnectionLimit userLimit;

	private final PresenceTracking tracking;

	private final RegistryWriteBehind writeBehind;

	private final RegistryHealth health;

	RegistryWriter(ReactiveRedisTemplate<String, String> redis, RedisKeys keys, boolean cluster,
			RedisRegistrySettings settings, UserConnectionLimit userLimit, PresenceTracking tracking,
			RegistryWriteBehind writeBehind, RegistryHealth health) {
		this.redis = redis;
		this.keys = keys;
		this.cluster = cluster;
		this.settings = settings;
		this.userLimit = userLimit;
		this.tracking = tracking;
		this.writeBehind = writeBehind;
		this.health = health;
	}

	/**
	 * Write a batch of changes.
	 * @param batch the changes, in the order they were made
	 * @return completes when written
	 */
	Mono<Void> apply(List<String[]> batch) {
		ApplyCalls calls = new ApplyCalls(this.keys, this.cluster, this.settings.nodeId());
		batch.forEach(calls::add);
		if (calls.isEmpty()) {
			return Mono.empty();
		}
		Map<String, Long> users = new LinkedHashMap<>();
		List<TypedTuple<String>> pending = new ArrayList<>();
		List<PresenceEvent> events = new ArrayList<>();
		return Flux.fromIterable(calls.calls())
			.flatMap(this::apply, CONCURRENT_CALLS)
			.doOnNext((result) -> collect(result, users, pending, events))
			.then(Mono.fromRunnable(() -> emitInOrder(events)))
			.then(Mono.defer(() -> writeClusterWide(users, pending)))
			.timeout(this.settings.commandTimeout())
			.doOnError((error) -> this.writeBehind.requestResync())
			.then(Mono.fromRunnable(this.health::up));
	}

	private Mono<List<Object>> apply(ApplyCalls.Call call) {
		List<String> args = new ArrayList<>(4 + call.ops().size());
		args.add(this.userLimit.argument());
		args.add(graceMillis());
		args.add(this.cluster ? "0" : call.declare(this.keys.users()));
		args.add(this.cluster ? "0" : call.declare(this.keys.pendingIndex()));
		args.addAll(call.ops());
		return this.redis.execute(APPLY, call.keys(), args).collectList().map(RedisScripts::reply);
	}

	private String graceMillis() {
		return this.tracking.enabled() ? Long.toString(this.tracking.gracePeriod().toMillis()) : "-1";
	}

	@SuppressWarnings("unchecked")
	private void collect(List<Object> result, Map<String, Long> users, List<TypedTuple<String>> pending,
			List<PresenceEvent> events) {
		this.userLimit.enforce((List<Object>) result.get(0));
		List<Object> decided = (List<Object>) result.get(1);
		if (decided.size() > 1) {
			events.addAll(PresenceSubjects.events(decided));
		}
		List<Object> waiting = (List<Object>) result.get(2);
		for (int i = 1; i < waiting.size(); i++) {
			pending.add(TypedTuple.of(RedisScripts.text(waiting.get(i)), (double) RedisScripts.number(waiting.get(0))));
		}
		List<Object> changed = (List<Object>) result.get(3);
		for (int i = 0; i + 1 < changed.size(); i += 2) {
			users.merge(RedisScripts.text(changed.get(i)), RedisScripts.number(changed.get(i + 1)), Long::sum);
		}
	}

	/*
	 * The transitions of one batch, users first, then GUIDs, then memberships (as one
	 * script call on a standalone Redis decides them): on Redis Cluster they come from
	 * several calls in no defined order. Each subject's own transitions keep their order.
	 */
	private void emitInOrder(List<PresenceEvent> events) {
		events.sort(Comparator.comparingInt(RegistryWriter::kindOrder));
		events.forEach(this.tracking::emit);
	}

	private static int kindOrder(PresenceEvent event) {
		if (event.guid() == null) {
			return 0;
		}
		return (event.uid() == null) ? 1 : 2;
	}

	private Mono<Void> writeClusterWide(Map<String, Long> users, List<TypedTuple<String>> pending) {
		List<String> deltas = new ArrayList<>();
		users.forEach((uid, delta) -> {
			if (delta != 0) {
				deltas.add(uid);
				deltas.add(Long.toString(delta));
			}
		});
		Mono<?> usersWritten = deltas.isEmpty() ? Mono.empty()
				: this.redis.execute(USERS, List.of(this.keys.users()), deltas).then();
		Mono<?> pendingWritten = pending.isEmpty() ? Mono.empty()
				: this.redis.opsForZSet().addAll(this.keys.pendingIndex(), pending);
		return Mono.when(usersWritten, pendingWritten);
	}

	/**
	 * Remove sessions of a node by socket ID, reading each session's user and GUIDs from
	 * its hash (a session whose hash is gone only leaves the node's set).
	 * @param sids the socket IDs
	 * @param node the node
	 * @return completes when removed
	 */
	Mono<Void> remove(List<String> sids, String node) {
		return Flux.fromIterable(sids)
			.flatMap((sid) -> this.redis.<String, String>opsForHash()
				.multiGet(this.keys.client(sid), List.of("uid", "guids"))
				.timeout(this.settings.commandTimeout())
				.map((fields) -> (fields.get(0) != null)
						? ApplyCalls.unregister(sid, fields.get(0), node, guids(String.valueOf(fields.get(1))))
						: ApplyCalls.unregister(sid, "", node, List.of())),
					CONCURRENT_CALLS)
			.buffer(this.settings.maxBatch())
			.concatMap(this::apply)
			.then();
	}

	/**
	 * The GUIDs of a session's hash.
	 * @param json its {@code guids} field, a JSON array
	 * @return the GUIDs
	 */
	static List<String> guids(String json) {
		List<String> guids = new ArrayList<>();
		JsonMapper.shared().readTree(json).forEach((guid) -> guids.add(guid.asString()));
		return guids;
	}

}
