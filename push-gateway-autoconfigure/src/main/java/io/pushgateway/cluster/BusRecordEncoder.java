package io.pushgateway.cluster;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.pushgateway.core.Push;
import io.pushgateway.core.PushTarget;
import io.pushgateway.spi.ClusterMessage;
import org.jspecify.annotations.Nullable;

/**
 * Maps a {@link ClusterMessage} to the {@link BusRecord} a node publishes: the routing in
 * headers, in the order the record contract documents, and a key that keeps one target's
 * records in order.
 *
 * @author Push Gateway team
 */
public final class BusRecordEncoder {

	private BusRecordEncoder() {
	}

	/**
	 * Map a message to a record, marked as published by one node process.
	 * @param message the message
	 * @param node the publishing node
	 * @param instance the publishing bus's token ({@link BusRecord#INSTANCE}), or
	 * {@code null}
	 * @return the record
	 */
	public static BusRecord encode(ClusterMessage message, String node, @Nullable String instance) {
		List<BusRecord.Header> headers = new ArrayList<>(9);
		if (instance != null) {
			add(headers, BusRecord.INSTANCE, instance);
		}
		if (message instanceof ClusterMessage.Relay relay) {
			add(headers, BusRecord.NODE, node);
			add(headers, BusRecord.TYPE, "relay");
			add(headers, BusRecord.TO, relay.node());
			add(headers, BusRecord.CHANNEL, relay.channel());
			return new BusRecord(relay.key(), headers, relay.body());
		}
		if (message instanceof ClusterMessage.Disconnect disconnect) {
			add(headers, BusRecord.NODE, node);
			add(headers, BusRecord.TYPE, "disconnect");
			add(headers, BusRecord.CLOSE_CODE, Integer.toString(disconnect.code()));
			String tokenId = disconnect.tokenId();
			if (tokenId != null) {
				add(headers, BusRecord.TOKEN_ID, tokenId);
			}
			Instant issuedBefore = disconnect.issuedBefore();
			if (issuedBefore != null) {
				add(headers, BusRecord.ISSUED_BEFORE, Long.toString(issuedBefore.toEpochMilli()));
			}
			String key = target(headers, disconnect.target());
			return new BusRecord(key, headers, disconnect.reason().getBytes(StandardCharsets.UTF_8));
		}
		if (message instanceof ClusterMessage.Acked acked) {
			add(headers, BusRecord.NODE, node);
			add(headers, BusRecord.TYPE, "ack");
			add(headers, BusRecord.ID, Long.toString(acked.messageId()));
			add(headers, BusRecord.SOCKET_ID, Long.toString(acked.socketId()));
			return new BusRecord("ack:" + acked.messageId(), headers, new byte[0]);
		}
		if (message instanceof ClusterMessage.Reply reply) {
			add(headers, BusRecord.NODE, node);
			add(headers, BusRecord.TYPE, "reply");
			add(headers, BusRecord.SOCKET_ID, Long.toString(reply.socketId()));
			add(headers, BusRecord.REPLY_TO, reply.messageId());
			add(headers, BusRecord.FORMAT, reply.payload().format().name().toLowerCase(Locale.ROOT));
			return new BusRecord("socket:" + reply.socketId(), headers, reply.payload().bytes());
		}
		return deliver((ClusterMessage.Deliver) message, node, headers);
	}

	private static BusRecord deliver(ClusterMessage.Deliver deliver, String node, List<BusRecord.Header> headers) {
		Push push = deliver.push();
		add(headers, BusRecord.ID, Long.toString(push.messageId()));
		deliver.headers().forEach((name, value) -> add(headers, name, value));
		add(headers, BusRecord.NODE, node);
		add(headers, BusRecord.EVENT, push.event());
		add(headers, BusRecord.FORMAT, push.payload().format().name().toLowerCase(Locale.ROOT));
		if (push.ack()) {
			add(headers, BusRecord.ACK, "1");
		}
		if (push.position() != null) {
			add(headers, BusRecord.POSITION, push.position());
		}
		String key = target(headers, push.target());
		return new BusRecord(key, headers, push.payload().bytes());
	}

	/*
	 * The target's headers; returns the record key, which keeps a target's records in
	 * order.
	 */
	private static String target(List<BusRecord.Header> headers, PushTarget target) {
		if (target instanceof PushTarget.User user) {
			add(headers, BusRecord.TARGET, "user");
			add(headers, BusRecord.UID, user.uid());
			return "user:" + user.uid();
		}
		if (target instanceof PushTarget.Users users) {
			add(headers, BusRecord.TARGET, "users");
			users.uids().forEach((uid) -> add(headers, BusRecord.UID, uid));
			return "users:" + users.uids().hashCode();
		}
		if (target instanceof PushTarget.Guid guid) {
			add(headers, BusRecord.TARGET, "guid");
			add(headers, BusRecord.GUID, guid.guid());
			return "guid:" + guid.guid();
		}
		if (target instanceof PushTarget.Socket socket) {
			add(headers, BusRecord.TARGET, "socket");
			add(headers, BusRecord.SOCKET_ID, Long.toString(socket.socketId()));
			return "socket:" + socket.socketId();
		}
		add(headers, BusRecord.TARGET, "all");
		return "all";
	}

	private static void add(List<BusRecord.Header> headers, String name, String value) {
		headers.add(new BusRecord.Header(name, value.getBytes(StandardCharsets.UTF_8)));
	}

}
