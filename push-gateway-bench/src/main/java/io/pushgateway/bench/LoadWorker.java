package io.pushgateway.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import io.netty.channel.EventLoopGroup;

/**
 * One load-generating process: opens many real WebSocket connections on one event loop,
 * each from a source address spread over 127.0.0.0/8 (a process holds at most about
 * 19,000 sockets here, and one source address has about 28,000 ephemeral ports per
 * destination), keeps them alive the way each server expects, and records, for every
 * message that carries a send timestamp ({@code "n":} followed by the sender's
 * {@link System#nanoTime()}, which on Linux is the machine-wide monotonic clock), the
 * time from send to receipt.
 *
 * <p>
 * It speaks three protocols: the gateway's ({@code push.v1.json}, with a JWT per user and
 * {@code ping} frames at the announced interval), plain text frames (the raw Netty peer)
 * and Engine.IO 4 / Socket.IO 5 over a WebSocket (the Socket.IO peer: open, connect to
 * the default namespace, answer pings, read {@code 42[event, data]} packets).
 *
 * <p>
 * The coordinator ({@link Bench}) talks to it in JSON lines: it prints
 * {@code {"type":"started"}}, starts connecting on {@code go} (so that all workers start
 * together), prints {@code {"type":"connected",...}} once every connection is up or
 * failed, and answers {@code count}, {@code reset}, {@code report}, {@code churn <n>}
 * (close {@code n} connections at random and open them again) and {@code quit}.
 *
 * <p>
 * This class is that control channel; the connections are {@link ClientConnections}
 * (opening, counting, churn), each one a {@link ClientHandler} speaking its server's
 * {@link ClientProtocol}, and the times are recorded by a {@link LatencyRecorder}.
 *
 * @author Push Gateway team
 */
public final class LoadWorker {

	private final EventLoopGroup group = Transports.eventLoopGroup(1);

	private final LatencyRecorder latencies = new LatencyRecorder();

	private final ClientConnections connections;

	/** The collectors' time at the last reset, read only by the command thread. */
	private long gcAtReset;

	private LoadWorker(Args options) {
		this.connections = new ClientConnections(options, this.group, this.latencies, this::connected);
	}

	public static void main(String[] args) throws Exception {
		Args options = Args.parse(args);
		new LoadWorker(options).run(options.getInt("concurrency", 256));
	}

	private void run(int concurrency) throws IOException {
		print("{\"type\":\"started\"}");
		BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
		for (String line; (line = commands.readLine()) != null;) {
			if (line.startsWith("churn ")) {
				int n = Integer.parseInt(line.substring(6).trim());
				this.group.execute(() -> print("{\"type\":\"churned\",\"closed\":" + this.connections.churn(n) + "}"));
				continue;
			}
			switch (line.trim()) {
				case "go" -> this.group.execute(() -> this.connections.connectAll(concurrency));
				case "count" -> print("{\"type\":\"count\",\"received\":" + this.latencies.received() + ",\"open\":"
						+ this.connections.open() + ",\"dropped\":" + this.connections.dropped() + "}");
				case "reset" -> {
					this.latencies.reset();
					this.gcAtReset = LatencyStages.collections()[0];
					print("{\"type\":\"reset\"}");
				}
				case "report" -> {
					String histogram = this.latencies.intervalHistogram();
					print("{\"type\":\"report\",\"received\":" + this.latencies.received() + ",\"gcMillis\":"
							+ (LatencyStages.collections()[0] - this.gcAtReset) + ",\"hist\":\"" + histogram + "\"}");
				}
				case "quit" -> {
					this.group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
					print("{\"type\":\"bye\"}");
					System.exit(0);
				}
				default -> print("{\"type\":\"error\",\"message\":\"unknown command\"}");
			}
		}
		System.exit(0);
	}

	/* Every connection of the ramp is up or failed; on the event loop. */
	private void connected() {
		double seconds = this.connections.seconds();
		print("{\"type\":\"connected\",\"ok\":" + this.connections.ready() + ",\"failed\":" + this.connections.failed()
				+ ",\"seconds\":" + seconds + "}");
	}

	private static synchronized void print(String line) {
		System.out.println(line);
		System.out.flush();
	}

}
