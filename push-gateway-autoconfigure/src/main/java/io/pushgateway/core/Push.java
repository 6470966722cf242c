package io.pushgateway.core;

/**
 * One push as it travels through the gateway: the message ID, the target, the event name
 * and the payload, encoded to frames once however many connections receive it.
 *
 * @param messageId the cluster-unique message ID
 * @param target who receives it
 * @param event the event name
 * @param payload the opaque payload
 * @param ack whether clients are asked to acknowledge it
 * @author Push Gateway team
 */
public record Push(long messageId, PushTarget target, String event, Payload payload, boolean ack) {

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
