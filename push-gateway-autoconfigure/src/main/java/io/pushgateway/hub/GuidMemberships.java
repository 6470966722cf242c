package io.pushgateway.hub;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

import io.pushgateway.codec.ServerFrame;
import io.pushgateway.core.GuidOperations;
import io.pushgateway.core.PushRejectedException;
import io.pushgateway.core.PushTarget;
import io.pushgateway.spi.ClusterBus;
import io.pushgateway.spi.ClusterMessage;
import io.pushgateway.spi.SessionRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@link GuidOperations} across the cluster: applied to this node's connections at once,
 * and relayed (channel {@value #CHANNEL}) to the other nodes the registry says hold
 * connections of the target.
 *
 * @author Push Gateway team
 */
public final class GuidMemberships implements GuidOperations, RelayEndpoint {

	private static final Log logger = LogFactory.getLog(GuidMemberships.class);

	/** The relay channel. */
	static final String CHANNEL = "guids";

	/** The longest GUID, in characters, as for a {@code join} frame. */
	private static final int MAX_GUID_LENGTH = 256;

	private final LocalHub hub;

	private final SessionRegistry registry;

	private final ClusterBus bus;

	private final String nodeId;

	public GuidMemberships(LocalHub hub, SessionRegistry registry, ClusterBus bus, String nodeId) {
		this.hub = hub;
		this.registry = registry;
		this.bus = bus;
		this.nodeId = nodeId;
	}

	@Override
	public Mono<Void> attach(PushTarget target, String guid) {
		return apply(true, target, guid);
	}

	@Override
	public Mono<Void> detach(PushTarget target, String guid) {
		return apply(false, target, guid);
	}

	private Mono<Void> apply(boolean attach, PushTarget target, String guid) {
		String subject;
		if (target instanceof PushTarget.User user) {
			subject = "u" + user.uid();
		}
		else if (target instanceof PushTarget.Socket socket) {
			subject = "s" + socket.socketId();
		}
		else {
			return Mono.error(new PushRejectedException("connections are attached to a GUID by user or by socket"));
		}
		if (guid.isEmpty() || guid.length() > MAX_GUID_LENGTH || guid.indexOf('\n') >= 0) {
			return Mono.error(
					new PushRejectedException("a GUID has 1 to " + MAX_GUID_LENGTH + " characters and no line break"));
		}
		applyHere(attach, subject, guid);
		if (!this.bus.reachesOtherNodes()) {
			return Mono.empty();
		}
		byte[] body = ((attach ? "a" : "d") + "\n" + guid + "\n" + subject).getBytes(StandardCharsets.UTF_8);
		return this.registry.nodesOf(target)
			.defaultIfEmpty(Set.of())
			.flatMapMany(Flux::fromIterable)
			.filter((node) -> !node.equals(this.nodeId))
			.flatMap((node) -> this.bus.publish(new ClusterMessage.Relay(node, CHANNEL, "guid:" + guid, body),
					Set.of(node)))
			.then();
	}

	private void applyHere(boolean attach, String subject, String guid) {
		List<PushConnection> connections;
		if (subject.startsWith("u")) {
			connections = this.hub.connectionsOf(subject.substring(1));
		}
		else {
			PushConnection connection = this.hub.connection(Long.parseLong(subject.substring(1)));
			connections = (connection != null) ? List.of(connection) : List.of();
		}
		for (PushConnection connection : connections) {
			connection.eventLoop().execute(() -> {
				if (attach && this.hub.join(connection, guid)) {
					connection.send(new ServerFrame.Joined("", guid));
				}
				else if (!attach && this.hub.leave(connection, guid)) {
					connection.send(new ServerFrame.Left("", guid));
				}
			});
		}
	}

	@Override
	public String channel() {
		return CHANNEL;
	}

	@Override
	public void onRelay(ClusterMessage.Relay relay) {
		String[] parts = new String(relay.body(), StandardCharsets.UTF_8).split("\n", 3);
		if (parts.length != 3 || parts[2].length() < 2 || !(parts[0].equals("a") || parts[0].equals("d"))) {
			logger.warn("Dropped a GUID membership relay from node " + relay.origin() + ": malformed");
			return;
		}
		try {
			applyHere(parts[0].equals("a"), parts[2], parts[1]);
		}
		catch (NumberFormatException ex) {
			logger.warn("Dropped a GUID membership relay from node " + relay.origin() + ": malformed socket ID");
		}
	}

}
