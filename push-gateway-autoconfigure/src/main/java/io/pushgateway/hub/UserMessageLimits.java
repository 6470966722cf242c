package io.pushgateway.hub;

import io.netty.util.concurrent.EventExecutor;
import io.pushgateway.codec.ClientFrame;
import io.pushgateway.codec.ServerFrame;
import io.pushgateway.metrics.CloseReason;
import io.pushgateway.metrics.GatewayMetrics;
import io.pushgateway.metrics.Limit;
import io.pushgateway.spi.MessageRateLimiter;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Mono;

/**
 * The per-user rate of upstream messages: each message takes a token from its user's
 * bucket ({@link MessageRateLimiter}, shared by every node with Redis) before it is
 * handed to its handler. Without a token the client gets error
 * {@link ErrorCodes#USER_RATE_LIMITED} for the message; after {@code strikes} refusals in
 * a row the connection is closed with {@link CloseCodes#RATE_LIMITED}. When the store
 * cannot answer, the message is admitted: an outage of Redis must not silence every
 * client.
 *
 * <p>
 * The answer may come on a Redis thread: the decision is carried out on the connection's
 * event loop, in the order the messages were asked about, so the messages of one
 * connection reach their handlers in the order they were sent.
 *
 * @author Push Gateway team
 */
final class UserMessageLimits {

	private static final Log logger = LogFactory.getLog(UserMessageLimits.class);

	private final MessageRateLimiter limiter;

	private final int perSecond;

	private final int strikes;

	private final GatewayMetrics metrics;

	UserMessageLimits(MessageRateLimiter limiter, int perSecond, int strikes, GatewayMetrics metrics) {
		this.limiter = limiter;
		this.perSecond = perSecond;
		this.strikes = strikes;
		this.metrics = metrics;
	}

	/**
	 * Ask for a token, then dispatch the message or refuse it.
	 * @param connection the connection it came on
	 * @param message the message
	 * @param dispatch hands it to its handler
	 * @param refused releases what the message held when it is refused
	 */
	void admit(PushConnection connection, ClientFrame.Message message, Runnable dispatch, Runnable refused) {
		this.limiter.tryAcquire(connection.uid()).onErrorResume((error) -> {
			if (logger.isDebugEnabled()) {
				logger.debug("Admitting a message unchecked: the rate limiter failed: " + error);
			}
			return Mono.just(true);
		}).defaultIfEmpty(true).subscribe((admitted) -> onLoop(connection.eventLoop(), () -> {
			if (admitted) {
				connection.inbound().admitted();
				dispatch.run();
				return;
			}
			refused.run();
			this.metrics.limited(Limit.USER_MESSAGES_PER_SECOND);
			if (connection.inbound().refused() >= this.strikes) {
				this.metrics.closed(CloseReason.RATE_LIMITED);
				connection.close(CloseCodes.RATE_LIMITED,
						"more than " + this.perSecond + " messages per second from this user");
				return;
			}
			connection.send(new ServerFrame.Error(message.id(), ErrorCodes.USER_RATE_LIMITED,
					"more than " + this.perSecond + " messages per second from this user"));
		}));
	}

	private static void onLoop(EventExecutor loop, Runnable task) {
		if (loop.inEventLoop()) {
			task.run();
		}
		else {
			loop.execute(task);
		}
	}

}
