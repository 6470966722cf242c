package io.pushgateway.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.pushgateway.transport.ExchangeIdentity;
import io.pushgateway.transport.GatewayRoutes;
import io.pushgateway.transport.RequestTargets;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.server.HttpServerRoutes;

import org.springframework.web.util.HtmlUtils;

/**
 * The operator console ({@code push.gateway.console.enabled}): a page, its script and the
 * project's JavaScript client, read from the jar once and served from memory under
 * {@code push.gateway.console.path}. The page does everything through the HTTP API.
 * Behind Spring Security a request needs a principal with the console's role ({@code 401}
 * without a principal, {@code 403} without the role); without it the page is public (it
 * holds no data) and asks the operator for the API token.
 *
 * @author Push Gateway team
 */
public final class ConsoleRoutes implements GatewayRoutes {

	private static final String RESOURCES = "/io/pushgateway/console/";

	/** The JavaScript client's modules, copied into the jar at build time. */
	private static final List<String> CLIENT = List.of("admin.js", "client.js", "msgpack.js", "polling.js", "sse.js");

	// the page loads its own scripts and styles only, and may not be framed
	private static final String POLICY = "default-src 'self'; style-src 'self' 'unsafe-inline'; "
			+ "frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

	private final String path;

	private final Map<String, byte[]> files = new LinkedHashMap<>();

	private final @Nullable Predicate<Principal> authorized;

	/**
	 * Create the console's routes.
	 * @param path the page's path, such as {@code /push-console}
	 * @param apiPath the HTTP API's path, which the page calls
	 * @param authorized who may see it when Spring Security is in front (a principal with
	 * the role), or {@code null} without Spring Security
	 */
	public ConsoleRoutes(String path, String apiPath, @Nullable Predicate<Principal> authorized) {
		this.path = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
		this.authorized = authorized;
		String api = apiPath.endsWith("/") ? apiPath.substring(0, apiPath.length() - 1) : apiPath;
		String page = new String(read("index.html"), StandardCharsets.UTF_8).replace(
				"<meta name=\"push-api-path\" content=\"/push-api\">",
				"<meta name=\"push-api-path\" content=\"" + HtmlUtils.htmlEscape(api) + "\">");
		this.files.put("", page.getBytes(StandardCharsets.UTF_8));
		this.files.put("console.js", read("console.js"));
		for (String module : CLIENT) {
			this.files.put("js/" + module, read("js/" + module));
		}
	}

	private static byte[] read(String name) {
		try (InputStream in = ConsoleRoutes.class.getResourceAsStream(RESOURCES + name)) {
			if (in == null) {
				throw new IllegalStateException("The console's " + name + " is missing from the jar");
			}
			return in.readAllBytes();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@Override
	public HttpServerRoutes apply(HttpServerRoutes routes) {
		return routes.route((request) -> {
			String raw = RequestTargets.rawPath(request.uri());
			return raw.equals(this.path) || raw.startsWith(this.path + "/");
		}, this::serve);
	}

	private Publisher<Void> serve(HttpServerRequest request, HttpServerResponse response) {
		return Mono.deferContextual((context) -> {
			if (this.authorized != null) {
				ExchangeIdentity identity = ExchangeIdentity.from(context);
				Principal principal = (identity != null) ? identity.principal() : null;
				if (principal == null) {
					return text(response, 401, "sign in to see the console");
				}
				if (!this.authorized.test(principal)) {
					return text(response, 403, "the console needs its role");
				}
			}
			if (request.method() != HttpMethod.GET && request.method() != HttpMethod.HEAD) {
				response.header(HttpHeaderNames.ALLOW, "GET, HEAD");
				return text(response, 405, "the console is read with GET");
			}
			String raw = RequestTargets.rawPath(request.uri());
			if (raw.equals(this.path)) {
				return response.status(302)
					.header(HttpHeaderNames.LOCATION, this.path + "/")
					.header(HttpHeaderNames.CONTENT_LENGTH, "0")
					.send()
					.then();
			}
			String name = raw.substring(this.path.length() + 1);
			byte[] file = this.files.get(name);
			if (file == null) {
				return text(response, 404, "no such file");
			}
			return response.status(200)
				.header(HttpHeaderNames.CONTENT_TYPE,
						name.isEmpty() ? "text/html; charset=utf-8" : "text/javascript; charset=utf-8")
				.header(HttpHeaderNames.CONTENT_LENGTH, Integer.toString(file.length))
				.header(HttpHeaderNames.CACHE_CONTROL, "no-store")
				.header("X-Content-Type-Options", "nosniff")
				.header("Referrer-Policy", "no-referrer")
				.header("Content-Security-Policy", POLICY)
				.sendByteArray(Mono.just(file))
				.then();
		});
	}

	private static Mono<Void> text(HttpServerResponse response, int status, String message) {
		byte[] bytes = (message + "\n").getBytes(StandardCharsets.UTF_8);
		return response.status(status)
			.header(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
			.header(HttpHeaderNames.CONTENT_LENGTH, Integer.toString(bytes.length))
			.sendByteArray(Mono.just(bytes))
			.then();
	}

}
