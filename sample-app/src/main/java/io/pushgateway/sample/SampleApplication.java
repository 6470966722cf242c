package io.pushgateway.sample;

import io.pushgateway.core.Payload;
import io.pushgateway.core.PresenceListener;
import io.pushgateway.core.PushOperations;
import io.pushgateway.spi.GuidAuthorizer;
import io.pushgateway.spi.UpstreamHandler;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Mono;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * A push gateway node with a demo page, on the embedded default.
 *
 * @author Push Gateway team
 */
@SpringBootApplication
public class SampleApplication {

	private static final Log logger = LogFactory.getLog(SampleApplication.class);

	public static void main(String[] args) {
		SpringApplication.run(SampleApplication.class, args);
	}

	/**
	 * The demo lets anyone open any document; a real application checks its own ACLs
	 * here.
	 * @return the authorizer
	 */
	@Bean
	GuidAuthorizer demoGuidAuthorizer() {
		return GuidAuthorizer.ALLOW_ALL;
	}

	/**
	 * Answers {@code echo} messages with their own payload.
	 * @return the handler
	 */
	@Bean
	UpstreamHandler echoHandler() {
		return UpstreamHandler.forEvent("echo", (message) -> Mono.just(message.payload()));
	}

	/**
	 * Logs who comes online and goes offline ({@code push.gateway.presence.enabled}); a
	 * real application records last-seen times or starts a fallback channel here.
	 * @return the listener
	 */
	@Bean
	PresenceListener presenceLog() {
		return (event) -> logger.info("Presence: " + event.type() + ((event.uid() != null) ? " " + event.uid() : "")
				+ ((event.guid() != null) ? " on " + event.guid() : ""));
	}

	/**
	 * Relays {@code chat} messages to every connection attached to the message's GUID and
	 * answers with the push's message ID.
	 * @param push the push operations
	 * @return the handler
	 */
	@Bean
	UpstreamHandler chatHandler(PushOperations push) {
		return UpstreamHandler.forEvent("chat", (message) -> {
			if (message.guid() == null) {
				return Mono.just(Payload.json("{\"error\":\"join a document first\"}"));
			}
			return push.pushToGuid(message.guid(), "chat", message.payload())
				.map((result) -> Payload.json("{\"messageId\":\"" + result.messageId() + "\"}"));
		});
	}

}
