package io.pushgateway.autoconfigure;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

import io.lettuce.core.ClientOptions;
import io.pushgateway.cluster.RecentRecordIds;
import io.pushgateway.cluster.SkippedRecords;
import io.pushgateway.cluster.kafka.BoundedKafkaProducer;
import io.pushgateway.cluster.kafka.KafkaBusSettings;
import io.pushgateway.cluster.kafka.KafkaClients;
import io.pushgateway.cluster.kafka.KafkaClusterBus;
import io.pushgateway.cluster.kafka.KafkaTopics;
import io.pushgateway.cluster.redis.RedisBusSettings;
import io.pushgateway.cluster.redis.RedisClusterBus;
import io.pushgateway.core.PayloadEncoder;
import io.pushgateway.core.PresenceOperations;
import io.pushgateway.core.PushRules;
import io.pushgateway.core.PushTarget;
import io.pushgateway.core.RecentPresence;
import io.pushgateway.hub.CloseCodes;
import io.pushgateway.hub.LocalHub;
import io.pushgateway.hub.PresenceEvents;
import io.pushgateway.hub.PushConnection;
import io.pushgateway.id.NodeId;
import io.pushgateway.id.SnowflakeIdGenerator;
import io.pushgateway.id.WorkerIdStrategy;
import io.pushgateway.metrics.GatewayMetrics;
import io.pushgateway.observation.PushObservations;
import io.pushgateway.registry.redis.RedisBanStore;
import io.pushgateway.registry.redis.RedisIdempotencyStore;
import io.pushgateway.registry.redis.RedisMessageRateLimiter;
import io.pushgateway.registry.redis.RedisPresence;
import io.pushgateway.registry.redis.RedisPushStore;
import io.pushgateway.registry.redis.RedisRecentPresence;
import io.pushgateway.registry.redis.RedisRegistrySettings;
import io.pushgateway.registry.redis.RedisSessionRegistry;
import io.pushgateway.registry.redis.RedisWorkerIdLease;
import io.pushgateway.spi.BanStore;
import io.pushgateway.spi.ClusterBus;
import io.pushgateway.spi.ClusterMessage;
import io.pushgateway.spi.IdempotencyStore;
import io.pushgateway.spi.MessageRateLimiter;
import io.pushgateway.spi.PushStore;
import io.pushgateway.spi.SessionRegistry;
import io.pushgateway.upstream.KafkaPresencePublisher;
import io.pushgateway.upstream.KafkaUndeliveredPublisher;
import io.pushgateway.upstream.KafkaUpstreamHandler;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.data.redis.autoconfigure.LettuceClientOptionsBuilderCustomizer;
import org.springframework.boot.kafka.autoconfigure.DefaultKafkaConsumerFactoryCustomizer;
import org.springframework.boot.kafka.autoconfigure.DefaultKafkaProducerFactoryCustomizer;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;

/**
 * The cluster variants of the gateway's beans: the Redis session registry and presence,
 * the Kafka and Redis pub/sub buses, and the Redis-leased worker ID, each switched on by
 * a property and failing fast with a clear message when its library is missing.
 *
 * @author Push Gateway team
 */
final class ClusterConfigurations {

	/** At most one log line per node per minute about skipped bus records. */
	private static final Duration SKIPPED_RECORDS_LOG_INTERVAL = Duration.ofMinutes(1);

	private static final Log logger = LogFactory.getLog(ClusterConfigurations.class);

