package io.pushgateway.registry.redis;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.pushgateway.core.PresenceEvent;
import io.pushgateway.core.PresenceListener;
import io.pushgateway.core.RecentPresence;
import io.pushgateway.redis.GuardedRedisTemplate;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.core.ReactiveRedisTemplate;

/**
 * The latest presence transitions of a cluster, in Redis: each transition reaches the
 * listeners of one node, which pushes it onto {@code ws:presence:recent} (a list trimmed
 * to the last {@link #KEPT}); any node reads it. A transition whose write fails is only
 * missing from this list, which is for operators.
 *
 * @author Push Gateway team
 */
public final class RedisRecentPresence implements RecentPresence, PresenceListener {

	private static final Log logger = LogFactory.getLog(RedisRecentPresence.class);

	private static final JsonMapper JSON = JsonMapper.shared();

	private final ReactiveRedisTemplate<String, String> redis;

	private final String key;

	private final Duration timeout;

	/**
	 * Create the list.
	 * @param connectionFactory the application's connection factory
	 * @param keyPrefix the registry's key prefix
	 * @param timeout each command's timeout
	 */
	public RedisRecentPresence(ReactiveRedisConnectionFactory connectionFactory, String keyPrefix, Duration timeout) {
		this.redis = GuardedRedisTemplate.strings(connectionFactory);
		this.key = keyPrefix + ":presence:recent";
		this.timeout = timeout;
	}

	@Override
	public void onPresence(PresenceEvent event) {
		Map<String, Object> fields = new LinkedHashMap<>();
		fields.put("type", event.type().name());
		fields.put("uid", event.uid());
		fields.put("guid", event.guid());
		fields.put("at", event.at().toEpochMilli());
		this.redis.opsForList()
			.leftPush(this.key, JSON.writeValueAsString(fields))
			.then(this.redis.opsForList().trim(this.key, 0, KEPT - 1))
			.timeout(this.timeout)
			.subscribe(null, (error) -> {
				if (logger.isDebugEnabled()) {
					logger.debug("A presence transition is missing from the recent list: " + error);
				}
			});
	}

	@Override
	public Mono<List<PresenceEvent>> recent(int limit) {
		int count = Math.min(Math.max(limit, 0), KEPT);
		if (count == 0) {
			return Mono.just(List.of());
		}
		return this.redis.opsForList()
			.range(this.key, 0, count - 1)
			.mapNotNull(RedisRecentPresence::event)
			.collectList()
			.timeout(this.timeout);
	}

	private static @Nullable PresenceEvent event(String json) {
		try {
			JsonNode fields = JSON.readTree(json);
			JsonNode uid = fields.get("uid");
			JsonNode guid = fields.get("guid");
			return new PresenceEvent(PresenceEvent.Type.valueOf(fields.get("type").asString()),
					(uid == null || uid.isNull()) ? null : uid.asString(),
					(guid == null || guid.isNull()) ? null : guid.asString(),
					Instant.ofEpochMilli(fields.get("at").asLong()));
		}
		catch (RuntimeException ex) {
			return null;
		}
	}

}
