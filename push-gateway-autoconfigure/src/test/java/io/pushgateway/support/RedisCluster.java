package io.pushgateway.support;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.SlotHash;

import org.springframework.data.redis.connection.RedisClusterConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * A real Redis Cluster on loopback: {@code redis-server} processes in cluster mode (three
 * masters, each with a replica by default), joined by {@code redis-cli --cluster create}
 * (both from Debian's {@code redis-server} package, installed by {@code .ci/run}). The
 * node timeout is one second, so a killed master's replica takes over within a few
 * seconds. No persistence.
 *
 * @author Push Gateway team
 */
public final class RedisCluster implements AutoCloseable {

	/** How long a master may be silent before its replica takes over. */
	public static final Duration NODE_TIMEOUT = Duration.ofSeconds(1);

	private final List<Node> nodes = new ArrayList<>();

	private final List<LettuceConnectionFactory> factories = new ArrayList<>();

	private RedisCluster() {
	}

	/**
	 * Start a cluster and wait until it serves all slots.
	 * @param masters how many masters
	 * @param replicasPerMaster how many replicas each master has
	 * @return the cluster
	 */
	public static RedisCluster start(int masters, int replicasPerMaster) {
		RedisCluster cluster = new RedisCluster();
		try {
			for (int i = 0; i < masters * (1 + replicasPerMaster); i++) {
				Node node = new Node(clusterPort());
				node.start();
				cluster.nodes.add(node);
			}
			List<String> create = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
			cluster.nodes.forEach((node) -> create.add("127.0.0.1:" + node.port));
			create.addAll(List.of("--cluster-replicas", Integer.toString(replicasPerMaster), "--cluster-yes"));
			Process process = new ProcessBuilder(create).redirectErrorStream(true).start();
			String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
				throw new IllegalStateException("redis-cli --cluster create failed:\n" + output);
			}
			cluster.awaitHealthy();
			return cluster;
		}
		catch (IOException ex) {
			cluster.close();
			throw new IllegalStateException(
					"Cannot start a Redis Cluster; install redis-server and redis-tools (apt-get install redis-server)",
					ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			cluster.close();
			throw new IllegalStateException(ex);
		}
	}

	/*
	 * A port whose cluster bus port (the port + 10,000) is free too, below the ephemeral
	 * range so that no client connection takes either meanwhile.
	 */
	private static int clusterPort() {
		for (int attempt = 0; attempt < 100; attempt++) {
			int port = ThreadLocalRandom.current().nextInt(20_000, 30_000);
			if (free(port) && free(port + 10_000)) {
				return port;
			}
		}
		throw new IllegalStateException("No free port pair for a Redis Cluster node");
	}

	private static boolean free(int port) {
		try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	/**
	 * Wait until every live node reports the cluster state ok and all slots served, and
	 * every live replica is in sync with its master (a replica that never synced cannot
	 * take over).
	 */
	public void awaitHealthy() {
		long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
		while (System.nanoTime() < deadline) {
			boolean ok = true;
			for (Node node : this.nodes) {
				if (!node.alive()) {
					continue;
				}
				String info = node.commandQuietly("CLUSTER INFO");
				ok &= info.contains("cluster_state:ok") && info.contains("cluster_slots_ok:16384");
				String replication = node.commandQuietly("INFO replication");
				ok &= replication.contains("role:master") || replication.contains("master_link_status:up");
			}
			if (ok) {
				return;
			}
			pause();
		}
		throw new IllegalStateException("Redis Cluster not healthy within 60 s");
	}

	private static void pause() {
		try {
			Thread.sleep(100);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * The seed nodes for {@code spring.data.redis.cluster.nodes}.
	 * @return {@code host:port} of every node
	 */
	public List<String> seeds() {
		return this.nodes.stream().map((node) -> "127.0.0.1:" + node.port).toList();
	}

	/**
	 * A started connection factory, refreshing its view of the cluster when a command is
	 * redirected or a node stays unreachable (adaptive) and every second; destroyed with
	 * the cluster.
	 * @return the factory
	 */
	public LettuceConnectionFactory connectionFactory() {
		ClusterTopologyRefreshOptions refresh = ClusterTopologyRefreshOptions.builder()
			.enableAllAdaptiveRefreshTriggers()
			.enablePeriodicRefresh(Duration.ofSeconds(1))
			.build();
		LettuceClientConfiguration client = LettuceClientConfiguration.builder()
			.clientOptions(ClusterClientOptions.builder().topologyRefreshOptions(refresh).build())
			.commandTimeout(Duration.ofSeconds(2))
			.build();
		LettuceConnectionFactory factory = new LettuceConnectionFactory(new RedisClusterConfiguration(seeds()), client);
		factory.afterPropertiesSet();
		factory.start();
		this.factories.add(factory);
		return factory;
	}

	/**
	 * Run a command on the master that holds a key's slot.
	 * @param key the key
	 * @param command the whole command, inline
	 * @return the raw reply
	 */
	public String commandFor(String key, String command) {
		try {
			return masterOf(SlotHash.getSlot(key)).command(command);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * The port of the master that serves a slot now.
	 * @param key a key of the slot
	 * @return the port
	 */
	public int masterPortOf(String key) {
		return masterOf(SlotHash.getSlot(key)).port;
	}

	/**
	 * Kill (SIGKILL) the master serving a key's slot and wait until its replica serves
	 * the slot and the cluster is healthy again.
	 * @param key a key of the slot
	 * @return the port of the killed master
	 */
	public int failOver(String key) {
		int slot = SlotHash.getSlot(key);
		Node master = masterOf(slot);
		master.kill();
		long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
		while (System.nanoTime() < deadline) {
			Node now = masterOfQuietly(slot);
			if (now != null && now != master) {
				awaitHealthy();
				return master.port;
			}
			pause();
		}
		StringBuilder state = new StringBuilder();
		for (Node node : this.nodes) {
			if (node.alive()) {
				state.append("\n--- ").append(node.port).append(": ").append(node.commandQuietly("CLUSTER NODES"));
				state.append(node.logTail());
			}
		}
		throw new IllegalStateException("No replica took over slot " + slot + " within 60 s" + state);
	}

	private Node masterOf(int slot) {
		Node master = masterOfQuietly(slot);
		if (master == null) {
			throw new IllegalStateException("No master serves slot " + slot);
		}
		return master;
	}

	/*
	 * Asks a live node which master serves the slot (CLUSTER SLOTS as text: ranges, then
	 * masters).
	 */
	private Node masterOfQuietly(int slot) {
		for (Node asked : this.nodes) {
			if (!asked.alive()) {
				continue;
			}
			String nodes = asked.commandQuietly("CLUSTER NODES");
			for (String line : nodes.split("\n")) {
				String[] fields = line.trim().split(" ");
				if (fields.length < 9 || !fields[2].contains("master") || fields[2].contains("fail")) {
					continue;
				}
				for (int i = 8; i < fields.length; i++) {
					String[] range = fields[i].split("-");
					if (range[0].startsWith("[")) {
						continue;
					}
					int from = Integer.parseInt(range[0]);
					int to = (range.length > 1) ? Integer.parseInt(range[1]) : from;
					if (slot >= from && slot <= to) {
						int port = Integer.parseInt(fields[1].substring(fields[1].indexOf(':') + 1).split("[@,]")[0]);
						for (Node node : this.nodes) {
							if (node.port == port && node.alive()) {
								return node;
							}
						}
					}
				}
			}
			return null;
		}
		return null;
	}

	@Override
	public void close() {
		this.factories.forEach(LettuceConnectionFactory::destroy);
		this.factories.clear();
		this.nodes.forEach(Node::kill);
	}

	private static final class Node {

		private final int port;

		private final File directory;

		private Process process;

		Node(int port) throws IOException {
			this.port = port;
			this.directory = Files.createTempDirectory("redis-cluster-test").toFile();
		}

		void start() throws IOException {
			this.process = new ProcessBuilder(List.of("redis-server", "--port", Integer.toString(this.port), "--bind",
					"127.0.0.1", "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
					"--cluster-node-timeout", Long.toString(NODE_TIMEOUT.toMillis()),
					// a replica takes over however long ago it last heard from its master
					// (a
					// starved test machine may delay the replication pings)
					"--cluster-replica-validity-factor", "0", "--save", "", "--appendonly", "no", "--dir",
					this.directory.getAbsolutePath()))
				.redirectErrorStream(true)
				.redirectOutput(new File(this.directory, "redis.log"))
				.start();
			long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
			while (System.nanoTime() < deadline) {
				if (!this.process.isAlive()) {
					throw new IOException("redis-server exited with " + this.process.exitValue());
				}
				if (commandQuietly("PING").contains("PONG")) {
					return;
				}
				Thread.onSpinWait();
			}
			throw new IOException("redis-server did not answer PING on port " + this.port);
		}

		String logTail() {
			try {
				List<String> lines = Files.readAllLines(new File(this.directory, "redis.log").toPath());
				return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
			}
			catch (IOException ex) {
				return "(no log: " + ex.getMessage() + ")";
			}
		}

		boolean alive() {
			return this.process != null && this.process.isAlive();
		}

		String commandQuietly(String command) {
			try {
				return command(command);
			}
			catch (IOException ex) {
				return "";
			}
		}

		/*
		 * One inline command; reads until the reply stops arriving (replies here are
		 * small).
		 */
		String command(String command) throws IOException {
			try (Socket socket = new Socket()) {
				socket.connect(new InetSocketAddress("127.0.0.1", this.port), 200);
				socket.setSoTimeout(2000);
				socket.getOutputStream().write((command + "\r\n").getBytes(StandardCharsets.UTF_8));
				InputStream in = socket.getInputStream();
				byte[] buffer = new byte[65536];
				int read = in.read(buffer);
				StringBuilder reply = new StringBuilder();
				while (read > 0) {
					reply.append(new String(buffer, 0, read, StandardCharsets.UTF_8));
					socket.setSoTimeout(50);
					try {
						read = in.read(buffer);
					}
					catch (SocketTimeoutException ex) {
						read = -1;
					}
				}
				return reply.toString();
			}
		}

		void kill() {
			if (this.process != null) {
				this.process.destroyForcibly();
				try {
					this.process.waitFor();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
		}

	}

}
