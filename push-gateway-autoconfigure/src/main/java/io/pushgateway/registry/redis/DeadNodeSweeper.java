package io.pushgateway.registry.redis;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.data.redis.core.ReactiveRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * Sweeps the sessions of every node whose heartbeat is older than the node timeout, so a
 * killed node leaves no ghosts. Several nodes may find the same dead node; the one that
 * takes its sweeping lock ({@code ws:node:sweeping:{node}}) sweeps it (and a sweep cut
 * short is repeated once the lock expires: every step is idempotent). A swept node's
 * counter ({@code ws:node:swept:{node}}) moves, so the node, if alive after all, learns
 * of it at its next heartbeat and rewrites its sessions.
 *
 * @author Push Gateway team
 */
final class DeadNodeSweeper {

	// the registry's category, named rather than referenced: the registry creates this
	// class
	private static final Log logger = LogFactory.getLog("io.pushgateway.registry.redis.RedisSessionRegistry");

	@SuppressWarnings("rawtypes")
	private static final RedisScript<List> DEAD_NODES = RedisScripts.load(List.class, "dead-nodes.lua");

	private static final RedisScript<Long> FORGET_NODE = RedisScripts.load(Long.class, "forget-node.lua");

	private final ReactiveRedisTemplate<String, String> redis;

	private final RedisKeys keys;

	private final RedisRegistrySettings settings;

	private final RegistryWriter writer;

	private final AtomicLong sweptSessions = new AtomicLong();

	DeadNodeSweeper(ReactiveRedisTemplate<String, String> redis, RedisKeys keys, RedisRegistrySettings settings,
			RegistryWriter writer) {
		this.redis = redis;
		this.keys = keys;
		this.settings = settings;
		this.writer = writer;
	}

	/**
	 * Sweep every dead node but this one.
	 * @return completes when swept
	 */
	Mono<Void> sweep() {
		return this.redis
			.execute(DEAD_NODES, List.of(this.keys.nodes()),
					List.of(Long.toString(this.settings.nodeTimeout().toMillis())))
			.collectList()
			.map(RedisScripts::reply)
			.timeout(this.settings.commandTimeout())
			.flatMapMany(Flux::fromIterable)
			.map(RedisScripts::text)
			.filter((node) -> !node.equals(this.settings.nodeId()))
			.concatMap(this::sweep)
			.then();
	}

	private Mono<Void> sweep(String node) {
		String lock = this.keys.nodeSweeping(node);
		return this.redis.opsForValue()
			.setIfAbsent(lock, this.settings.nodeId(), this.settings.nodeTimeout().multipliedBy(5))
			.timeout(this.settings.commandTimeout())
			.filter(Boolean::booleanValue)
			.flatMap((locked) -> this.redis.opsForSet()
				.members(this.keys.nodeClients(node))
				.collectList()
				.timeout(this.settings.commandTimeout()))
			.flatMap((sids) -> this.writer.remove(sids, node)
				.then(this.redis.delete(this.keys.nodeClients(node)).timeout(this.settings.commandTimeout()))
				.then(this.redis.opsForValue()
					.increment(this.keys.nodeSwept(node))
					.timeout(this.settings.commandTimeout()))
				.then(this.redis
					.execute(FORGET_NODE, List.of(this.keys.nodes()),
							List.of(node, Long.toString(this.settings.nodeTimeout().toMillis())))
					.timeout(this.settings.commandTimeout())
					.then())
				.then(this.redis.delete(lock).timeout(this.settings.commandTimeout()))
				.doOnSuccess((done) -> {
					if (!sids.isEmpty()) {
						this.sweptSessions.addAndGet(sids.size());
						logger.info("Removed " + sids.size() + " sessions of node " + node + ", silent for more than "
								+ this.settings.nodeTimeout().toSeconds() + " s");
					}
				}))
			.then();
	}

	/**
	 * How many sessions of dead nodes this node swept.
	 * @return the count
	 */
	long sweptSessions() {
		return this.sweptSessions.get();
	}

}
