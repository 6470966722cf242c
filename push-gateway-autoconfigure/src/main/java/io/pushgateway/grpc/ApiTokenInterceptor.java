package io.pushgateway.grpc;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

/**
 * The HTTP API's authentication for gRPC calls: metadata
 * {@code authorization: Bearer <push.gateway.http-api.token>}, compared in constant time.
 * A call without it, or with another token, is closed with {@code UNAUTHENTICATED} before
 * its handler runs.
 *
 * @author Push Gateway team
 */
final class ApiTokenInterceptor implements ServerInterceptor {

	static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization",
			Metadata.ASCII_STRING_MARSHALLER);

	private final byte[] token;

	ApiTokenInterceptor(String token) {
		this.token = token.getBytes(StandardCharsets.UTF_8);
	}

	@Override
	public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
			ServerCallHandler<Q, R> next) {
		String header = headers.get(AUTHORIZATION);
		if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)
				|| !MessageDigest.isEqual(this.token, header.substring(7).trim().getBytes(StandardCharsets.UTF_8))) {
			call.close(Status.UNAUTHENTICATED.withDescription("missing or invalid API token"), new Metadata());
			return new ServerCall.Listener<>() {
			};
		}
		return next.startCall(call, headers);
	}

}
