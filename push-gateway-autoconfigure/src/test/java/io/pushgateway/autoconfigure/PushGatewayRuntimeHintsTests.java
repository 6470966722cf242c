package io.pushgateway.autoconfigure;

import java.nio.ByteBuffer;

import org.junit.jupiter.api.Test;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.TypeReference;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.context.annotation.ImportRuntimeHints;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link PushGatewayRuntimeHints}: every Lua script the jar holds and the
 * reflective MessagePack buffers are registered for a native image.
 *
 * @author Push Gateway team
 */
class PushGatewayRuntimeHintsTests {

	private final RuntimeHints hints = new RuntimeHints();

	PushGatewayRuntimeHintsTests() {
		new PushGatewayRuntimeHints().registerHints(this.hints, getClass().getClassLoader());
	}

	@Test
	void everyLuaScriptIsARegisteredResource() throws Exception {
		Resource[] scripts = new PathMatchingResourcePatternResolver()
			.getResources("classpath*:" + PushGatewayRuntimeHints.LUA_SCRIPTS);
		assertThat(scripts).hasSizeGreaterThanOrEqualTo(10);
		for (Resource script : scripts) {
			assertThat(RuntimeHintsPredicates.resource()
				.forResource("io/pushgateway/registry/redis/" + script.getFilename())).accepts(this.hints);
		}
		assertThat(RuntimeHintsPredicates.resource().forResource("io/pushgateway/registry/redis/other.txt"))
			.rejects(this.hints);
	}

	@Test
	void messagePackBuffersCanBeConstructedReflectively() throws Exception {
		for (String buffer : PushGatewayRuntimeHints.MESSAGE_BUFFERS) {
			Class<?> type = Class.forName(buffer);
			assertThat(RuntimeHintsPredicates.reflection()
				.onConstructorInvocation(type.getDeclaredConstructor(byte[].class, int.class, int.class)))
				.accepts(this.hints);
			assertThat(RuntimeHintsPredicates.reflection()
				.onConstructorInvocation(type.getDeclaredConstructor(ByteBuffer.class))).accepts(this.hints);
		}
		assertThat(RuntimeHintsPredicates.reflection().onType(TypeReference.of("sun.misc.Unsafe"))).accepts(this.hints);
	}

	@Test
	void theAutoConfigurationImportsTheHints() {
		assertThat(PushGatewayAutoConfiguration.class.getAnnotation(ImportRuntimeHints.class).value())
			.contains(PushGatewayRuntimeHints.class);
	}

}
