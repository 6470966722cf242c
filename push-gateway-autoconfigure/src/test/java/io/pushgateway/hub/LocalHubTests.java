package io.pushgateway.hub;

import java.util.ArrayList;
import java.util.List;

import io.pushgateway.core.PushTarget;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LocalHubTests {

	private final LocalHub hub = new LocalHub(3);

	private List<Long> reached(PushTarget target) {
		List<Long> ids = new ArrayList<>();
		this.hub.forEach(target, (connection) -> ids.add(connection.socketId()));
		return ids;
	}

	@Test
	void indexesConnectionsByUserGuidAndSocket() {
		this.hub.register(new FakeConnection(1, "alice", "doc"));
		this.hub.register(new FakeConnection(2, "alice"));
		this.hub.register(new FakeConnection(3, "bob", "doc"));

		assertThat(reached(PushTarget.user("alice"))).containsExactly(1L, 2L);
		assertThat(reached(PushTarget.users(List.of("alice", "bob", "alice")))).containsExactlyInAnyOrder(1L, 2L, 3L);
		assertThat(reached(PushTarget.guid("doc"))).containsExactlyInAnyOrder(1L, 3L);
		assertThat(reached(PushTarget.socket(2))).containsExactly(2L);
		assertThat(reached(PushTarget.all())).containsExactlyInAnyOrder(1L, 2L, 3L);
		assertThat(this.hub.connectionCount()).isEqualTo(3);
		assertThat(this.hub.userCount()).isEqualTo(2);
	}

	@Test
	void unregisterRemovesEveryIndexEntry() {
		FakeConnection connection = new FakeConnection(1, "alice", "doc");
		this.hub.register(connection);
		this.hub.unregister(connection);
		this.hub.unregister(connection);

		assertThat(reached(PushTarget.all())).isEmpty();
		assertThat(this.hub.guidSize("doc")).isZero();
		assertThat(this.hub.userCount()).isZero();
	}

	@Test
	void registeringBeyondTheUserLimitEvictsTheOldest() {
		for (long id = 1; id <= 3; id++) {
			assertThat(this.hub.register(new FakeConnection(id, "alice", "doc"))).isEmpty();
		}
		List<PushConnection> evicted = this.hub.register(new FakeConnection(4, "alice", "doc"));

		assertThat(evicted).extracting(PushConnection::socketId).containsExactly(1L);
		assertThat(reached(PushTarget.user("alice"))).containsExactly(2L, 3L, 4L);
		assertThat(reached(PushTarget.guid("doc"))).containsExactlyInAnyOrder(2L, 3L, 4L);
		assertThat(this.hub.connection(1)).isNull();
	}

	@Test
	void joinAndLeaveUpdateGuidMembership() {
		FakeConnection connection = new FakeConnection(1, "alice");
		this.hub.register(connection);

		assertThat(this.hub.join(connection, "doc")).isTrue();
		assertThat(this.hub.join(connection, "doc")).isFalse();
		assertThat(connection.guids()).containsExactly("doc");
		assertThat(reached(PushTarget.guid("doc"))).containsExactly(1L);
		assertThat(this.hub.leave(connection, "doc")).isTrue();
		assertThat(this.hub.leave(connection, "doc")).isFalse();
		assertThat(this.hub.guidSize("doc")).isZero();
	}

	@Test
	void joinAfterUnregisterLeavesNoGhost() {
		FakeConnection connection = new FakeConnection(1, "alice");
		this.hub.register(connection);
		this.hub.unregister(connection);
		this.hub.join(connection, "doc");
		assertThat(this.hub.guidSize("doc")).isZero();
	}

}
