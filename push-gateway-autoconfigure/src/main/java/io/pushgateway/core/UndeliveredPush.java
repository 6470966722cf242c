package io.pushgateway.core;

import java.time.Instant;
import java.util.Locale;

/**
 * A push that asked for a fallback and reached nobody: its user had no connection
 * anywhere in the cluster, or nobody acknowledged it in time. Reported once cluster-wide,
 * by the node that issued the push, so the application can try another channel (mobile
 * push, e-mail, SMS).
 *
 * @param messageId the push's message ID
 * @param target who it was for: one user for a push to several users (one report per user
 * it missed), else the push's target
 * @param event the event name
 * @param payload the payload, untouched
 * @param reason why it counts as undelivered
 * @param at when that was decided, on the issuing node's clock
 * @author Push Gateway team
 */
public record UndeliveredPush(String messageId, PushTarget target, String event, Payload payload, Reason reason,
		Instant at) {

	/**
	 * Why a push counts as undelivered.
	 */
	public enum Reason {

		/**
		 * The user had no connection anywhere in the cluster when the push was issued.
		 */
		OFFLINE,

		/** The push asked for acknowledgements and none came before its timeout. */
		UNACKNOWLEDGED;

		/**
		 * The name used in the {@code X-Reason} header of the undelivered topic.
		 * @return {@code offline} or {@code unacknowledged}
		 */
		public String tag() {
			return name().toLowerCase(Locale.ROOT);
		}

	}

}
