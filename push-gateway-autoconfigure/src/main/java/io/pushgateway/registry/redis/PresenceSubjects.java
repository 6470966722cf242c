package io.pushgateway.registry.redis;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.pushgateway.core.PresenceEvent;
import io.pushgateway.core.PresenceEvent.Type;

/**
 * Reads the presence transitions the registry's scripts return ({@code presence.lua}):
 * the Redis time in milliseconds, then one entry per transition, {@code +} (gained) or
 * {@code -} (lost) followed by the subject: {@code u:uid}, {@code g:guid} or
 * {@code m:<length of guid>:<guid><uid>}.
 *
 * @author Push Gateway team
 */
final class PresenceSubjects {

	private PresenceSubjects() {
	}

	static List<PresenceEvent> events(List<?> reply) {
		Instant at = Instant.ofEpochMilli(((Number) reply.get(0)).longValue());
		List<PresenceEvent> events = new ArrayList<>(reply.size() - 1);
		for (int i = 1; i < reply.size(); i++) {
			events.add(event(text(reply.get(i)), at));
		}
		return events;
	}

	static PresenceEvent event(String entry, Instant at) {
		boolean gained = entry.charAt(0) == '+';
		char kind = entry.charAt(1);
		String subject = entry.substring(3);
		if (kind == 'u') {
			return new PresenceEvent(gained ? Type.ONLINE : Type.OFFLINE, subject, null, at);
		}
		if (kind == 'g') {
			return new PresenceEvent(gained ? Type.OCCUPIED : Type.VACATED, null, subject, at);
		}
		// the length Lua wrote is in bytes
		int colon = subject.indexOf(':');
		int length = Integer.parseInt(subject.substring(0, colon));
		byte[] rest = subject.substring(colon + 1).getBytes(StandardCharsets.UTF_8);
		String guid = new String(rest, 0, length, StandardCharsets.UTF_8);
		String uid = new String(rest, length, rest.length - length, StandardCharsets.UTF_8);
		return new PresenceEvent(gained ? Type.JOINED : Type.LEFT, uid, guid, at);
	}

	private static String text(Object value) {
		return (value instanceof byte[] bytes) ? new String(bytes, StandardCharsets.UTF_8) : String.valueOf(value);
	}

}
