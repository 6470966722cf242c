package io.pushgateway.transport.polling;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link RelayedPolling}, the body of a long-polling relay.
 *
 * @author Push Gateway team
 */
class RelayedPollingTests {

	@Test
	void requestsAndAnswersSurviveTheirEncoding() {
		RelayedPolling send = new RelayedPolling.Request(42, "s3cret", RelayedPolling.Op.SEND, 0, 0,
				"{\"t\":\"ping\"}".getBytes(StandardCharsets.UTF_8));
		RelayedPolling poll = new RelayedPolling.Request(Long.MAX_VALUE, "ü", RelayedPolling.Op.POLL, 3, -47,
				new byte[0]);
		RelayedPolling close = new RelayedPolling.Request(1, "x", RelayedPolling.Op.CLOSE, 0, 0, new byte[0]);
		RelayedPolling answer = new RelayedPolling.Answer(-47, 200, 4, 4002, "outbound queue overflow",
				new byte[] { (byte) 0x91, 0, (byte) 0xff });

		for (RelayedPolling message : new RelayedPolling[] { send, poll, close, answer }) {
			assertThat(RelayedPolling.decode(message.encode())).isEqualTo(message);
		}
	}

	@Test
	void aBodyThatIsNotALongPollingMessageIsRefused() {
		byte[] answer = new RelayedPolling.Answer(1, 200, 1, 0, "", new byte[] { 1, 2, 3 }).encode();
		byte[] truncated = Arrays.copyOf(answer, answer.length - 2);

		assertThatIllegalArgumentException().isThrownBy(() -> RelayedPolling.decode(new byte[0]));
		assertThatIllegalArgumentException().isThrownBy(() -> RelayedPolling.decode(truncated));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> RelayedPolling.decode("{\"t\":\"ping\"}".getBytes(StandardCharsets.UTF_8)));
		assertThatIllegalArgumentException().isThrownBy(() -> RelayedPolling.decode(new byte[] { (byte) 0x92, 9, 0 }))
			.withMessageContaining("kind 9");
	}

}
