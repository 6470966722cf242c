package io.pushgateway.registry.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.pushgateway.core.Payload;
import io.pushgateway.core.PayloadFormat;
import io.pushgateway.core.Push;
import io.pushgateway.core.PushTarget;
import io.pushgateway.redis.CancelGuard;
import io.pushgateway.redis.GuardedRedisTemplate;
import io.pushgateway.spi.PushStore;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.core.ReactiveRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.data.redis.serializer.RedisSerializationContext;
import org.springframework.data.redis.serializer.RedisSerializationContext.SerializationPair;
import org.springframework.data.redis.serializer.RedisSerializer;

/**
 * A {@link PushStore} in Redis Streams, shared by the nodes of a cluster:
 *
 * <pre class="code">
 * XADD ws:stream:user:{uid} MAXLEN {max-length} * prev {position before} id {message ID} ev {event} fmt {format} d {payload}
 * XTRIM ws:stream:user:{uid} MINID {now - max-age}
 * PEXPIRE ws:stream:user:{uid} {2 x max-age}
 * </pre>
 *
 * and the same under {@code ws:stream:guid:{guid}}. Positions are the stream entry IDs.
 * Each script touches one stream, so each runs on Redis Cluster (the braces are a hash
 * tag: a user's stream shares its slot with the user's other keys).
 *
 * @author Push Gateway team
 */
public final class RedisPushStore implements PushStore {

	@SuppressWarnings("rawtypes")
	private static final RedisScript<byte[]> APPEND = RedisSessionRegistry.script(byte[].class, "stream-last.lua",
			"append.lua");

	@SuppressWarnings("rawtypes")
	private static final RedisScript<List> RECOVER = RedisSessionRegistry.script(List.class, "stream-last.lua",
			"recover.lua");

	private final ReactiveRedisTemplate<String, byte[]> redis;

	private final RedisKeys keys;

	private final int maxLength;

	private final Duration maxAge;

	private final Duration timeout;

	public RedisPushStore(ReactiveRedisConnectionFactory connectionFactory, String keyPrefix, int maxLength,
			Duration maxAge, Duration timeout) {
		this.redis = new GuardedRedisTemplate<>(connectionFactory,
				RedisSerializationContext.<String, byte[]>newSerializationContext(RedisSerializer.string())
					.value(SerializationPair.byteArray())
					.build());
		this.keys = new RedisKeys(keyPrefix);
		this.maxLength = maxLength;
		this.maxAge = maxAge;
		this.timeout = timeout;
	}

	private String key(String stream) {
		return this.keys.stream(stream);
	}

	@Override
	public Mono<String> append(String stream, Push push) {
		List<byte[]> args = List.of(bytes(Integer.toString(this.maxLength)),
				bytes(Long.toString(this.maxAge.toMillis())), bytes(Long.toString(push.messageId())),
				bytes(push.event()), bytes(push.payload().format().name().toLowerCase(Locale.ROOT)),
				push.payload().bytes());
		return this.redis.execute(APPEND, List.of(key(stream)), args)
			.next()
			.map(RedisPushStore::text)
			.timeout(this.timeout)
			.contextWrite(CancelGuard.droppedErrorsAtDebug());
	}

	@Override
	public Mono<Recovery> since(String stream, @Nullable String since, int max) {
		List<byte[]> args = List.of(bytes((since != null) ? since : ""), bytes(Integer.toString(max)));
		return this.redis.execute(RECOVER, List.of(key(stream)), args)
			.collectList()
			.map((reply) -> recovery(stream, flatten(reply)))
			.timeout(this.timeout)
			.contextWrite(CancelGuard.droppedErrorsAtDebug());
	}

	private static List<Object> flatten(List<?> reply) {
		List<Object> flat = new ArrayList<>();
		for (Object item : reply) {
			if (item instanceof List<?> list) {
				flat.addAll(flatten(list));
			}
			else {
				flat.add(item);
			}
		}
		return flat;
	}

	private static Recovery recovery(String stream, List<Object> reply) {
		boolean ok = "ok".equals(text(reply.get(0)));
		String last = text(reply.get(1));
		PushTarget target = stream.startsWith("user:") ? PushTarget.user(stream.substring(5))
				: PushTarget.guid(stream.substring(5));
		List<Push> pushes = new ArrayList<>();
		for (int i = 2; i + 4 < reply.size(); i += 5) {
			Payload payload = new Payload((byte[]) reply.get(i + 4),
					PayloadFormat.valueOf(text(reply.get(i + 3)).toUpperCase(Locale.ROOT)));
			pushes.add(new Push(Long.parseLong(text(reply.get(i + 1))), target, text(reply.get(i + 2)), payload, false,
					text(reply.get(i))));
		}
		return new Recovery(ok, pushes, last.isEmpty() ? null : last);
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	private static String text(Object value) {
		return (value instanceof byte[] bytes) ? new String(bytes, StandardCharsets.UTF_8) : String.valueOf(value);
	}

}
