package io.pushgateway.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

/**
 * WebSocket connections of the {@code slow} scenario, attached to the GUID
 * {@code ticker}: raw sockets with a small receive buffer that a drain thread reads and
 * discards while {@link #reading(boolean) reading}, and leaves unread otherwise, as a
 * client on a congested link would. Written by hand (a socket, an upgrade request, no
 * WebSocket library) because a client library reads on its own schedule, and the point
 * here is to stop reading completely.
 *
 * @author Push Gateway team
 */
final class SlowSockets implements AutoCloseable {

	private final List<SocketChannel> sockets = new ArrayList<>();

	private volatile boolean reading = true;

	private volatile boolean closed;

	static SlowSockets open(int port, int count) throws IOException {
		SlowSockets slow = new SlowSockets();
		for (int i = 0; i < count; i++) {
			SocketChannel socket = SocketChannel.open();
			socket.setOption(StandardSocketOptions.SO_RCVBUF, 4096);
			socket.bind(new InetSocketAddress("127.0.0." + (200 + (i % 50)), 0));
			socket.connect(new InetSocketAddress("127.0.0.1", port));
			String request = "GET /ws?access_token=" + token("slow" + i) + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
					+ "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
					+ "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Protocol: push.v1.json\r\n\r\n";
			socket.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII)));
			ByteBuffer response = ByteBuffer.allocate(1024);
			socket.read(response);
			String head = new String(response.array(), 0, response.position(), StandardCharsets.US_ASCII);
			if (!head.startsWith("HTTP/1.1 101")) {
				throw new IOException("slow socket " + i + " refused: " + head.lines().findFirst().orElse(""));
			}
			socket.configureBlocking(false);
			slow.sockets.add(socket);
		}
		Thread drainer = new Thread(slow::drain, "slow-sockets-drainer");
		drainer.setDaemon(true);
		drainer.start();
		return slow;
	}

	/**
	 * Read (and discard) what the server sends, or stop reading.
	 * @param reading whether to read
	 */
	void reading(boolean reading) {
		this.reading = reading;
	}

	private void drain() {
		ByteBuffer buffer = ByteBuffer.allocateDirect(64 * 1024);
		while (!this.closed) {
			if (!this.reading) {
				sleep();
				continue;
			}
			boolean read = false;
			for (SocketChannel socket : this.sockets) {
				try {
					while (socket.read(buffer.clear()) > 0) {
						read = true;
					}
				}
				catch (IOException ex) {
					// closed by the server
				}
			}
			if (!read) {
				sleep();
			}
		}
	}

	private static void sleep() {
		try {
			TimeUnit.MILLISECONDS.sleep(5);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static String token(String uid) {
		try {
			SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256),
					new JWTClaimsSet.Builder().subject(uid)
						.claim("guids", List.of("ticker"))
						.expirationTime(new Date(System.currentTimeMillis() + TimeUnit.DAYS.toMillis(1)))
						.build());
			jwt.sign(new MACSigner(BenchGateway.SECRET.getBytes(StandardCharsets.UTF_8)));
			return jwt.serialize();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@Override
	public void close() {
		this.closed = true;
		for (SocketChannel socket : this.sockets) {
			try {
				socket.close();
			}
			catch (IOException ex) {
				// closing anyway
			}
		}
	}

}
