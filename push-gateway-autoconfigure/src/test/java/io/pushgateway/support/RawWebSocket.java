package io.pushgateway.support;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client written byte by byte over a plain socket, so that tests can send
 * what no well-behaved client library would: broken upgrades, reserved bits, unknown
 * opcodes, unmasked frames, invalid UTF-8. It reads what the server answers: the HTTP
 * status, frames, and the end of the connection.
 *
 * @author Push Gateway team
 */
public final class RawWebSocket implements AutoCloseable {

	private final Socket socket;

	private final InputStream in;

	private final OutputStream out;

	private RawWebSocket(Socket socket) throws IOException {
		this.socket = socket;
		// long enough for a loaded node's handshake (a JWT check, eight at once)
		this.socket.setSoTimeout(15_000);
		this.in = socket.getInputStream();
		this.out = socket.getOutputStream();
	}

	/**
	 * Open a TCP connection without sending anything.
	 * @param port the port
	 * @return the socket
	 * @throws IOException if the connection failed
	 */
	public static RawWebSocket open(int port) throws IOException {
		return new RawWebSocket(new Socket("127.0.0.1", port));
	}

	/**
	 * Open a connection and complete a valid upgrade.
	 * @param port the port
	 * @param token the access token
	 * @param subprotocol the subprotocol
	 * @return the socket, upgraded
	 * @throws IOException if the connection failed or the upgrade was refused
	 */
	public static RawWebSocket upgrade(int port, String token, String subprotocol) throws IOException {
		RawWebSocket socket = open(port);
		socket.write(request(port, "/ws?access_token=" + token, subprotocol, "13", true)
			.getBytes(StandardCharsets.US_ASCII));
		int status = socket.readStatus();
		if (status != 101) {
			socket.close();
			throw new IOException("upgrade refused with " + status);
		}
		return socket;
	}

	/**
	 * An upgrade request.
	 * @param port the port
	 * @param target the request target
	 * @param subprotocol the subprotocol, or {@code null}
	 * @param version the {@code Sec-WebSocket-Version}, or {@code null}
	 * @param key whether to send a {@code Sec-WebSocket-Key}
	 * @return the request text
	 */
	public static String request(int port, String target, String subprotocol, String version, boolean key) {
		StringBuilder request = new StringBuilder("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
				+ "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n");
		if (key) {
			byte[] nonce = new byte[16];
			ThreadLocalRandom.current().nextBytes(nonce);
			request.append("Sec-WebSocket-Key: ").append(Base64.getEncoder().encodeToString(nonce)).append("\r\n");
		}
		if (version != null) {
			request.append("Sec-WebSocket-Version: ").append(version).append("\r\n");
		}
		if (subprotocol != null) {
			request.append("Sec-WebSocket-Protocol: ").append(subprotocol).append("\r\n");
		}
		return request.append("\r\n").toString();
	}

	/**
	 * Write raw bytes.
	 * @param bytes the bytes
	 * @throws IOException if the server closed the connection
	 */
	public void write(byte[] bytes) throws IOException {
		this.out.write(bytes);
		this.out.flush();
	}

	/**
	 * Read the status line and headers of an HTTP response.
	 * @return the status, or {@code -1} when the server closed the connection first
	 * @throws IOException on a read error
	 */
	public int readStatus() throws IOException {
		ByteArrayOutputStream head = new ByteArrayOutputStream();
		int matched = 0;
		byte[] end = { '\r', '\n', '\r', '\n' };
		while (matched < 4) {
			int b = this.in.read();
			if (b < 0) {
				return -1;
			}
			head.write(b);
			matched = (b == end[matched]) ? matched + 1 : ((b == '\r') ? 1 : 0);
		}
		String line = head.toString(StandardCharsets.US_ASCII).lines().findFirst().orElse("");
		String[] parts = line.split(" ");
		return (parts.length > 1) ? Integer.parseInt(parts[1]) : -1;
	}

