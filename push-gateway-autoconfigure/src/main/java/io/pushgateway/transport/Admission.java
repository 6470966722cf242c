package io.pushgateway.transport;

import java.net.InetSocketAddress;
import java.net.URI;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

import io.micrometer.common.KeyValues;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.pushgateway.codec.FrameCodec;
import io.pushgateway.hub.RecoveryCoordinator;
import io.pushgateway.metrics.GatewayMetrics;
import io.pushgateway.observation.PushObservations;
import io.pushgateway.spi.GuidAuthorizer;
import io.pushgateway.spi.HandshakeRejectedException;
import io.pushgateway.spi.HandshakeRequest;
import io.pushgateway.spi.PushAuthenticator;
import io.pushgateway.spi.PushPrincipal;
import io.pushgateway.spi.PushStore;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

import org.springframework.web.cors.CorsConfiguration;

/**
 * What every transport checks before a client becomes a connection: the origin, the
 * subprotocol, the credentials and the GUIDs asked for at connect time. WebSocket and
 * long-polling share it, so a client is admitted on the same terms whichever it uses.
 *
 * @author Push Gateway team
 */
public final class Admission {

	private final List<FrameCodec> codecs;

	private final List<String> allowedOrigins;

	private final CorsConfiguration origins = new CorsConfiguration();

	private final int maxGuidsPerConnection;

	private final PushAuthenticator authenticator;

	private final GuidAuthorizer guidAuthorizer;

	private final GatewayMetrics metrics;

	private final IpLimits ipLimits;

	private final PushObservations observations;

	/**
	 * Create the admission of every transport.
	 * @param codecs the protocols, in order of preference
	 * @param allowedOrigins origin patterns besides the gateway's own
	 * @param maxGuidsPerConnection the most GUIDs a connection may ask for
	 * @param authenticator authenticates handshakes
	 * @param guidAuthorizer decides requested GUIDs
	 * @param metrics the meters
	 * @param ipLimits the per-address limits
	 * @param observations observes each authentication and GUID decision
	 */
	public Admission(List<FrameCodec> codecs, List<String> allowedOrigins, int maxGuidsPerConnection,
			PushAuthenticator authenticator, GuidAuthorizer guidAuthorizer, GatewayMetrics metrics, IpLimits ipLimits,
			PushObservations observations) {
		this.observations = observations;
		this.ipLimits = ipLimits;
		this.codecs = List.copyOf(codecs);
		this.allowedOrigins = List.copyOf(allowedOrigins);
		this.maxGuidsPerConnection = maxGuidsPerConnection;
		this.authenticator = authenticator;
		this.guidAuthorizer = guidAuthorizer;
		this.metrics = metrics;
		if (!allowedOrigins.isEmpty()) {
			this.origins.setAllowedOriginPatterns(this.allowedOrigins);
		}
	}

	/**
	 * The per-address limits; transports report openings and closings to them.
	 * @return the limits
	 */
	public IpLimits ipLimits() {
		return this.ipLimits;
	}

	/**
	 * Apply the per-address limits to a client's address.
	 * @param remote the client's address, or {@code null} when unknown
	 * @param response the response, for a refusal
	 * @return a {@code 429} refusal, or {@code null} when the request may proceed
	 */
	public @Nullable Mono<Void> limit(@Nullable InetSocketAddress remote, HttpServerResponse response) {
		IpLimits.Refusal refusal = limited(remote);
		return (refusal != null) ? reject(response, 429, "rate_limited", refusal.reason()) : null;
	}

	/**
	 * Apply the per-address limits to a client's address, counting a refusal.
	 * @param remote the client's address, or {@code null} when unknown
	 * @return the refusal (answered with {@code 429}), or {@code null} when the request
	 * may proceed
	 */
	public IpLimits.@Nullable Refusal limited(@Nullable InetSocketAddress remote) {
		IpLimits.Refusal refusal = this.ipLimits.check((remote != null) ? remote.getAddress() : null);
		if (refusal != null) {
			this.metrics.limited(refusal.limit());
		}
		return refusal;
	}

	/**
	 * The codecs in order of preference.
	 * @return the codecs
	 */
	public List<FrameCodec> codecs() {
		return this.codecs;
	}

	/**
	 * Pick the first codec the client offers.
	 * @param offered a comma-separated list of subprotocols, or {@code null} for the
	 * default
	 * @return the codec's index, or {@code -1} when none is supported
	 */
	public int negotiate(@Nullable String offered) {
		if (offered == null || offered.isBlank()) {
			return 0;
		}
		for (String candidate : offered.split(",")) {
			String name = candidate.trim();
			for (int i = 0; i < this.codecs.size(); i++) {
				if (this.codecs.get(i).subprotocol().equals(name)) {
					return i;
				}
			}
		}
		return -1;
	}

