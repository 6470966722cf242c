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
import io.pushgateway.core.StreamPosition;
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
 * HSETNX ws:stream:meta:user:{uid} e {new epoch}          (a new history: DEL ws:stream:user:{uid})
 * HINCRBY ws:stream:meta:user:{uid} s 1                    (the push's offset)
 * XADD ws:stream:user:{uid} MAXLEN {max-length} {offset}-0 t {now} id {message ID} ev {event} fmt {format} d {payload}
 * XDEL ws:stream:user:{uid} {entries older than max-age, from the head}
 * PEXPIRE ws:stream:user:{uid} {2 x max-age}
 * PEXPIRE ws:stream:meta:user:{uid} {2 x max-age}
 * </pre>
 *
 * all in one script, and the same under {@code ws:stream:guid:{guid}}. Read without a
 * position, a stream with no history begins one ({@code HSET ... e {new epoch} s 0}, with
 * the same expiry), so that its first reader has a position ({@code <epoch>:0}) to
 * recover from. A position is the meta hash's epoch and the entry's offset
 * ({@code <epoch>:<offset>}): the offsets of a stream have no gap, whichever node
 * appends, and a stream whose keys expired (or were lost with a Redis that restarted
 * empty) starts a new epoch. Each script touches the two keys of one stream, in one slot
 * (the braces are a hash tag: a user's stream shares its slot with the user's other
 * keys), so each runs on Redis Cluster.
 *
 * @author Push Gateway team
 */
public final class RedisPushStore implements PushStore {

	@SuppressWarnings("rawtypes")
	private static final RedisScript<byte[]> APPEND = RedisScripts.load(byte[].class, "stream.lua", "append.lua");

	@SuppressWarnings("rawtypes")
	private static final RedisScript<List> RECOVER = RedisScripts.load(List.class, "stream.lua", "recover.lua");

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

	private List<String> keys(String stream) {
		return List.of(this.keys.stream(stream), this.keys.streamMeta(stream));
	}

	@Override
	public Mono<String> append(String stream, Push push) {
		List<byte[]> args = List.of(bytes(Integer.toString(this.maxLength)),
				bytes(Long.toString(this.maxAge.toMillis())), bytes(Long.toString(push.messageId())),
				bytes(push.event()), bytes(push.payload().format().name().toLowerCase(Locale.ROOT)),
				push.payload().bytes(), bytes(StreamPosition.newEpoch()));
		return this.redis.execute(APPEND, keys(stream), args)
			.next()
			.map(RedisScripts::text)
			.timeout(this.timeout)
			.contextWrite(CancelGuard.droppedErrorsAtDebug());
	}

	@Override
	public Mono<Recovery> since(String stream, @Nullable String since, int max) {
		StreamPosition from = StreamPosition.parse(since);
		if (since != null && from == null) {
			return Mono.just(new Recovery(false, List.of(), null));
		}
		List<byte[]> args = List.of(bytes((from != null) ? from.epoch() : ""),
				bytes((from != null) ? Long.toString(from.offset()) : "0"), bytes(Integer.toString(max)),
				bytes(Long.toString(this.maxAge.toMillis())), bytes(StreamPosition.newEpoch()));
		return this.redis.execute(RECOVER, keys(stream), args)
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
		boolean ok = "ok".equals(RedisScripts.text(reply.get(0)));
		String last = RedisScripts.text(reply.get(1));
		String epoch = last.isEmpty() ? "" : last.substring(0, last.indexOf(':'));
		PushTarget target = stream.startsWith("user:") ? PushTarget.user(stream.substring(5))
				: PushTarget.guid(stream.substring(5));
		List<Push> pushes = new ArrayList<>();
		for (int i = 2; i + 4 < reply.size(); i += 5) {
			Payload payload = new Payload((byte[]) reply.get(i + 4),
					PayloadFormat.valueOf(RedisScripts.text(reply.get(i + 3)).toUpperCase(Locale.ROOT)));
			pushes.add(new Push(Long.parseLong(RedisScripts.text(reply.get(i + 1))), target,
					RedisScripts.text(reply.get(i + 2)), payload, false,
					epoch + ':' + RedisScripts.text(reply.get(i))));
		}
		return new Recovery(ok, pushes, last.isEmpty() ? null : last);
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
