package io.pushgateway.support;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A gateway cluster for a test class: a real {@code redis-server} (the session registry),
 * with the Kafka bus a real KRaft broker (in-process, or a process a test can kill and
 * restart; otherwise the Redis bus), and gateway nodes on their own ports, started before
 * the first test and stopped after the last. Register it as a static field:
 * {@code @RegisterExtension static final TestCluster cluster = TestCluster.withKafka(3, Map.of());}.
 *
 * @author Push Gateway team
 */
public final class TestCluster implements BeforeAllCallback, AfterAllCallback {

	private static final AtomicInteger CLUSTERS = new AtomicInteger();

	private final int size;

	private final Bus bus;

	private final Map<String, Object> extra;

	private Class<?>[] configurations = new Class<?>[0];

	private final List<TestGateway> nodes = new ArrayList<>();

	private RedisServer redis;

	private RedisCluster redisCluster;

	/** The shared broker's bootstrap servers, for a cluster that does not kill it. */
	private String sharedKafka;

	/**
	 * What this cluster's topics begin with, apart from other classes' on the shared
	 * broker.
	 */
	private final String topicPrefix = "c" + CLUSTERS.incrementAndGet() + ".push-gateway";

	private KafkaBrokerProcess brokerProcess;

	private boolean proxied;

	private final List<TcpProxy> redisProxies = new ArrayList<>();

	private final List<TcpProxy> kafkaProxies = new ArrayList<>();

	private boolean withProcessNode;

	private Process processNode;

	private int processNodePort;

	private TestCluster(int size, Bus bus, Map<String, Object> extra) {
		this.size = size;
		this.bus = bus;
		this.extra = extra;
	}

	/**
	 * Nodes sharing Redis, exchanging pushes over Kafka.
	 * @param size how many nodes
	 * @param properties further properties of every node
	 * @return the cluster
	 */
	public static TestCluster withKafka(int size, Map<String, Object> properties) {
		return new TestCluster(size, Bus.KAFKA, properties);
	}

	/**
	 * Nodes sharing Redis, exchanging pushes over Kafka, with the broker a process of its
	 * own that a test can {@link KafkaBrokerProcess#kill() kill} and restart.
	 * @param size how many nodes
	 * @param properties further properties of every node
	 * @return the cluster
	 */
	public static TestCluster withKafkaProcess(int size, Map<String, Object> properties) {
		return new TestCluster(size, Bus.KAFKA_PROCESS, properties);
	}

	/**
	 * Nodes sharing Redis, exchanging pushes over Redis pub/sub.
	 * @param size how many nodes
	 * @param properties further properties of every node
	 * @return the cluster
	 */
	public static TestCluster withRedisBus(int size, Map<String, Object> properties) {
		return new TestCluster(size, Bus.REDIS, properties);
	}

	/**
	 * Nodes sharing a Redis Cluster (three masters, one replica each) for the registry,
	 * the recovery streams and the pub/sub bus.
	 * @param size how many nodes
	 * @param properties further properties of every node
	 * @return the cluster
	 */
	public static TestCluster withRedisCluster(int size, Map<String, Object> properties) {
		return new TestCluster(size, Bus.REDIS_CLUSTER, properties);
	}

	/**
	 * One more node, in a JVM of its own ({@link TestNodeMain}), for a test to kill with
	 * SIGKILL: it starts beside the others, so its start overlaps theirs and the tests
	 * before the one that kills it.
	 * @return this cluster
	 */
	public TestCluster withProcessNode() {
		this.withProcessNode = true;
		return this;
	}

	/**
	 * The node of {@link #withProcessNode()}.
	 * @return its process
	 */
	public Process processNode() {
		return this.processNode;
	}

	/**
	 * The port of the node of {@link #withProcessNode()}, once it accepts connections.
	 * @return the port
	 * @throws Exception if it exited or did not start
	 */
	public synchronized int processNodePort() throws Exception {
		if (this.processNodePort == 0) {
			this.processNodePort = TestNodeMain.awaitReady(this.processNode);
		}
		return this.processNodePort;
	}

	@Override
	public void beforeAll(ExtensionContext context) throws Exception {
		if (this.bus == Bus.REDIS_CLUSTER) {
			this.redisCluster = RedisCluster.start(3, 1);
		}
		else {
			this.redis = RedisServer.start();
		}
		if (this.bus == Bus.KAFKA) {
			this.sharedKafka = SharedKafka.bootstrapServers();
		}
		else if (this.bus == Bus.KAFKA_PROCESS && this.proxied) {
			List<int[]> listeners = new ArrayList<>();
			for (int i = 0; i < this.size; i++) {
				int listener = FreePort.next();
				TcpProxy proxy = TcpProxy.to(listener);
				this.kafkaProxies.add(proxy);
				listeners.add(new int[] { listener, proxy.port() });
			}
			this.brokerProcess = KafkaBrokerProcess.startWithProxiedListeners(listeners);
		}
		else if (this.bus == Bus.KAFKA_PROCESS) {
			this.brokerProcess = KafkaBrokerProcess.start();
		}
		if (this.proxied) {
			for (int i = 0; i < this.size; i++) {
				this.redisProxies.add(TcpProxy.to(this.redis.port()));
			}
		}
		if (this.withProcessNode) {
			this.processNode = TestNodeMain.start(nodeProperties(this.size));
		}
		for (int i = 0; i < this.size; i++) {
			this.nodes.add(TestGateway.start(nodeProperties(i), this.configurations));
		}
	}

