package io.pushgateway.support;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pushgateway.core.Payload;
import io.pushgateway.spi.GuidAuthorizer;
import io.pushgateway.spi.UpstreamHandler;
import reactor.core.publisher.Mono;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.MapPropertySource;
import org.springframework.http.client.ReactorResourceFactory;

/**
 * A real gateway node on Boot's Reactor Netty server, on a random port.
 *
 * @author Push Gateway team
 */
public final class TestGateway implements AutoCloseable {

	private final ConfigurableApplicationContext context;

	private TestGateway(ConfigurableApplicationContext context) {
		this.context = context;
	}

	/**
	 * Spring Security's auto-configurations, off unless a test sets this property itself.
	 */
	public static final String WITHOUT_SECURITY = String.join(",",
			"org.springframework.boot.security.autoconfigure.web.reactive.ReactiveWebSecurityAutoConfiguration",
			"org.springframework.boot.security.autoconfigure.ReactiveUserDetailsServiceAutoConfiguration",
			"org.springframework.boot.security.autoconfigure.actuate.web.reactive.ReactiveManagementWebSecurityAutoConfiguration",
			"org.springframework.boot.security.oauth2.server.resource.autoconfigure.web.reactive.ReactiveOAuth2ResourceServerWebSecurityAutoConfiguration");

	public static TestGateway start(Map<String, Object> properties) {
		return start(properties, new Class<?>[0]);
	}

	/**
	 * Start a node with further configuration of the application's own.
	 * @param properties the node's properties; a {@code null} value removes a default
	 * (such as {@code push.gateway.auth.jwt.secret})
	 * @param configurations further configuration classes
	 * @return the node
	 */
	public static TestGateway start(Map<String, Object> properties, Class<?>... configurations) {
		Map<String, Object> all = new LinkedHashMap<>();
		all.put("server.port", 0);
		all.put("push.gateway.auth.jwt.secret", Tokens.SECRET);
		all.put("spring.main.banner-mode", "off");
		// Spring Security is on the test classpath for the tests that put it in front of
		// the gateway; the others run without it, as an application without it does
		all.put("spring.autoconfigure.exclude", WITHOUT_SECURITY);
		all.putAll(properties);
		all.values().removeIf(Objects::isNull);
		// first, above system properties: an embedded Kafka broker sets
		// spring.kafka.bootstrap-servers as one, and it outlives the broker
		Class<?>[] sources = new Class<?>[configurations.length + 1];
		sources[0] = Application.class;
		System.arraycopy(configurations, 0, sources, 1, configurations.length);
		// logging is set up before initializers run: its properties go in as defaults
		Map<String, Object> logging = new LinkedHashMap<>(all);
		logging.keySet().removeIf((name) -> !name.startsWith("logging."));
		ConfigurableApplicationContext context = new SpringApplicationBuilder(sources).web(WebApplicationType.REACTIVE)
			.properties(logging)
			.initializers((ConfigurableApplicationContext initializing) -> initializing.getEnvironment()
				.getPropertySources()
				.addFirst(new MapPropertySource("testGateway", all)))
			.run();
		return new TestGateway(context);
	}

	public int port() {
		return Integer.parseInt(this.context.getEnvironment().getProperty("local.server.port"));
	}

	public <T> T bean(Class<T> type) {
		return this.context.getBean(type);
	}

	public ConfigurableApplicationContext context() {
		return this.context;
	}

	@Override
	public void close() {
		this.context.close();
	}

	/**
	 * The test application: handlers for {@code echo}, {@code fail}, {@code slow}, and
	 * GUIDs whose name starts with {@code open-} may be joined by anyone.
	 */
	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class Application {

		/**
		 * Every test node gets its own event loops, as separate processes would; with
		 * Reactor Netty's global resources, closing one node would stop the others in
		 * this JVM.
		 */
		@Bean
		ReactorResourceFactory reactorResourceFactory() {
			ReactorResourceFactory factory = new ReactorResourceFactory();
			factory.setUseGlobalResources(false);
			return factory;
		}

		@Bean
		SimpleMeterRegistry meterRegistry() {
			return new SimpleMeterRegistry();
		}

		@Bean
		UpstreamHandler echo() {
			return UpstreamHandler.forEvent("echo", (message) -> Mono.just(message.payload()));
		}

		@Bean
		UpstreamHandler whoami() {
			return UpstreamHandler.forEvent("whoami", (message) -> Mono.just(Payload.json("{\"uid\":\"" + message.uid()
					+ "\",\"sid\":\"" + message.socketId() + "\",\"guids\":" + message.guids().size() + "}")));
		}

		/** Blocks its event loop on purpose: only the BlockHound self-test sends it. */
		@Bean
		UpstreamHandler blocking() {
			return UpstreamHandler.forEvent("block-the-event-loop", (message) -> {
				try {
					Thread.sleep(1);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				return Mono.just(message.payload());
			});
		}

		@Bean
		UpstreamHandler fail() {
			return UpstreamHandler.forEvent("fail", (message) -> Mono.error(new IllegalStateException("boom")));
		}

		@Bean
		UpstreamHandler never() {
			return UpstreamHandler.forEvent("never", (message) -> Mono.never());
		}

		@Bean
		GuidAuthorizer openDocuments() {
			return (principal, guid) -> Mono.just(guid.startsWith("open-"));
		}

	}

}
