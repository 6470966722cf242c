package io.pushgateway.autoconfigure;

import java.nio.ByteBuffer;

import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.ExecutableMode;
import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.TypeReference;

/**
 * What a native image of an application with the gateway needs beyond what Spring's AOT
 * processing finds by itself (configuration properties and beans it does find): the Redis
 * Lua scripts, loaded as classpath resources, and the MessagePack buffer classes, which
 * msgpack-core picks and constructs reflectively by platform.
 *
 * @author Push Gateway team
 */
class PushGatewayRuntimeHints implements RuntimeHintsRegistrar {

	/** The Redis scripts of the registry, the push store and the worker ID lease. */
	static final String LUA_SCRIPTS = "io/pushgateway/registry/redis/*.lua";

	/** msgpack-core chooses one of these at class initialisation, by name. */
	static final String[] MESSAGE_BUFFERS = { "org.msgpack.core.buffer.MessageBuffer",
			"org.msgpack.core.buffer.MessageBufferU", "org.msgpack.core.buffer.MessageBufferBE" };

	@Override
	public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
		hints.resources().registerPattern(LUA_SCRIPTS);
		for (String buffer : MESSAGE_BUFFERS) {
			TypeReference type = TypeReference.of(buffer);
			hints.reflection()
				.registerType(type,
						(builder) -> builder
							.withConstructor(TypeReference.listOf(byte[].class, int.class, int.class),
									ExecutableMode.INVOKE)
							.withConstructor(TypeReference.listOf(ByteBuffer.class), ExecutableMode.INVOKE));
		}
		// msgpack-core reads sun.misc.Unsafe's instance reflectively
		hints.reflection().registerType(TypeReference.of("sun.misc.Unsafe"), MemberCategory.ACCESS_DECLARED_FIELDS);
	}

}
