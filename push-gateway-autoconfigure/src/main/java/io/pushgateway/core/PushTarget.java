package io.pushgateway.core;

import java.util.List;

/**
 * Who a push is for: a user (all of the user's connections), several users, a GUID (every
 * connection attached to a resource), one socket, or every connection.
 *
 * @author Push Gateway team
 */
public sealed interface PushTarget {

	/**
	 * Every connection of one user.
	 * @param uid the user ID
	 * @return the target
	 */
	static PushTarget user(String uid) {
		return new User(uid);
	}

	/**
	 * Every connection of each of several users.
	 * @param uids the user IDs
	 * @return the target
	 */
	static PushTarget users(List<String> uids) {
		return new Users(List.copyOf(uids));
	}

	/**
	 * Every connection attached to a GUID.
	 * @param guid the GUID
	 * @return the target
	 */
	static PushTarget guid(String guid) {
		return new Guid(guid);
	}

	/**
	 * One connection.
	 * @param socketId the socket ID
	 * @return the target
	 */
	static PushTarget socket(long socketId) {
		return new Socket(socketId);
	}

	/**
	 * Every connection.
	 * @return the target
	 */
	static PushTarget all() {
		return All.INSTANCE;
	}

	private static void requireText(String value, String name) {
		if (value == null || value.isEmpty()) {
			throw new IllegalArgumentException(name + " must not be empty");
		}
	}

	/**
	 * Every connection of one user.
	 *
	 * @param uid the user ID
	 */
	record User(String uid) implements PushTarget {
		public User {
			requireText(uid, "uid");
		}
	}

	/**
	 * Every connection of several users.
	 *
	 * @param uids the user IDs
	 */
	record Users(List<String> uids) implements PushTarget {
		public Users {
			uids.forEach((uid) -> requireText(uid, "uid"));
		}
	}

	/**
	 * Every connection attached to a GUID.
	 *
	 * @param guid the GUID
	 */
	record Guid(String guid) implements PushTarget {
		public Guid {
			requireText(guid, "guid");
		}
	}

	/**
	 * One connection.
	 *
	 * @param socketId the socket ID
	 */
	record Socket(long socketId) implements PushTarget {
	}

	/**
	 * Every connection.
	 */
	enum All implements PushTarget {

		/** The only instance. */
		INSTANCE

	}

}
