package io.pushgateway.registry.redis;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.pushgateway.spi.LocalSessions;
import io.pushgateway.spi.Session;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.data.redis.core.ReactiveRedisTemplate;

/**
 * Rewrites every session of this node from its hub when Redis may have missed changes (at
 * start, after an outage, after the queue overflowed, or when other nodes swept this one
 * as dead), then removes the node's sessions Redis still holds but the hub does not
 * (closed while Redis was unreachable). GUIDs a session left while Redis was unreachable
 * are read from its hash and left again. Every step is idempotent, so a resync cut short
 * is simply repeated.
 *
 * @author Push Gateway team
 */
final class RegistryResync {

	// the registry's category, named rather than referenced: the registry creates this
	// class
	private static final Log logger = LogFactory.getLog("io.pushgateway.registry.redis.RedisSessionRegistry");

	private final ReactiveRedisTemplate<String, String> redis;

	private final RedisKeys keys;

	private final RedisRegistrySettings settings;

	private final LocalSessions hub;

	private final RegistryWriteBehind writeBehind;

	private final RegistryWriter writer;

	RegistryResync(ReactiveRedisTemplate<String, String> redis, RedisKeys keys, RedisRegistrySettings settings,
			LocalSessions hub, RegistryWriteBehind writeBehind, RegistryWriter writer) {
		this.redis = redis;
		this.keys = keys;
		this.settings = settings;
		this.hub = hub;
		this.writeBehind = writeBehind;
		this.writer = writer;
	}

	/**
	 * Rewrite this node's sessions; a resync is due again if it fails.
	 * @return completes when Redis holds what the hub holds
	 */
	Mono<Void> resync() {
		this.writeBehind.startResync();
		List<Session> connections = new ArrayList<>(this.hub.sessions());
		Map<String, Session> local = new HashMap<>();
		connections.forEach((connection) -> local.put(Long.toString(connection.socketId()), connection));
		Mono<List<String[]>> leftGuids = Flux.fromIterable(connections)
			.flatMap((connection) -> staleGuids(connection), RegistryWriter.CONCURRENT_CALLS)
			.collectList();
		Flux<String> held = this.redis.opsForSet()
			.members(this.keys.nodeClients(this.settings.nodeId()))
			.timeout(this.settings.commandTimeout());
		return leftGuids.flatMapMany((leaves) -> {
			List<String[]> ops = new ArrayList<>(leaves);
			for (Session connection : connections) {
				// after what the hub queued so far, before what it queues next; not
				// through the bounded queue, which would drop it when full
				drainAll(ops);
				String[] register = ApplyCalls.register(connection, this.settings.clientAddresses());
				ops.add(register);
				if (!isOpen(connection)) {
					// closed since the snapshot: its removal may have been queued before
					// this registration, which would bring it back
					ops.add(ApplyCalls.unregister(register, this.settings.nodeId()));
				}
			}
			drainAll(ops);
			return Flux.fromIterable(partition(ops));
		})
			.concatMap(this.writer::apply)
			.thenMany(held)
			.collectList()
			// against the hub as it is now: a session opened since the snapshot was
			// registered through the queue and is not stale
			.map((sids) -> stale(sids, local))
			.flatMap((stale) -> this.writer.remove(stale, this.settings.nodeId()))
			.doOnSuccess((done) -> {
				if (this.writeBehind.isResyncNeeded()) {
					logger.info("Registry rewrote " + connections.size() + " sessions of node " + this.settings.nodeId()
							+ "; changes made meanwhile overflowed the queue: rewriting again");
				}
				else {
					logger.info("Registry resynchronized " + connections.size() + " sessions of node "
							+ this.settings.nodeId());
				}
			})
			.doOnError((error) -> this.writeBehind.requestResync());
	}

	private void drainAll(List<String[]> ops) {
		for (List<String[]> batch = this.writeBehind.drain(); !batch.isEmpty(); batch = this.writeBehind.drain()) {
			ops.addAll(batch);
		}
	}

	private boolean isOpen(Session session) {
		return this.hub.sessionsOf(session.uid()).contains(session);
	}

	private List<String> stale(List<String> held, Map<String, Session> snapshot) {
		List<String> stale = new ArrayList<>();
		Set<String> now = null;
		for (String sid : held) {
			if (snapshot.containsKey(sid)) {
				continue;
			}
			if (now == null) {
				now = new HashSet<>();
				for (Session session : this.hub.sessions()) {
					now.add(Long.toString(session.socketId()));
				}
			}
			if (!now.contains(sid)) {
				stale.add(sid);
			}
		}
		return stale;
	}

	/* Leaves for the GUIDs Redis lists for a session that the session no longer has. */
	private Flux<String[]> staleGuids(Session session) {
		String sid = Long.toString(session.socketId());
		return this.redis.<String, String>opsForHash()
			.get(this.keys.client(sid), "guids")
			.timeout(this.settings.commandTimeout())
			.flatMapIterable(RegistryWriter::guids)
			.filter((guid) -> !session.guids().contains(guid))
			.map((guid) -> ApplyCalls.leave(sid, session.uid(), guid));
	}

	private List<List<String[]>> partition(List<String[]> ops) {
		List<List<String[]>> batches = new ArrayList<>();
		for (int i = 0; i < ops.size(); i += this.settings.maxBatch()) {
			batches.add(ops.subList(i, Math.min(ops.size(), i + this.settings.maxBatch())));
		}
		return batches;
	}

}
