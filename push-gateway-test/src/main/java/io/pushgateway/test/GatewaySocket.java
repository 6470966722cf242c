package io.pushgateway.test;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The WebSocket of a {@link PushTestClient}, over a real socket (the JDK's
 * {@link HttpClient}): it writes the client's frames in the connection's protocol, and
 * hands each frame of the gateway's, once all its fragments arrived and it is decoded, to
 * the client, then how the connection closed.
 *
 * @author Push Gateway team
 */
final class GatewaySocket {

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	private final PushTestClient.Protocol protocol;

	private final WebSocket socket;

	/**
	 * Open a WebSocket and wait until it is open.
	 * @param uri the gateway's WebSocket URL, the token included
	 * @param protocol the protocol, offered as the subprotocol
	 * @param timeout the bound of the opening
	 * @param onFrame receives each frame from the gateway, in order
	 * @param onClose receives how the connection closed
	 */
	GatewaySocket(URI uri, PushTestClient.Protocol protocol, Duration timeout, Consumer<PushTestClient.Frame> onFrame,
			Consumer<PushTestClient.Closed> onClose) {
		this.protocol = protocol;
		this.socket = HTTP.newWebSocketBuilder()
			.connectTimeout(timeout)
			.subprotocols(protocol.subprotocol())
			.buildAsync(uri, new Listener(onFrame, onClose))
			.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
			.join();
	}

	/**
	 * Send a frame of the client's, and wait until it is sent.
	 * @param frame the fields, the payload (if any) under {@code payload}; the map is
	 * changed
	 */
	void send(Map<String, Object> frame) {
		if (this.protocol == PushTestClient.Protocol.JSON) {
			this.socket.sendText(TestFrameCodec.encodeJson(frame), true).join();
			return;
		}
		this.socket.sendBinary(ByteBuffer.wrap(TestFrameCodec.encodeMessagePack(frame)), true).join();
	}

	/** Close the connection, normally if it is still open, and release it. */
	void close() {
		if (!this.socket.isOutputClosed()) {
			this.socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").exceptionally((ex) -> null);
		}
		this.socket.abort();
	}

	private static final class Listener implements WebSocket.Listener {

		private final StringBuilder text = new StringBuilder();

		private final ByteArrayOutputStream binary = new ByteArrayOutputStream();

		private final Consumer<PushTestClient.Frame> onFrame;

		private final Consumer<PushTestClient.Closed> onClose;

		Listener(Consumer<PushTestClient.Frame> onFrame, Consumer<PushTestClient.Closed> onClose) {
			this.onFrame = onFrame;
			this.onClose = onClose;
		}

		@Override
		public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
			this.text.append(data);
			if (last) {
				this.onFrame.accept(TestFrameCodec.decodeJson(this.text.toString()));
				this.text.setLength(0);
			}
			webSocket.request(1);
			return null;
		}

		@Override
		public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
			byte[] chunk = new byte[data.remaining()];
			data.get(chunk);
			this.binary.writeBytes(chunk);
			if (last) {
				this.onFrame.accept(TestFrameCodec.decodeMessagePack(this.binary.toByteArray()));
				this.binary.reset();
			}
			webSocket.request(1);
			return null;
		}

		@Override
		public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
			this.onClose.accept(new PushTestClient.Closed(statusCode, reason));
			return null;
		}

		@Override
		public void onError(WebSocket webSocket, Throwable error) {
			this.onClose.accept(new PushTestClient.Closed(1006, String.valueOf(error.getMessage())));
		}

	}

}