	/**
	 * Read what the server sends until it ends the connection (a response's body after
	 * its head).
	 * @return the bytes
	 * @throws IOException on a read error, or when the connection stays open past the
	 * read timeout
	 */
	public byte[] readRemaining() throws IOException {
		return this.in.readAllBytes();
	}

	/**
	 * Write one frame.
	 * @param fin the FIN bit
	 * @param rsv the three reserved bits (0 for a valid frame)
	 * @param opcode the opcode
	 * @param masked whether to mask (clients must)
	 * @param payload the payload
	 * @throws IOException if the server closed the connection
	 */
	public void frame(boolean fin, int rsv, int opcode, boolean masked, byte[] payload) throws IOException {
		ByteArrayOutputStream frame = new ByteArrayOutputStream();
		frame.write((fin ? 0x80 : 0) | ((rsv & 7) << 4) | (opcode & 0x0F));
		int mask = masked ? 0x80 : 0;
		if (payload.length < 126) {
			frame.write(mask | payload.length);
		}
		else if (payload.length < 65536) {
			frame.write(mask | 126);
			frame.write(payload.length >>> 8);
			frame.write(payload.length & 0xFF);
		}
		else {
			frame.write(mask | 127);
			for (int shift = 56; shift >= 0; shift -= 8) {
				frame.write((int) (((long) payload.length >>> shift) & 0xFF));
			}
		}
		byte[] key = new byte[4];
		if (masked) {
			ThreadLocalRandom.current().nextBytes(key);
			frame.write(key, 0, 4);
		}
		for (int i = 0; i < payload.length; i++) {
			frame.write(payload[i] ^ (masked ? key[i & 3] : 0));
		}
		write(frame.toByteArray());
	}

	/**
	 * Write a valid, masked, final text frame.
	 * @param text the text
	 * @throws IOException if the server closed the connection
	 */
	public void text(String text) throws IOException {
		frame(true, 0, 1, true, text.getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * Read frames until a close frame or the end of the connection, skipping data frames
	 * (the welcome, replies, errors).
	 * @return the close code, {@code 0} when the server ended the connection without a
	 * close frame, {@code -1} when it is still open after the read timeout
	 * @throws IOException on a read error other than the end of the connection
	 */
	public int awaitClose() throws IOException {
		try {
			while (true) {
				int first = this.in.read();
				if (first < 0) {
					return 0;
				}
				int opcode = first & 0x0F;
				byte[] payload = readPayload();
				if (opcode == 8) {
					return (payload.length >= 2) ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : 1005;
				}
			}
		}
		catch (SocketTimeoutException ex) {
			return -1;
		}
		catch (SocketException ex) {
			// reset by the server
			return -2;
		}
	}

	/**
	 * Read the next data frame's payload as text.
	 * @return the text, or {@code null} when the connection closed
	 * @throws IOException on a read error
	 */
	public String nextText() throws IOException {
		while (true) {
			int first = this.in.read();
			if (first < 0) {
				return null;
			}
			byte[] payload = readPayload();
			int opcode = first & 0x0F;
			if (opcode == 8) {
				return null;
			}
			if (opcode == 1 || opcode == 2) {
				return new String(payload, StandardCharsets.UTF_8);
			}
		}
	}

	private byte[] readPayload() throws IOException {
		int second = readByte();
		long length = second & 0x7F;
		if (length == 126) {
			length = (readByte() << 8) | readByte();
		}
		else if (length == 127) {
			length = 0;
			for (int i = 0; i < 8; i++) {
				length = (length << 8) | readByte();
			}
		}
		return this.in.readNBytes((int) length);
	}

	private int readByte() throws IOException {
		int b = this.in.read();
		if (b < 0) {
			throw new EOFException();
		}
		return b;
	}

	@Override
	public void close() {
		try {
			this.socket.close();
		}
		catch (IOException ex) {
			// closed anyway
		}
	}

}
