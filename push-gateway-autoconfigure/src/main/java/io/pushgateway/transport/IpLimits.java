package io.pushgateway.transport;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.pushgateway.metrics.Limit;
import org.jspecify.annotations.Nullable;

/**
 * Limits per client IP address: open connections, and handshakes per second. Both are off
 * at {@code 0}. The address is the one Reactor Netty reports for the request, which is
 * the client's only when the gateway is reached directly or
 * {@code server.forward-headers-strategy} makes it read a trusted proxy's
 * {@code Forwarded} header; behind a proxy without it, every client shares the proxy's
 * address and per-IP limits must stay off.
 *
 * <p>
 * Counting is lock-free and approximate under races: concurrent handshakes from one
 * address may pass a limit by as many as run at once. Handshakes are counted in
 * one-second windows; windows of addresses not seen in the current second are dropped
 * once a second, so the map holds at most the addresses seen within about two seconds.
 *
 * @author Push Gateway team
 */
public final class IpLimits {

	/** No limits. */
	public static final IpLimits NONE = new IpLimits(0, 0);

	private final int maxConnections;

	private final int maxHandshakesPerSecond;

	private final ConcurrentHashMap<InetAddress, AtomicInteger> connections = new ConcurrentHashMap<>();

	private final ConcurrentHashMap<InetAddress, Window> handshakes = new ConcurrentHashMap<>();

	private volatile long prunedSecond;

	public IpLimits(int maxConnections, int maxHandshakesPerSecond) {
		this.maxConnections = maxConnections;
		this.maxHandshakesPerSecond = maxHandshakesPerSecond;
	}

	/**
	 * Count a handshake and check both limits.
	 * @param address the client's address, or {@code null} when unknown (not limited)
	 * @return why the handshake is refused, or {@code null} to go on
	 */
	public @Nullable Refusal check(@Nullable InetAddress address) {
		if (address == null) {
			return null;
		}
		if (this.maxHandshakesPerSecond > 0) {
			long second = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime());
			prune(second);
			Window window = this.handshakes.computeIfAbsent(address, (key) -> new Window());
			if (window.count(second) > this.maxHandshakesPerSecond) {
				return new Refusal(Limit.HANDSHAKES_PER_IP,
						"more than " + this.maxHandshakesPerSecond + " handshakes per second from this address");
			}
		}
		if (this.maxConnections > 0) {
			AtomicInteger open = this.connections.get(address);
			if (open != null && open.get() >= this.maxConnections) {
				return new Refusal(Limit.CONNECTIONS_PER_IP,
						"more than " + this.maxConnections + " connections from this address");
			}
		}
		return null;
	}

	/**
	 * A connection from an address opened.
	 * @param address the address, or {@code null}
	 */
	public void opened(@Nullable InetAddress address) {
		if (address != null && this.maxConnections > 0) {
			this.connections.computeIfAbsent(address, (key) -> new AtomicInteger()).incrementAndGet();
		}
	}

	/**
	 * A connection from an address closed.
	 * @param address the address, or {@code null}
	 */
	public void closed(@Nullable InetAddress address) {
		if (address != null && this.maxConnections > 0) {
			this.connections.computeIfPresent(address, (key, open) -> (open.decrementAndGet() <= 0) ? null : open);
		}
	}

	/**
	 * Open connections from an address, as counted here.
	 * @param address the address
	 * @return the count
	 */
	public int connections(InetAddress address) {
		AtomicInteger open = this.connections.get(address);
		return (open != null) ? open.get() : 0;
	}

	private void prune(long second) {
		if (this.prunedSecond != second) {
			this.prunedSecond = second;
			this.handshakes.values().removeIf((window) -> window.second < second);
		}
	}

	/**
	 * Why a handshake was refused.
	 *
	 * @param limit the limit's name, for metrics
	 * @param reason the message for the client
	 */
	public record Refusal(Limit limit, String reason) {
	}

	/** Handshakes from one address within one second. */
	private static final class Window {

		private volatile long second = -1;

		private int count;

		synchronized int count(long now) {
			if (this.second != now) {
				this.second = now;
				this.count = 0;
			}
			return ++this.count;
		}

	}

}
