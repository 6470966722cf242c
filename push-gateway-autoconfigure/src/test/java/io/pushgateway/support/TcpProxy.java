package io.pushgateway.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy between a gateway node and Redis or Kafka that a test can cut, slow down
 * and restore, as a network would: while cut, bytes stop flowing both ways on every
 * connection (they wait in the kernel's buffers, nothing is reset) and new connections
 * are accepted but not forwarded; restored, everything flows again from where it stopped,
 * as TCP does when a partition heals before its timeouts. Slowed down, each chunk waits
 * before it is forwarded.
 *
 * <p>
 * Written with blocking sockets and two threads a connection: a test proxy carries a few
 * connections, and this way a cut is simply a pump that stops reading.
 *
 * @author Push Gateway team
 */
public final class TcpProxy implements AutoCloseable {

	private final ServerSocket server;

	private final int targetPort;

	private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();

	private final Object gate = new Object();

	private volatile boolean cut;

	private volatile long delayNanos;

	private volatile boolean closed;

	private final AtomicLong forwarded = new AtomicLong();

	private TcpProxy(ServerSocket server, int targetPort) {
		this.server = server;
		this.targetPort = targetPort;
		Thread acceptor = new Thread(this::accept, "tcp-proxy-" + server.getLocalPort());
		acceptor.setDaemon(true);
		acceptor.start();
	}

	/**
	 * A proxy on a free loopback port to a port on loopback.
	 * @param targetPort where connections go
	 * @return the proxy
	 */
	public static TcpProxy to(int targetPort) {
		return on(0, targetPort);
	}

	/**
	 * A proxy on a given loopback port.
	 * @param port the port to listen on, 0 for any free one
	 * @param targetPort where connections go
	 * @return the proxy
	 */
	public static TcpProxy on(int port, int targetPort) {
		try {
			ServerSocket server = new ServerSocket();
			server.setReuseAddress(true);
			server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
			return new TcpProxy(server, targetPort);
		}
		catch (IOException ex) {
			throw new IllegalStateException("proxy not started", ex);
		}
	}

	public int port() {
		return this.server.getLocalPort();
	}

	/** Stop every byte, both ways, on every connection, and hold new connections. */
	public void cut() {
		this.cut = true;
	}

	/**
	 * Forward every chunk after a delay.
	 * @param delay the delay
	 */
	public void slowDown(Duration delay) {
		this.delayNanos = delay.toNanos();
	}

	/** Let everything flow again, at full speed. */
	public void restore() {
		this.delayNanos = 0;
		synchronized (this.gate) {
			this.cut = false;
			this.gate.notifyAll();
		}
	}

	/**
	 * Bytes forwarded so far, both ways.
	 * @return the count
	 */
	public long forwarded() {
		return this.forwarded.get();
	}

	private void accept() {
		while (!this.closed) {
			try {
				Socket client = this.server.accept();
				Thread connector = new Thread(() -> connect(client), "tcp-proxy-connect-" + this.port());
				connector.setDaemon(true);
				connector.start();
			}
			catch (IOException ex) {
				// closed
			}
		}
	}

	private void connect(Socket client) {
		this.sockets.add(client);
		try {
			// a connection made while cut waits for the network to come back
			passGate();
			Socket target = new Socket(InetAddress.getLoopbackAddress(), this.targetPort);
			this.sockets.add(target);
			client.setTcpNoDelay(true);
			target.setTcpNoDelay(true);
			pump(client, target, "up");
			pump(target, client, "down");
		}
		catch (IOException | InterruptedException ex) {
			closeQuietly(client);
		}
	}

	private void pump(Socket from, Socket to, String direction) {
		Thread thread = new Thread(() -> {
			byte[] buffer = new byte[16 * 1024];
			try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
				while (true) {
					passGate();
					int read = in.read(buffer);
					if (read < 0) {
						break;
					}
					long delay = this.delayNanos;
					if (delay > 0) {
						TimeUnit.NANOSECONDS.sleep(delay);
					}
					// cut while this chunk was read: it waits with the rest
					passGate();
					out.write(buffer, 0, read);
					this.forwarded.addAndGet(read);
				}
			}
			catch (SocketException ex) {
				// the other side closed
			}
			catch (IOException | InterruptedException ex) {
				// closed
			}
			finally {
				closeQuietly(from);
				closeQuietly(to);
			}
		}, "tcp-proxy-" + direction + "-" + this.port());
		thread.setDaemon(true);
		thread.start();
	}

	private void passGate() throws InterruptedException {
		if (!this.cut) {
			return;
		}
		synchronized (this.gate) {
			while (this.cut && !this.closed) {
				this.gate.wait(100);
			}
		}
	}

	private void closeQuietly(Socket socket) {
		this.sockets.remove(socket);
		try {
			socket.close();
		}
		catch (IOException ex) {
			// closing
		}
	}

	@Override
	public void close() {
		this.closed = true;
		restore();
		try {
			this.server.close();
		}
		catch (IOException ex) {
			// closing
		}
		this.sockets.forEach(this::closeQuietly);
	}

}
