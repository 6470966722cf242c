package io.pushgateway.registry.redis;

import java.util.List;
import java.util.function.BooleanSupplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.data.redis.core.ReactiveRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * This node's liveness in {@code ws:nodes}: a heartbeat in Redis's own time, so node
 * clocks do not matter, and the node's removal when it stops. A heartbeat that finds the
 * node unknown to Redis (restarted empty, or the node was swept as dead) or finds that
 * others swept it meanwhile ({@code ws:node:swept:{node}} moved) makes a resync due,
 * since Redis lost some of the node's sessions.
 *
 * @author Push Gateway team
 */
final class NodeHeartbeat {

	// the registry's category, named rather than referenced: the registry creates this
	// class
	private static final Log logger = LogFactory.getLog("io.pushgateway.registry.redis.RedisSessionRegistry");

	private static final RedisScript<Long> HEARTBEAT = RedisScripts.load(Long.class, "heartbeat.lua");

	private final ReactiveRedisTemplate<String, String> redis;

	private final RedisKeys keys;

	private final RedisRegistrySettings settings;

	private final RegistryWriteBehind writeBehind;

	private final BooleanSupplier running;

	/**
	 * How often other nodes swept this one as dead, as last read; null before the first
	 * read.
	 */
	private volatile @Nullable String sweptCount;

	/**
	 * Create the heartbeat.
	 * @param redis the template
	 * @param keys the key names
	 * @param settings the settings
	 * @param writeBehind where a resync is made due
	 * @param running whether the registry runs (a stopped one resynchronizes nothing)
	 */
	NodeHeartbeat(ReactiveRedisTemplate<String, String> redis, RedisKeys keys, RedisRegistrySettings settings,
			RegistryWriteBehind writeBehind, BooleanSupplier running) {
		this.redis = redis;
		this.keys = keys;
		this.settings = settings;
		this.writeBehind = writeBehind;
		this.running = running;
	}

	/**
	 * Record that this node is alive.
	 * @return completes when recorded
	 */
	Mono<Void> beat() {
		return this.redis.execute(HEARTBEAT, List.of(this.keys.nodes()), List.of(this.settings.nodeId()))
			.next()
			.zipWith(this.redis.opsForValue().get(this.keys.nodeSwept(this.settings.nodeId())).defaultIfEmpty("0"))
			.timeout(this.settings.commandTimeout())
			.doOnNext((heartbeat) -> {
				String swept = heartbeat.getT2();
				String known = this.sweptCount;
				this.sweptCount = swept;
				boolean sweptMeanwhile = known != null && !known.equals(swept);
				if ((heartbeat.getT1() == 1 || sweptMeanwhile) && this.running.getAsBoolean()
						&& !this.writeBehind.isResyncNeeded()) {
					logger.warn("Node " + this.settings.nodeId()
							+ " was unknown to Redis (restarted, or swept as dead);" + " resynchronizing its sessions");
					this.writeBehind.requestResync();
				}
			})
			.then();
	}

	/**
	 * Remove this node and its set of sockets, as a node that stops.
	 * @return completes when removed
	 */
	Mono<Void> leave() {
		return this.redis.opsForZSet()
			.remove(this.keys.nodes(), this.settings.nodeId())
			.then(this.redis.delete(this.keys.nodeClients(this.settings.nodeId())))
			.then();
	}

}
