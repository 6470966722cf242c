package io.pushgateway.core;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * A presence transition somewhere in the cluster: a user came online or went offline, a
 * GUID got its first connection or lost its last, a user joined or left a GUID. Each
 * transition is observed once cluster-wide; a loss is only reported once its grace period
 * has passed without a connection coming back.
 *
 * @param type what happened
 * @param uid the user, or {@code null} for {@link Type#OCCUPIED} and {@link Type#VACATED}
 * @param guid the GUID, or {@code null} for {@link Type#ONLINE} and {@link Type#OFFLINE}
 * @param at when the transition was decided, in the shared registry's time
 * @author Push Gateway team
 */
public record PresenceEvent(Type type, @Nullable String uid, @Nullable String guid, Instant at) {

	/**
	 * A user's first connection anywhere.
	 * @param uid the user
	 * @param at when
	 * @return the event
	 */
	public static PresenceEvent online(String uid, Instant at) {
		return new PresenceEvent(Type.ONLINE, uid, null, at);
	}

	/**
	 * A user's last connection gone, and the grace period over.
	 * @param uid the user
	 * @param at when
	 * @return the event
	 */
	public static PresenceEvent offline(String uid, Instant at) {
		return new PresenceEvent(Type.OFFLINE, uid, null, at);
	}

	/**
	 * What kind of transition an event reports.
	 */
	public enum Type {

		/** A user's first connection in the cluster. */
		ONLINE("presence.online"),

		/** A user's last connection gone, after the grace period. */
		OFFLINE("presence.offline"),

		/** A GUID's first connection. */
		OCCUPIED("presence.occupied"),

		/** A GUID's last connection gone, after the grace period. */
		VACATED("presence.vacated"),

		/** A user's first connection attached to a GUID. */
		JOINED("presence.join"),

		/** A user's last connection detached from a GUID, after the grace period. */
		LEFT("presence.leave");

		private final String event;

		Type(String event) {
			this.event = event;
		}

		/**
		 * The event name used on the upstream topic ({@code X-Event}) and in frames to a
		 * GUID's members.
		 * @return the event name, such as {@code presence.online}
		 */
		public String eventName() {
			return this.event;
		}

	}

}
