package io.pushgateway.transport.socketio;

import java.util.Base64;

import org.jspecify.annotations.Nullable;

/**
 * A client's binary Socket.IO packet waiting for its attachment, which arrives as a
 * packet of its own (a binary WebSocket frame, or a {@code b} packet in a long-polling
 * body). The complete packet goes to the codec in its form: the packet's text, a zero
 * character, the attachment in base64. Confined to the session's event loop.
 *
 * @author Push Gateway team
 */
final class SocketIoAttachments {

	/** A binary packet waiting for its attachment: its text, or {@code null}. */
	private @Nullable String pendingBinary;

	/**
	 * A packet of a binary packet's attachments arrived, or a text packet; returns the
	 * complete Socket.IO packet to dispatch, or {@code null} while attachments are
	 * missing.
	 * @param text a Socket.IO packet, without the Engine.IO prefix
	 * @return the packet, or {@code null}
	 */
	@Nullable String assemble(String text) {
		// one attachment per binary packet is all the gateway takes (a binary payload);
		// other counts go on to the codec, which refuses them
		if (text.startsWith("51-") || text.startsWith("61-")) {
			this.pendingBinary = text;
			return null;
		}
		return text;
	}

	/**
	 * Whether a binary packet waits for its attachment.
	 * @return {@code true} while it does
	 */
	boolean awaitingAttachment() {
		return this.pendingBinary != null;
	}

	/**
	 * An attachment arrived (a binary WebSocket frame, or a {@code b} polling packet).
	 * @param attachment the bytes
	 * @return the complete packet with its attachment in the codec's form, or
	 * {@code null} when no binary packet waited for it
	 */
	@Nullable String attach(byte[] attachment) {
		String pending = this.pendingBinary;
		if (pending == null) {
			return null;
		}
		this.pendingBinary = null;
		return pending + "\u0000" + Base64.getEncoder().encodeToString(attachment);
	}

}
