package io.pushgateway.support;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * A gateway cluster for a test class: a real {@code redis-server} (the session registry),
 * with the Kafka bus a real in-process KRaft broker (otherwise the Redis bus), and
 * gateway nodes on their own ports, started before the first test and stopped after the
 * last. Register it as a static field:
 * {@code @RegisterExtension static final TestCluster cluster = TestCluster.withKafka(3, Map.of());}.
 *
 * @author Push Gateway team
 */
public final class TestCluster implements BeforeAllCallback, AfterAllCallback {

	private final int size;

	private final boolean kafka;

	private final Map<String, Object> extra;

	private final List<TestGateway> nodes = new ArrayList<>();

	private RedisServer redis;

	private EmbeddedKafkaKraftBroker broker;

	private TestCluster(int size, boolean kafka, Map<String, Object> extra) {
		this.size = size;
		this.kafka = kafka;
		this.extra = extra;
	}

	/**
	 * Nodes sharing Redis, exchanging pushes over Kafka.
	 * @param size how many nodes
	 * @param properties further properties of every node
	 * @return the cluster
	 */
	public static TestCluster withKafka(int size, Map<String, Object> properties) {
		return new TestCluster(size, true, properties);
	}

	/**
	 * Nodes sharing Redis, exchanging pushes over Redis pub/sub.
	 * @param size how many nodes
	 * @param properties further properties of every node
	 * @return the cluster
	 */
	public static TestCluster withRedisBus(int size, Map<String, Object> properties) {
		return new TestCluster(size, false, properties);
	}

	@Override
	public void beforeAll(ExtensionContext context) {
		this.redis = RedisServer.start();
		if (this.kafka) {
			this.broker = new EmbeddedKafkaKraftBroker(1, 3);
			this.broker.afterPropertiesSet();
		}
		for (int i = 0; i < this.size; i++) {
			this.nodes.add(TestGateway.start(nodeProperties(i)));
		}
	}

	@Override
	public void afterAll(ExtensionContext context) {
		this.nodes.forEach(TestGateway::close);
		this.nodes.clear();
		if (this.broker != null) {
			this.broker.destroy();
		}
		this.redis.close();
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
		properties.put("spring.data.redis.host", "127.0.0.1");
		properties.put("spring.data.redis.port", this.redis.port());
		properties.put("push.gateway.registry.type", "redis");
		properties.put("push.gateway.registry.sync-interval", "20ms");
		if (!this.extra.containsKey("push.gateway.node.worker-id-strategy")) {
			properties.put("push.gateway.node.worker-id", index + 1);
		}
		if (this.kafka) {
			properties.put("push.gateway.bus.type", "kafka");
			properties.put("push.gateway.bus.kafka.bootstrap-servers", this.broker.getBrokersAsString());
			properties.put("push.gateway.bus.kafka.partitions", 3);
		}
		else {
			properties.put("push.gateway.bus.type", "redis");
		}
		properties.putAll(this.extra);
		return properties;
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

	public String kafkaBootstrapServers() {
		return this.broker.getBrokersAsString();
	}

}
