package io.pushgateway.redis;

import java.util.List;

import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;

import org.springframework.data.redis.connection.ReactiveRedisConnection;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.core.ReactiveRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.data.redis.serializer.RedisElementReader;
import org.springframework.data.redis.serializer.RedisElementWriter;
import org.springframework.data.redis.serializer.RedisSerializationContext;

/**
 * The {@link ReactiveRedisTemplate} every Redis backend of the gateway uses: each
 * command's result, and each script's, is wrapped by {@link CancelGuard}, so the timeouts
 * the backends put on their commands fire even when cancelling a command throws.
 *
 * @param <K> the key type
 * @param <V> the value type
 * @author Push Gateway team
 */
public class GuardedRedisTemplate<K, V> extends ReactiveRedisTemplate<K, V> {

	/**
	 * Create a template.
	 * @param connectionFactory the application's connection factory
	 * @param serializationContext how keys and values are written
	 */
	public GuardedRedisTemplate(ReactiveRedisConnectionFactory connectionFactory,
			RedisSerializationContext<K, V> serializationContext) {
		super(connectionFactory, serializationContext);
	}

	/**
	 * A template of string keys and values.
	 * @param connectionFactory the application's connection factory
	 * @return the template
	 */
	public static GuardedRedisTemplate<String, String> strings(ReactiveRedisConnectionFactory connectionFactory) {
		return new GuardedRedisTemplate<>(connectionFactory, RedisSerializationContext.string());
	}

	@Override
	protected <T> Publisher<T> postProcessResult(Publisher<T> result, ReactiveRedisConnection connection,
			boolean existingConnection) {
		return CancelGuard.guard(result);
	}

	@Override
	public <T> Flux<T> execute(RedisScript<T> script, List<K> keys, List<?> args) {
		return Flux.from(CancelGuard.guard(super.execute(script, keys, args)));
	}

	@Override
	public <T> Flux<T> execute(RedisScript<T> script, List<K> keys, List<?> args, RedisElementWriter<?> argsWriter,
			RedisElementReader<T> resultReader) {
		return Flux.from(CancelGuard.guard(super.execute(script, keys, args, argsWriter, resultReader)));
	}

}
