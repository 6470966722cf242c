package io.pushgateway.http;

import java.util.List;

import io.netty.handler.codec.http.QueryStringDecoder;
import io.pushgateway.core.PushTarget;
import io.pushgateway.transport.RequestTargets;
import org.jspecify.annotations.Nullable;

/**
 * The targets the API's paths name: {@code broadcast}, {@code users?uid=a&uid=b},
 * {@code users/{uid}}, {@code guids/{guid}}, {@code sockets/{id}}, their segments
 * percent-decoded one by one (an encoded {@code /} stays inside its segment).
 *
 * @author Push Gateway team
 */
final class ApiTargets {

	private ApiTargets() {
	}

	/* The target a path names, or {@code null} if it names none. */
	static @Nullable PushTarget target(String[] path, QueryStringDecoder query) {
		String kind = path[0];
		if (path.length == 1 && "broadcast".equals(kind)) {
			return PushTarget.all();
		}
		if (path.length == 1 && "users".equals(kind)) {
			List<String> uids = query.parameters().getOrDefault("uid", List.of());
			if (uids.isEmpty()) {
				throw new IllegalArgumentException("at least one 'uid' query parameter is required");
			}
			return PushTarget.users(uids);
		}
		if (path.length != 2 || path[1].isEmpty()) {
			return null;
		}
		String value = decode(path[1]);
		return switch (kind) {
			case "users" -> PushTarget.user(value);
			case "guids" -> PushTarget.guid(value);
			case "sockets" -> {
				try {
					yield PushTarget.socket(Long.parseLong(value));
				}
				catch (NumberFormatException ex) {
					throw new IllegalArgumentException("socket ID must be a decimal 64-bit number");
				}
			}
			default -> null;
		};
	}

	static String decode(String segment) {
		try {
			return QueryStringDecoder.decodeComponent(segment.replace("+", "%2B"));
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException(RequestTargets.MALFORMED_QUERY);
		}
	}

}
