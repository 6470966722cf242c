package io.pushgateway.autoconfigure;

import io.pushgateway.core.BanOperations;
import io.pushgateway.core.PresenceOperations;
import io.pushgateway.core.PushOperations;
import io.pushgateway.grpc.GrpcOperations;
import io.pushgateway.grpc.GrpcServer;
import io.pushgateway.grpc.GrpcSubscriptions;
import io.pushgateway.hub.FanOut;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The gRPC API ({@code push.gateway.grpc.enabled}): the server and the handler of client
 * messages for {@code Subscribe} streams.
 *
 * @author Push Gateway team
 */
final class GrpcConfiguration {

	private GrpcConfiguration() {
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = { "io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder", "io.grpc.stub.StreamObserver",
			"io.grpc.protobuf.ProtoUtils" })
	@ConditionalOnBooleanProperty("push.gateway.grpc.enabled")
	static class GrpcServerConfiguration {

		@Bean
		@ConditionalOnMissingBean
		GrpcSubscriptions pushGatewayGrpcSubscriptions(PushGatewayProperties properties) {
			return new GrpcSubscriptions(properties.getGrpc().getMaxSubscriptions());
		}

		@Bean
		@ConditionalOnMissingBean
		GrpcServer pushGatewayGrpcServer(PushGatewayProperties properties, PushOperations push,
				PresenceOperations presence, BanOperations bans, GrpcSubscriptions subscriptions, FanOut fanOut) {
			GrpcProperties grpc = properties.getGrpc();
			String token = properties.getHttpApi().getToken();
			if (token == null || token.isBlank()) {
				throw new IllegalStateException("push.gateway.grpc.enabled=true needs push.gateway.http-api.token: "
						+ "gRPC callers present it as 'authorization: Bearer <token>', as HTTP API callers do");
			}
			return new GrpcServer(grpc.getAddress(), grpc.getPort(), new GrpcOperations(push, presence, bans),
					subscriptions, fanOut::saturated, token, (int) properties.getLimits().getMaxPayloadSize().toBytes(),
					properties.getShutdown().getTimeout());
		}

	}

	/**
	 * Turns a silently ignored property into a startup failure that says what is missing.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnMissingClass("io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder")
	@ConditionalOnBooleanProperty("push.gateway.grpc.enabled")
	static class MissingGrpcConfiguration {

		@Bean
		Object pushGatewayMissingGrpc() {
			throw new IllegalStateException("push.gateway.grpc.enabled=true needs io.grpc:grpc-netty-shaded, "
					+ "io.grpc:grpc-protobuf and io.grpc:grpc-stub on the classpath");
		}

	}

}
