package io.pushgateway.transport.polling;

import java.nio.charset.StandardCharsets;

/**
 * What a poll returns: an HTTP status and a body, with the long-polling batch's number
 * and the session's close code.
 *
 * @param status the HTTP status
 * @param seq the batch number the client acknowledges with its next poll
 * @param body the frames, or an error text when the status is not 200
 * @param closeCode the close code once the session closed, otherwise {@code 0}
 * @param closeReason the close reason, or empty
 * @author Push Gateway team
 */
public record Batch(int status, long seq, byte[] body, int closeCode, String closeReason) {

	/**
	 * An error answer.
	 * @param status the HTTP status
	 * @param message the text of the body
	 * @return the answer
	 */
	public static Batch error(int status, String message) {
		return new Batch(status, -1, (message + "\n").getBytes(StandardCharsets.UTF_8), 0, "");
	}

}