	@Override
	public void afterAll(ExtensionContext context) {
		if (this.processNode != null) {
			this.processNode.destroyForcibly();
		}
		this.nodes.forEach(TestGateway::close);
		this.nodes.clear();
		if (this.brokerProcess != null) {
			this.brokerProcess.close();
		}
		this.redisProxies.forEach(TcpProxy::close);
		this.kafkaProxies.forEach(TcpProxy::close);
		if (this.redis != null) {
			this.redis.close();
		}
		if (this.redisCluster != null) {
			this.redisCluster.close();
		}
	}

	/**
	 * The properties of a node of this cluster, for further nodes a test starts itself
	 * (in this JVM or as a process).
	 * @param index the node's index; its worker ID is the index plus one unless the
	 * properties choose another strategy
	 * @return the properties
	 */
	public Map<String, Object> nodeProperties(int index) {
		Map<String, Object> properties = new LinkedHashMap<>();
		if (this.redisCluster != null) {
			properties.put("spring.data.redis.cluster.nodes", String.join(",", this.redisCluster.seeds()));
		}
		else {
			properties.put("spring.data.redis.host", "127.0.0.1");
			properties.put("spring.data.redis.port",
					(index < this.redisProxies.size()) ? this.redisProxies.get(index).port() : this.redis.port());
		}
		properties.put("push.gateway.registry.type", "redis");
		properties.put("push.gateway.registry.sync-interval", "20ms");
		if (!this.extra.containsKey("push.gateway.node.worker-id-strategy")) {
			properties.put("push.gateway.node.worker-id", index + 1);
		}
		if (this.bus != Bus.REDIS && this.bus != Bus.REDIS_CLUSTER) {
			properties.put("push.gateway.bus.type", "kafka");
			properties.put("push.gateway.bus.kafka.bootstrap-servers", (index < this.kafkaProxies.size())
					? "127.0.0.1:" + this.kafkaProxies.get(index).port() : kafkaBootstrapServers());
			properties.put("push.gateway.bus.kafka.partitions", 3);
			properties.put("push.gateway.bus.kafka.topic", topic("downstream"));
			properties.put("push.gateway.upstream.kafka.topic", topic("upstream"));
			properties.put("push.gateway.undelivered.kafka.topic", topic("undelivered"));
		}
		else {
			properties.put("push.gateway.bus.type", "redis");
		}
		properties.putAll(this.extra);
		return properties;
	}

	/**
	 * Connect each node to Redis, and to the Kafka broker of {@link #withKafkaProcess},
	 * through a {@link TcpProxy} of its own, which a test can cut to partition that node.
	 * @return this cluster
	 */
	public TestCluster throughProxies() {
		this.proxied = true;
		return this;
	}

	/**
	 * The proxy between a node and Redis, in a cluster {@link #throughProxies() through
	 * proxies}.
	 * @param index the node's index
	 * @return the proxy
	 */
	public TcpProxy redisProxy(int index) {
		return this.redisProxies.get(index);
	}

	/**
	 * The proxy between a node and the Kafka broker, in a cluster
	 * {@link #throughProxies() through proxies}.
	 * @param index the node's index
	 * @return the proxy
	 */
	public TcpProxy kafkaProxy(int index) {
		return this.kafkaProxies.get(index);
	}

	/**
	 * Configuration classes of the application's own, for every node.
	 * @param configurations the classes
	 * @return this cluster
	 */
	public TestCluster with(Class<?>... configurations) {
		this.configurations = configurations;
		return this;
	}

	public TestGateway node(int index) {
		return this.nodes.get(index);
	}

	public List<TestGateway> nodes() {
		return this.nodes;
	}

	public RedisServer redis() {
		return this.redis;
	}

	public RedisCluster redisCluster() {
		return this.redisCluster;
	}

	public String kafkaBootstrapServers() {
		return (this.brokerProcess != null) ? this.brokerProcess.bootstrapServers() : this.sharedKafka;
	}

	/**
	 * The name of one of this cluster's Kafka topics: the nodes' defaults
	 * ({@code push-gateway.downstream}, {@code .upstream}, {@code .undelivered}) with a
	 * prefix of this cluster's, as the broker may be shared with other test classes.
	 * @param name {@code downstream}, {@code upstream} or {@code undelivered}
	 * @return the topic
	 */
	public String topic(String name) {
		return this.topicPrefix + "." + name;
	}

	/**
	 * The broker process of a cluster made by {@link #withKafkaProcess}.
	 * @return the broker
	 */
	public KafkaBrokerProcess kafkaBroker() {
		return this.brokerProcess;
	}

	private enum Bus {

		KAFKA, KAFKA_PROCESS, REDIS, REDIS_CLUSTER

	}

}
