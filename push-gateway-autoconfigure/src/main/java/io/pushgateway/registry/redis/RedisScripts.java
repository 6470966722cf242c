package io.pushgateway.registry.redis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.springframework.core.io.ClassPathResource;
import org.springframework.data.redis.core.script.DigestUtils;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * The Lua scripts of this package, loaded from its resources, and the reading of their
 * replies, which the driver hands over as nested lists of numbers and bytes.
 *
 * @author Push Gateway team
 */
final class RedisScripts {

	private RedisScripts() {
	}

	/**
	 * Load a script once, so no file is read on a Reactor thread later; several parts are
	 * concatenated, which is how scripts share Lua functions.
	 * @param <T> the type of the script's reply
	 * @param type the type of the script's reply
	 * @param parts the files, next to this class, in order
	 * @return the script
	 */
	static <T> RedisScript<T> load(Class<T> type, String... parts) {
		StringBuilder script = new StringBuilder();
		for (String part : parts) {
			try {
				script
					.append(new ClassPathResource(part, RedisScripts.class).getContentAsString(StandardCharsets.UTF_8));
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}
		return new LoadedScript<>(script.toString(), DigestUtils.sha1DigestAsHex(script.toString()), type);
	}

	/**
	 * A script's array reply, whether the driver emitted it as one element or element by
	 * element.
	 * @param emitted what the driver emitted
	 * @return the reply's elements
	 */
	@SuppressWarnings("unchecked")
	static List<Object> reply(List<?> emitted) {
		if (emitted.size() == 1 && emitted.get(0) instanceof List<?> whole) {
			return (List<Object>) whole;
		}
		return (List<Object>) emitted;
	}

	/**
	 * A bulk string of a reply.
	 * @param value the element
	 * @return its text
	 */
	static String text(Object value) {
		return (value instanceof byte[] bytes) ? new String(bytes, StandardCharsets.UTF_8) : String.valueOf(value);
	}

	/**
	 * A number of a reply, sent as an integer or as a bulk string.
	 * @param value the element
	 * @return its value
	 */
	static long number(Object value) {
		return (value instanceof Number number) ? number.longValue() : Long.parseLong(text(value));
	}

	/**
	 * A script whose SHA-1 is computed once, when loaded. Spring Data's
	 * {@code DefaultRedisScript} computes it under a lock on every call, and Lettuce's
	 * event loops, which run these scripts, would park on that lock when two of them meet
	 * there (BlockHound reported it); an immutable value needs no lock.
	 *
	 * @param <T> the type of the script's reply
	 * @param getScriptAsString the script
	 * @param getSha1 its SHA-1, in hex
	 * @param getResultType the type of its reply
	 */
	record LoadedScript<T>(String getScriptAsString, String getSha1, Class<T> getResultType) implements RedisScript<T> {
	}

}
