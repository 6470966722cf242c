package io.pushgateway.transport;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.security.Principal;
import java.util.List;
import java.util.Optional;

import io.netty.util.NetUtil;
import io.pushgateway.spi.HandshakeRequest;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.util.context.ContextView;

/**
 * What WebFlux's filters established for a request to one of the gateway's endpoints: the
 * authenticated principal, and the remote address after forwarded headers. Carried in the
 * Reactor context of the request's handling, from {@link GatewayWebHandler} to admission
 * and the HTTP push API.
 *
 * @param principal the authenticated principal, or {@code null}
 * @param remoteAddress the client's address as WebFlux sees it, or {@code null}
 * @param session the ID of the request's web session when it exists, looked up only when
 * subscribed (a handshake asks; a push or a poll does not)
 * @author Push Gateway team
 */
public record ExchangeIdentity(@Nullable Principal principal, @Nullable InetSocketAddress remoteAddress,
		Mono<String> session) {

	/**
	 * An identity without a web session.
	 * @param principal the authenticated principal, or {@code null}
	 * @param remoteAddress the client's address as WebFlux sees it, or {@code null}
	 */
	public ExchangeIdentity(@Nullable Principal principal, @Nullable InetSocketAddress remoteAddress) {
		this(principal, remoteAddress, Mono.empty());
	}

	/**
	 * The web session the principal came with: looked up now, and only when there is a
	 * principal.
	 * @return the session's ID, or empty
	 */
	public Mono<Optional<String>> principalSession() {
		if (this.principal == null) {
			return Mono.just(Optional.empty());
		}
		return this.session.map(Optional::of).defaultIfEmpty(Optional.empty());
	}

	/**
	 * The identity in a Reactor context.
	 * @param context the context
	 * @return the identity, or {@code null} when the request did not come through WebFlux
	 */
	public static @Nullable ExchangeIdentity from(ContextView context) {
		return context.getOrDefault(ExchangeIdentity.class, null);
	}

	/**
	 * The client's address for a request: the one WebFlux computed (forwarded headers
	 * applied) when the request came through its filters, else the connection's.
	 * @param context the Reactor context of the request's handling
	 * @param request the request as Reactor Netty received it
	 * @return the address, or {@code null} when unknown
	 */
	public static @Nullable InetSocketAddress clientAddress(ContextView context, HttpServerRequest request) {
		ExchangeIdentity identity = from(context);
		if (identity == null || identity.remoteAddress == null) {
			return request.remoteAddress();
		}
		return resolvedLiteral(identity.remoteAddress);
	}

	/*
	 * WebFlux's forwarded headers give an unresolved address; an IP literal becomes an
	 * address without a name lookup (which would block), anything else stays unresolved.
	 */
	private static InetSocketAddress resolvedLiteral(InetSocketAddress address) {
		if (!address.isUnresolved()) {
			return address;
		}
		byte[] ip = NetUtil.createByteArrayFromIpAddressString(address.getHostString());
		if (ip == null) {
			return address;
		}
		try {
			return new InetSocketAddress(InetAddress.getByAddress(ip), address.getPort());
		}
		catch (UnknownHostException ex) {
			return address;
		}
	}

	/**
	 * A handshake request that carries this identity.
	 * @param request the request as Reactor Netty received it
	 * @param sessionId the web session the principal came with, or {@code null}
	 * @return the request with this identity's principal, remote address and session
	 */
	HandshakeRequest apply(HandshakeRequest request, @Nullable String sessionId) {
		return new HandshakeRequest() {

			@Override
			public String path() {
				return request.path();
			}

			@Override
			public @Nullable String header(String name) {
				return request.header(name);
			}

			@Override
			public List<String> queryParams(String name) {
				return request.queryParams(name);
			}

			@Override
			public @Nullable InetSocketAddress remoteAddress() {
				InetSocketAddress address = ExchangeIdentity.this.remoteAddress;
				return (address != null) ? address : request.remoteAddress();
			}

			@Override
			public @Nullable Principal principal() {
				return ExchangeIdentity.this.principal;
			}

			@Override
			public @Nullable String sessionId() {
				return (ExchangeIdentity.this.principal != null) ? sessionId : null;
			}

		};
	}

}