	/**
	 * The subprotocol names, for error messages.
	 * @return the names
	 */
	public List<String> subprotocols() {
		return this.codecs.stream().map(FrameCodec::subprotocol).toList();
	}

	/**
	 * Whether the request's origin may connect: requests without an origin (not
	 * browsers), the same origin, or an allowed pattern.
	 * @param request the request
	 * @return {@code true} if allowed
	 */
	public boolean originAllowed(HttpServerRequest request) {
		return originAllowed(request.requestHeaders());
	}

	/**
	 * Whether a request with these headers may connect: requests without an origin (not
	 * browsers), the same origin, or an allowed pattern.
	 * @param headers the request's headers
	 * @return {@code true} if allowed
	 */
	public boolean originAllowed(HttpHeaders headers) {
		String origin = headers.get(HttpHeaderNames.ORIGIN);
		if (origin == null) {
			// not a browser: an origin check protects browsers only
			return true;
		}
		if (sameOrigin(origin, headers.get(HttpHeaderNames.HOST))) {
			return true;
		}
		return crossOriginAllowed(origin);
	}

	/**
	 * Whether a foreign origin matches the allowed patterns.
	 * @param origin the origin
	 * @return {@code true} if allowed
	 */
	public boolean crossOriginAllowed(String origin) {
		return !this.allowedOrigins.isEmpty() && this.origins.checkOrigin(origin) != null;
	}