	private ClusterConfigurations() {
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(ReactiveRedisConnectionFactory.class)
	@ConditionalOnProperty(name = "push.gateway.registry.type", havingValue = "redis")
	static class RedisRegistryConfiguration {

		@Bean
		@ConditionalOnMissingBean(SessionRegistry.class)
		RedisSessionRegistry pushGatewayRedisSessionRegistry(NodeId node,
				ReactiveRedisConnectionFactory connectionFactory, LocalHub hub, ClusterBus bus,
				PushGatewayProperties properties, GatewayMetrics metrics, PresenceEvents presenceEvents) {
			RegistryProperties registry = properties.getRegistry();
			String nodeId = node.value();
			RedisRegistrySettings settings = new RedisRegistrySettings(registry.getKeyPrefix(), nodeId,
					registry.getSyncInterval(), registry.getMaxBatch(), registry.getMaxQueued(),
					registry.getLastSeenSyncInterval(), registry.getNodeHeartbeatInterval(), registry.getNodeTimeout(),
					properties.getLimits().getMaxConnectionsPerUser(), registry.getCommandTimeout(),
					properties.getConnections().isClientAddress());
			return new RedisSessionRegistry(connectionFactory, settings, hub,
					(socketId, owner) -> evict(hub, bus, nodeId, socketId, owner), metrics,
					LocalBackendsConfiguration.presenceTracking(properties, presenceEvents));
		}

		/*
		 * Presence from the registry's keys in Redis, which every node writes: the same
		 * answer on every node.
		 */
		@Bean
		@ConditionalOnMissingBean(PresenceOperations.class)
		RedisPresence pushGatewayRedisPresence(ReactiveRedisConnectionFactory connectionFactory,
				PushGatewayProperties properties) {
			RegistryProperties registry = properties.getRegistry();
			return new RedisPresence(connectionFactory, registry.getKeyPrefix(), registry.getCommandTimeout(),
					properties.getConnections().isClientAddress());
		}

		@Bean
		@ConditionalOnMissingBean(IdempotencyStore.class)
		RedisIdempotencyStore pushGatewayRedisIdempotencyStore(ReactiveRedisConnectionFactory connectionFactory,
				PushGatewayProperties properties) {
			return new RedisIdempotencyStore(connectionFactory, properties.getRegistry().getKeyPrefix(),
					properties.getRegistry().getCommandTimeout());
		}

		@Bean
		@ConditionalOnMissingBean(RecentPresence.class)
		@ConditionalOnBooleanProperty("push.gateway.presence.enabled")
		RedisRecentPresence pushGatewayRedisRecentPresence(ReactiveRedisConnectionFactory connectionFactory,
				PushGatewayProperties properties) {
			return new RedisRecentPresence(connectionFactory, properties.getRegistry().getKeyPrefix(),
					properties.getRegistry().getCommandTimeout());
		}

		@Bean
		@ConditionalOnMissingBean(MessageRateLimiter.class)
		RedisMessageRateLimiter pushGatewayRedisMessageRateLimiter(ReactiveRedisConnectionFactory connectionFactory,
				PushGatewayProperties properties) {
			LimitsProperties limits = properties.getLimits();
			return new RedisMessageRateLimiter(connectionFactory, properties.getRegistry().getKeyPrefix(),
					Math.max(1, limits.getUserMessagesPerSecond()), Math.max(1, limits.userBucketSize()),
					properties.getRegistry().getCommandTimeout());
		}

		@Bean
		@ConditionalOnMissingBean(BanStore.class)
		RedisBanStore pushGatewayRedisBanStore(ReactiveRedisConnectionFactory connectionFactory,
				PushGatewayProperties properties, Clock clock) {
			RegistryProperties registry = properties.getRegistry();
			return new RedisBanStore(connectionFactory, registry.getKeyPrefix(),
					properties.getBans().getRevocationRetention(), registry.getCommandTimeout(), clock);
		}

		@Bean
		@ConditionalOnMissingBean(PushStore.class)
		@ConditionalOnBooleanProperty("push.gateway.recovery.enabled")
		RedisPushStore pushGatewayRedisPushStore(ReactiveRedisConnectionFactory connectionFactory,
				PushGatewayProperties properties) {
			RecoveryProperties recovery = properties.getRecovery();
			return new RedisPushStore(connectionFactory, properties.getRegistry().getKeyPrefix(),
					recovery.getMaxLength(), recovery.getMaxAge(), properties.getRegistry().getCommandTimeout());
		}

		/*
		 * Closes the oldest connection of a user over the cluster limit, wherever it
		 * lives.
		 */
		private static void evict(LocalHub hub, ClusterBus bus, String self, long socketId, String node) {
			String reason = "replaced by a newer connection of the same user";
			if (self.equals(node)) {
				PushConnection connection = hub.connection(socketId);
				if (connection != null) {
					connection.close(CloseCodes.REPLACED, reason);
				}
				return;
			}
			bus.publish(new ClusterMessage.Disconnect(PushTarget.socket(socketId), CloseCodes.REPLACED, reason))
				.subscribe(null, (error) -> logger.warn("Could not ask node " + node + " to close socket " + socketId
						+ " over the user limit: " + error.getMessage()));
		}

	}

	/**
	 * The gateway's Kafka clients, configured through Boot's Kafka support, when the bus
	 * or the upstream publisher uses Kafka.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ KafkaProducer.class, KafkaProperties.class })
	@Conditional(KafkaUsedCondition.class)
	@EnableConfigurationProperties(KafkaProperties.class)
	static class KafkaClientsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		KafkaClients pushGatewayKafkaClients(KafkaProperties kafkaProperties,
				ObjectProvider<KafkaConnectionDetails> connectionDetails, PushGatewayProperties properties,
				ObjectProvider<DefaultKafkaProducerFactoryCustomizer> producerCustomizers,
				ObjectProvider<DefaultKafkaConsumerFactoryCustomizer> consumerCustomizers) {
			// without Boot's Kafka auto-configuration, the servers of spring.kafka.*
			KafkaConnectionDetails connection = connectionDetails
				.getIfAvailable(() -> kafkaProperties::getBootstrapServers);
			return new SpringKafkaClients(kafkaProperties, connection, properties.getBus().getKafka(),
					producerCustomizers.orderedStream().toList(), consumerCustomizers.orderedStream().toList());
		}

	}

	static class KafkaUsedCondition extends AnyNestedCondition {

		KafkaUsedCondition() {
			super(ConfigurationPhase.REGISTER_BEAN);
		}

		@ConditionalOnProperty(name = "push.gateway.bus.type", havingValue = "kafka")
		static class KafkaBus {

		}

		@ConditionalOnBooleanProperty("push.gateway.upstream.kafka.enabled")
		static class KafkaUpstream {

		}

		@ConditionalOnBooleanProperty("push.gateway.undelivered.kafka.enabled")
		static class KafkaUndelivered {

		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ KafkaProducer.class, KafkaProperties.class })
	@ConditionalOnProperty(name = "push.gateway.bus.type", havingValue = "kafka")
	static class KafkaBusConfiguration {

		@Bean
		@ConditionalOnMissingBean(ClusterBus.class)
		KafkaClusterBus pushGatewayKafkaClusterBus(NodeId node, PushGatewayProperties properties, KafkaClients clients,
				SnowflakeIdGenerator ids, GatewayMetrics metrics) {
			BusProperties.Kafka kafka = properties.getBus().getKafka();
			KafkaBusSettings settings = new KafkaBusSettings(kafka.getTopic(), kafka.isCreateTopic(),
					kafka.getPartitions(), kafka.getReplicationFactor(), kafka.getPublishQueueCapacity(),
					kafka.getPublishTimeout(), kafka.getBufferMemory().toBytes(), kafka.getMailboxPartitions());
			KafkaClusterBus bus = new KafkaClusterBus(clients, settings, node.value(), ids::nextId,
					new PushRules((int) properties.getLimits().getMaxPayloadSize().toBytes()),
					new SkippedRecords(metrics::skippedRecord, SKIPPED_RECORDS_LOG_INTERVAL));
			IdempotencyProperties idempotency = properties.getIdempotency();
			bus.dropRepeatedIds(
					new RecentRecordIds(idempotency.getWindow(), idempotency.getMaxKeys(), System::currentTimeMillis));
			return bus;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(ReactiveRedisConnectionFactory.class)
	@ConditionalOnProperty(name = "push.gateway.bus.type", havingValue = "redis")
	static class RedisBusConfiguration {

		@Bean
		@ConditionalOnMissingBean(ClusterBus.class)
		RedisClusterBus pushGatewayRedisClusterBus(NodeId node, ReactiveRedisConnectionFactory connectionFactory,
				PushGatewayProperties properties, SnowflakeIdGenerator ids, GatewayMetrics metrics) {
			BusProperties.RedisBus redis = properties.getBus().getRedis();
			String channel = (redis.getChannel() != null) ? redis.getChannel()
					: properties.getRegistry().getKeyPrefix() + ":bus";
			return new RedisClusterBus(connectionFactory,
					new RedisBusSettings(channel, redis.getMaxInFlight(), redis.getPublishTimeout()), node.value(),
					ids::nextId, new SkippedRecords(metrics::skippedRecord, SKIPPED_RECORDS_LOG_INTERVAL));
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(ReactiveRedisConnectionFactory.class)
	@ConditionalOnProperty(name = "push.gateway.node.worker-id-strategy", havingValue = "redis-lease")
	static class RedisWorkerIdConfiguration {

		@Bean
		@ConditionalOnMissingBean(WorkerIdStrategy.class)
		RedisWorkerIdLease pushGatewayRedisWorkerIdLease(ReactiveRedisConnectionFactory connectionFactory,
				PushGatewayProperties properties) {
			return new RedisWorkerIdLease(connectionFactory, properties.getRegistry().getKeyPrefix(),
					properties.getNode().getWorkerIdLease());
		}

	}

	/**
	 * When the gateway uses Redis, Lettuce rejects commands while disconnected instead of
	 * buffering them without bound; the registry and the bus then fail fast and recover.
	 * Boot's connection factory is the application's too, so this changes its other uses
	 * of Redis as well: documented, and off with
	 * {@code push.gateway.registry.reject-commands-while-disconnected=false}.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ ClientOptions.class, LettuceClientOptionsBuilderCustomizer.class })
	@ConditionalOnProperty(name = "push.gateway.registry.type", havingValue = "redis")
	@ConditionalOnBooleanProperty(name = "push.gateway.registry.reject-commands-while-disconnected",
			matchIfMissing = true)
	static class RedisClientConfiguration {

		@Bean
		LettuceClientOptionsBuilderCustomizer pushGatewayLettuceClientOptions() {
			return (builder) -> builder.disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ KafkaProducer.class, KafkaProperties.class })
	@ConditionalOnProperty(name = "push.gateway.upstream.kafka.enabled", havingValue = "true")
	static class KafkaUpstreamConfiguration {

		@Bean
		@ConditionalOnMissingBean
		KafkaUpstreamHandler pushGatewayKafkaUpstreamHandler(PushGatewayProperties properties, KafkaClients clients,
				PushObservations observations) {
			BusProperties.Kafka kafka = properties.getBus().getKafka();
			UpstreamProperties.UpstreamKafka upstream = properties.getUpstream().getKafka();
			Runnable topicCheck = upstream.isCreateTopic()
					? () -> KafkaTopics.create(clients,
							List.of(new NewTopic(upstream.getTopic(), upstream.getPartitions(),
									kafka.getReplicationFactor())))
					: () -> KafkaTopics.requireExisting(clients, List.of(upstream.getTopic()),
							"push.gateway.upstream.kafka.create-topic");
			BoundedKafkaProducer producer = new BoundedKafkaProducer("push-gateway-kafka-upstream-publisher", clients,
					upstream.getPublishQueueCapacity(), upstream.getPublishTimeout(),
					upstream.getBufferMemory().toBytes());
			return new KafkaUpstreamHandler(producer, upstream.getTopic(), upstream.getEvents(), topicCheck,
					observations);
		}

		@Bean
		@ConditionalOnBooleanProperty("push.gateway.presence.upstream")
		KafkaPresencePublisher pushGatewayKafkaPresencePublisher(KafkaUpstreamHandler upstream, PayloadEncoder encoder,
				SnowflakeIdGenerator ids, NodeId node) {
			return new KafkaPresencePublisher(upstream, encoder, ids::nextId, node.value());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ KafkaProducer.class, KafkaProperties.class })
	@ConditionalOnBooleanProperty("push.gateway.undelivered.kafka.enabled")
	static class KafkaUndeliveredConfiguration {

		@Bean
		@ConditionalOnMissingBean
		KafkaUndeliveredPublisher pushGatewayKafkaUndeliveredPublisher(PushGatewayProperties properties,
				KafkaClients clients, NodeId node) {
			UndeliveredProperties.Kafka kafka = properties.getUndelivered().getKafka();
			UpstreamProperties.UpstreamKafka upstream = properties.getUpstream().getKafka();
			Runnable topicCheck = kafka.isCreateTopic()
					? () -> KafkaTopics.create(clients,
							List.of(new NewTopic(kafka.getTopic(), kafka.getPartitions(),
									properties.getBus().getKafka().getReplicationFactor())))
					: () -> KafkaTopics.requireExisting(clients, List.of(kafka.getTopic()),
							"push.gateway.undelivered.kafka.create-topic");
			BoundedKafkaProducer producer = new BoundedKafkaProducer("push-gateway-kafka-undelivered-publisher",
					clients, kafka.getPublishQueueCapacity(), kafka.getPublishTimeout(),
					upstream.getBufferMemory().toBytes());
			return new KafkaUndeliveredPublisher(producer, kafka.getTopic(), node.value(), topicCheck);
		}

	}

}
