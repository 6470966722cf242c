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
			events.add(event(RedisScripts.text(reply.get(i)), at));
		}
		return events;
	}

	static PresenceEvent event(String entry, Instant at) {
		boolean gained = entry.charAt(0) == '+';
		Subject subject = parse(entry.substring(1));
		return switch (subject.kind()) {
			case 'u' -> new PresenceEvent(gained ? Type.ONLINE : Type.OFFLINE, subject.uid(), null, at);
			case 'g' -> new PresenceEvent(gained ? Type.OCCUPIED : Type.VACATED, null, subject.guid(), at);
			default -> new PresenceEvent(gained ? Type.JOINED : Type.LEFT, subject.uid(), subject.guid(), at);
		};
	}

	/**
	 * Read a subject: {@code u:uid}, {@code g:guid} or
	 * {@code m:<length of guid>:<guid><uid>}.
	 * @param subject the subject
	 * @return its kind, uid and GUID (empty where the kind has none)
	 */
	static Subject parse(String subject) {
		char kind = subject.charAt(0);
		String rest = subject.substring(2);
		if (kind == 'u') {
			return new Subject(kind, rest, "");
		}
		if (kind == 'g') {
			return new Subject(kind, "", rest);
		}
		// the length Lua wrote is in bytes
		int colon = rest.indexOf(':');
		int length = Integer.parseInt(rest.substring(0, colon));
		byte[] bytes = rest.substring(colon + 1).getBytes(StandardCharsets.UTF_8);
		String guid = new String(bytes, 0, length, StandardCharsets.UTF_8);
		String uid = new String(bytes, length, bytes.length - length, StandardCharsets.UTF_8);
		return new Subject('m', uid, guid);
	}

	/**
	 * A presence subject.
	 *
	 * @param kind {@code u} (a user), {@code g} (a GUID) or {@code m} (a user on a GUID)
	 * @param uid the user, or empty
	 * @param guid the GUID, or empty
	 */
	record Subject(char kind, String uid, String guid) {
	}

}