	/**
	 * Give a request from an allowed foreign origin the CORS headers of its answer
	 * (nothing for the same origin or requests without one).
	 * @param request the request
	 * @param response its response
	 * @param exposedHeaders response headers a browser script may read, or {@code null}
	 */
	public void allowCrossOrigin(HttpServerRequest request, HttpServerResponse response,
			@Nullable String exposedHeaders) {
		String origin = request.requestHeaders().get(HttpHeaderNames.ORIGIN);
		if (origin != null && crossOriginAllowed(origin)) {
			response.header(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, origin)
				.header(HttpHeaderNames.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true")
				.header(HttpHeaderNames.VARY, HttpHeaderNames.ORIGIN);
			if (exposedHeaders != null) {
				response.header(HttpHeaderNames.ACCESS_CONTROL_EXPOSE_HEADERS, exposedHeaders);
			}
		}
	}

	/**
	 * The cross-origin part of an HTTP transport's request: a browser request from a
	 * foreign origin that is not allowed is refused, an allowed one gets the CORS headers
	 * of its answer, and a preflight ({@code OPTIONS}) is answered.
	 * @param request the request
	 * @param response its response
	 * @param exposedHeaders response headers a browser script may read, or {@code null}
	 * @param allowedHeaders the request headers a script may send
	 * @param refusal the transport's answer to a foreign origin that is not allowed
	 * @return the answer when the request ends here (refused, or a preflight), or
	 * {@code null} when the transport goes on with it
	 */
	public @Nullable Publisher<Void> crossOrigin(HttpServerRequest request, HttpServerResponse response,
			@Nullable String exposedHeaders, String allowedHeaders, Supplier<? extends Publisher<Void>> refusal) {
		if (request.requestHeaders().contains(HttpHeaderNames.ORIGIN) && !originAllowed(request)) {
			return refusal.get();
		}
		allowCrossOrigin(request, response, exposedHeaders);
		if (request.method() == HttpMethod.OPTIONS) {
			return preflight(response, allowedHeaders);
		}
		return null;
	}

	/**
	 * Answer a CORS preflight of the HTTP transports ({@code GET} and {@code POST}).
	 * @param response the response
	 * @param allowedHeaders the request headers a script may send
	 * @return completes when answered
	 */
	public Mono<Void> preflight(HttpServerResponse response, String allowedHeaders) {
		return response.status(204)
			.header(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, "GET, POST")
			.header(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, allowedHeaders)
			.header(HttpHeaderNames.ACCESS_CONTROL_MAX_AGE, "600")
			.send();
	}

	/**
	 * Authenticate a request and authorize the GUIDs it asks for.
	 * @param request the request
	 * @return the admitted principal and GUIDs, or an error with a
	 * {@link HandshakeRejectedException}
	 */
	public Mono<Admitted> admit(HandshakeRequest request) {
		return this.observations.observe(PushObservations.HANDSHAKE, "handshake", KeyValues.empty(),
				() -> admitObserved(request));
	}

	private Mono<Admitted> admitObserved(HandshakeRequest request) {
		return Mono.deferContextual((context) -> {
			// behind Spring Security: the principal it authenticated, if any, and its
			// session
			ExchangeIdentity identity = ExchangeIdentity.from(context);
			if (identity == null) {
				return this.authenticator.authenticate(request);
			}
			return identity.principalSession().flatMap((session) -> {
				HandshakeRequest identified = identity.apply(request, session.orElse(null));
				return this.authenticator.authenticate(identified)
					.map((principal) -> underSession(principal, identified.sessionId()));
			});
		})
			.switchIfEmpty(Mono.error(() -> HandshakeRejectedException.unauthorized("missing or invalid credentials")))
			.flatMap((principal) -> authorizeGuids(principal, request.queryParams("guid")));
	}

	/*
	 * A connection opened with a session's principal (form login, OAuth2 login) has the
	 * session as its credential: its ID is what a logout, or the session's end, closes.
	 */
	private static PushPrincipal underSession(PushPrincipal principal, @Nullable String sessionId) {
		if (sessionId == null || principal.tokenId() != null) {
			return principal;
		}
		return new PushPrincipal(principal.uid(), principal.guids(), principal.expiresAt(), sessionId,
				principal.issuedAt());
	}

	private Mono<Admitted> authorizeGuids(PushPrincipal principal, List<String> requested) {
		Set<String> guids = new LinkedHashSet<>(principal.guids());
		List<String> extra = requested.isEmpty() ? List.of()
				: requested.stream().filter((guid) -> !guids.contains(guid)).distinct().toList();
		if (guids.size() + extra.size() > this.maxGuidsPerConnection) {
			return Mono.error(HandshakeRejectedException.forbidden("too many GUIDs"));
		}
		if (extra.isEmpty()) { // the common case: nothing to ask the authorizer
			return Mono.just(new Admitted(principal, guids));
		}
		return Flux.fromIterable(extra)
			.concatMap((guid) -> this.guidAuthorizer.canJoin(principal, guid)
				.defaultIfEmpty(false)
				.flatMap((allowed) -> allowed ? Mono.just(guid)
						: Mono.error(HandshakeRejectedException.forbidden("not allowed to join '" + guid + "'"))))
			.doOnNext(guids::add)
			.then(Mono.fromSupplier(() -> new Admitted(principal, guids)));
	}

	/**
	 * Answer a rejected request with a status and a plain-text reason, and count the
	 * outcome.
	 * @param response the response
	 * @param status the HTTP status
	 * @param outcome the handshake outcome for metrics
	 * @param reason the reason
	 * @return completes when the response is sent
	 */
	public Mono<Void> reject(HttpServerResponse response, int status, String outcome, String reason) {
		this.metrics.handshake(outcome);
		return response.status(status)
			.header(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
			.sendString(Mono.just(reason + "\n"))
			.then();
	}

	/**
	 * Reject with the status a {@link HandshakeRejectedException} carries.
	 * @param response the response
	 * @param ex the exception
	 * @return completes when the response is sent
	 */
	public Mono<Void> reject(HttpServerResponse response, HandshakeRejectedException ex) {
		return reject(response, ex.getStatus(), outcome(ex), String.valueOf(ex.getMessage()));
	}

	/**
	 * Count a handshake rejected by authentication or authorization, answered by the
	 * caller with the status the exception carries.
	 * @param ex the exception
	 */
	public void rejected(HandshakeRejectedException ex) {
		this.metrics.handshake(outcome(ex));
	}

	private static String outcome(HandshakeRejectedException ex) {
		return (ex.getStatus() == 403) ? "forbidden" : "unauthorized";
	}

	private static boolean sameOrigin(String origin, @Nullable String host) {
		if (host == null) {
			return false;
		}
		try {
			URI uri = URI.create(origin);
			String authority = uri.getRawAuthority();
			return authority != null && authority.equalsIgnoreCase(host);
		}
		catch (IllegalArgumentException ex) {
			return false;
		}
	}

	/**
	 * A client that passed admission.
	 *
	 * @param principal who it is
	 * @param guids the GUIDs it is attached to from the start
	 * @param userStream where its user's recovery stream stood before the connection
	 * became reachable, for a connection without a position; {@code null} otherwise
	 */
	public record Admitted(PushPrincipal principal, Set<String> guids, PushStore.@Nullable Recovery userStream) {

		public Admitted(PushPrincipal principal, Set<String> guids) {
			this(principal, guids, null);
		}

		/**
		 * Read where the user's stream stands before the connection becomes reachable and
		 * is welcomed, when it has no position to resume from: then every recoverable
		 * push appended after the client got its welcome is after its start, whichever
		 * node issued it and however late the read would otherwise reach the store.
		 * @param recovery the node's recovery, or {@code null} without recovery
		 * @param since the client's position, or {@code null}
		 * @return this admission, with the read when one was made
		 */
		public Mono<Admitted> readingUserStream(@Nullable RecoveryCoordinator recovery, @Nullable String since) {
			if (recovery == null || since != null) {
				return Mono.just(this);
			}
			return recovery.top("user:" + this.principal.uid())
				.map((read) -> new Admitted(this.principal, this.guids, read));
		}

	}

}
