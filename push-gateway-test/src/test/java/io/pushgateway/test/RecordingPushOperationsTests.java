package io.pushgateway.test;

import java.time.Duration;
import java.util.Map;

import io.pushgateway.core.PushOperations;
import io.pushgateway.core.PushResult;
import io.pushgateway.core.PushTarget;
import io.pushgateway.test.RecordingPushOperations.RecordedPush;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A unit test of application code that pushes, as {@code docs/testing.md} shows it.
 *
 * @author Push Gateway team
 */
class RecordingPushOperationsTests {

	@Test
	void codeThatPushesIsTestedWithoutAGateway() {
		RecordingPushOperations push = new RecordingPushOperations();

		new Notifications(push).orderShipped("alice", "o-1").block();

		assertThat(push.pushes()).containsExactly(
				new RecordedPush(PushTarget.user("alice"), "order.shipped", Map.of("order", "o-1"), false, false));
	}

	@Test
	void recoverableAcknowledgedAndRepliesAreRecordedApart() {
		RecordingPushOperations push = new RecordingPushOperations();

		push.pushRecoverable(PushTarget.guid("doc-1"), "edit", "x").block();
		assertThat(push.pushWithAck(PushTarget.user("bob"), "invoice", "please", Duration.ofSeconds(1))
			.block()
			.acknowledged()).isEmpty();
		push.reply(42, "c-1", Map.of("ok", true)).block();

		assertThat(push.pushes("edit")).singleElement().extracting(RecordedPush::recoverable).isEqualTo(true);
		assertThat(push.pushes("invoice")).singleElement().extracting(RecordedPush::ack).isEqualTo(true);
		assertThat(push.replies()).singleElement()
			.isEqualTo(new RecordingPushOperations.RecordedReply(42, "c-1", Map.of("ok", true)));
		push.clear();
		assertThat(push.pushes()).isEmpty();
	}

	/** Application code under test. */
	static class Notifications {

		private final PushOperations push;

		Notifications(PushOperations push) {
			this.push = push;
		}

		Mono<PushResult> orderShipped(String customer, String orderId) {
			return this.push.pushToUser(customer, "order.shipped", Map.of("order", orderId));
		}

	}

}
