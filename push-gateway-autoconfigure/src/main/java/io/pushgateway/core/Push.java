package io.pushgateway.core;

import org.jspecify.annotations.Nullable;

/**
 * One push as it travels through the gateway: the message ID, the target, the event name
 * and the payload, encoded to frames once however many connections receive it.
 *
 * @param messageId the cluster-unique message ID
 * @param target who receives it
 * @param event the event name
 * @param payload the opaque payload
 * @param ack whether clients are asked to acknowledge it
 * @param position its position in the recovery stream of its target, or {@code null} when
 * it is not recoverable
 * @author Push Gateway team
 */
public record Push(long messageId, PushTarget target, String event, Payload payload, boolean ack,
		@Nullable String position) {

	/**
	 * A push that is not recoverable.
	 * @param messageId the cluster-unique message ID
	 * @param target who receives it
	 * @param event the event name
	 * @param payload the opaque payload
	 * @param ack whether clients are asked to acknowledge it
	 */
	public Push(long messageId, PushTarget target, String event, Payload payload, boolean ack) {
		this(messageId, target, event, payload, ack, null);
	}

	/**
	 * This push at a position of its recovery stream.
	 * @param position the position
	 * @return the push
	 */
	public Push at(String position) {
		return new Push(this.messageId, this.target, this.event, this.payload, this.ack, position);
	}

	/**
	 * The recovery stream of this push's target: {@code user:{uid}} or
	 * {@code guid:{guid}}, or {@code null} for targets without one.
	 * @return the stream key
	 */
	public @Nullable String stream() {
		return streamOf(this.target);
	}

	/**
	 * The recovery stream of a target.
	 * @param target the target
	 * @return {@code user:{uid}}, {@code guid:{guid}}, or {@code null}
	 */
	public static @Nullable String streamOf(PushTarget target) {
		if (target instanceof PushTarget.User user) {
			return "user:" + user.uid();
		}
		if (target instanceof PushTarget.Guid guid) {
			return "guid:" + guid.guid();
		}
		return null;
	}

	/**
	 * A push without acknowledgement.
	 * @param messageId the cluster-unique message ID
	 * @param target who receives it
	 * @param event the event name
	 * @param payload the opaque payload
	 */
	public Push(long messageId, PushTarget target, String event, Payload payload) {
		this(messageId, target, event, payload, false);
	}

}
