package io.pushgateway.cluster;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import io.pushgateway.core.Payload;
import io.pushgateway.core.PayloadFormat;
import io.pushgateway.core.Push;
import io.pushgateway.core.PushRules;
import io.pushgateway.core.PushTarget;
import io.pushgateway.id.SnowflakeIdGenerator;
import io.pushgateway.spi.BusRecordRejection;
import io.pushgateway.spi.ClusterMessage;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The bus record format: what a node writes, what it accepts from any producer, and the
 * reason it gives for what it skips.
 *
 * @author Push Gateway team
 */
class BusRecordTests {

	private static final PushRules RULES = new PushRules(16);

	private static BusRecord record(String value, String... headers) {
		List<BusRecord.Header> list = new ArrayList<>();
		for (int i = 0; i < headers.length; i += 2) {
			list.add(new BusRecord.Header(headers[i], headers[i + 1].getBytes(StandardCharsets.UTF_8)));
		}
		return new BusRecord("k", list, value.getBytes(StandardCharsets.UTF_8));
	}

	private static BusRecordRejection rejection(BusRecord record) {
		try {
			BusRecordDecoder.decode(record, 1, RULES);
		}
		catch (RecordRejectedException ex) {
			assertThat(ex.getMessage()).doesNotContain("io.pushgateway").doesNotContain("No enum constant");
			return ex.reason();
		}
		throw new AssertionError("accepted " + record);
	}

	@Test
	void aNodesPushRoundTripsWithItsInstanceMark() {
		Push push = new Push(7, PushTarget.guid("doc"), "e", Payload.json("{\"a\":1}"), true).at("5-0");
		BusRecord record = BusRecordBytes
			.fromBytes(BusRecordBytes.toBytes(BusRecordEncoder.encode(new ClusterMessage.Deliver(push), "n1", "i-1")));
		assertThat(record.isFrom("i-1")).isTrue();
		assertThat(record.isFrom("i-2")).isFalse();
		Push back = ((ClusterMessage.Deliver) BusRecordDecoder.decode(record, 99, RULES)).push();
		assertThat(back.messageId()).isEqualTo(7);
		assertThat(back.target()).isEqualTo(PushTarget.guid("doc"));
		assertThat(back.ack()).isTrue();
		assertThat(back.position()).isEqualTo("5-0");
	}

	@Test
	void aDisconnectRoundTripsAndOneFromOutsideMustUseAnApplicationsCode() {
		BusRecord record = BusRecordBytes.fromBytes(BusRecordBytes.toBytes(BusRecordEncoder
			.encode(new ClusterMessage.Disconnect(PushTarget.guid("doc/1"), 4750, "dócument deleted"), "n1", "i-1")));
		assertThat(record.key()).isEqualTo("guid:doc/1");
		assertThat(BusRecordDecoder.decode(record, 1, RULES))
			.isEqualTo(new ClusterMessage.Disconnect(PushTarget.guid("doc/1"), 4750, "dócument deleted"));
		// a service's record: the target as a push's, an application's code and reason
		assertThat(BusRecordDecoder.decode(
				record("banned", "X-Type", "disconnect", "X-Target", "user", "X-Uid", "u1", "X-Close-Code", "4006"), 1,
				RULES))
			.isEqualTo(new ClusterMessage.Disconnect(PushTarget.user("u1"), 4006, "banned"));
		assertThat(rejection(record("x", "X-Type", "disconnect", "X-Target", "all", "X-Close-Code", "1000")))
			.isEqualTo(BusRecordRejection.INVALID_DISCONNECT);
		assertThat(
				rejection(record("x".repeat(124), "X-Type", "disconnect", "X-Target", "all", "X-Close-Code", "4005")))
			.isEqualTo(BusRecordRejection.INVALID_DISCONNECT);
		assertThat(rejection(record("x", "X-Type", "disconnect", "X-Target", "user", "X-Close-Code", "4005")))
			.isEqualTo(BusRecordRejection.MISSING_HEADER);
		assertThat(rejection(record("x", "X-Type", "disconnect", "X-Target", "all")))
			.isEqualTo(BusRecordRejection.MISSING_HEADER);
	}

	@Test
	void everyMalformedRecordIsRejectedWithItsReason() {
		assertThat(rejection(record("1", "X-Target", "planet", "X-Event", "e")))
			.isEqualTo(BusRecordRejection.UNKNOWN_TARGET);
		assertThat(rejection(record("1", "X-Target", "user", "X-Event", "e")))
			.isEqualTo(BusRecordRejection.MISSING_HEADER);
		assertThat(rejection(record("1", "X-Target", "users", "X-Event", "e")))
			.isEqualTo(BusRecordRejection.MISSING_HEADER);
		assertThat(rejection(record("1", "X-Target", "all"))).isEqualTo(BusRecordRejection.MISSING_HEADER);
		assertThat(rejection(record("1", "X-Target", "all", "X-Event", "e", "X-Format", "XML")))
			.isEqualTo(BusRecordRejection.UNKNOWN_FORMAT);
		assertThat(rejection(record("1", "X-Target", "all", "X-Event", "e", "X-ID", "12x")))
			.isEqualTo(BusRecordRejection.INVALID_NUMBER);
		assertThat(rejection(record("1", "X-Type", "Push", "X-Target", "all", "X-Event", "e")))
			.isEqualTo(BusRecordRejection.UNKNOWN_TYPE);
		assertThat(rejection(record("1", "X-Target", "all", "X-Event", "e".repeat(129))))
			.isEqualTo(BusRecordRejection.INVALID_EVENT);
		assertThat(rejection(new BusRecord("k",
				List.of(new BusRecord.Header("X-Target", "all".getBytes(StandardCharsets.UTF_8)),
						new BusRecord.Header("X-Event", "e".getBytes(StandardCharsets.UTF_8))),
				new byte[] { '"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"' })))
			.isEqualTo(BusRecordRejection.INVALID_UTF8);
		assertThat(rejection(new BusRecord("k",
				List.of(new BusRecord.Header("X-Target", "all".getBytes(StandardCharsets.UTF_8)),
						new BusRecord.Header("X-Event", "e".getBytes(StandardCharsets.UTF_8)),
						new BusRecord.Header("X-Format", "text".getBytes(StandardCharsets.UTF_8))),
				new byte[] { (byte) 0xC0, (byte) 0xAF })))
			.isEqualTo(BusRecordRejection.INVALID_UTF8);
		assertThat(rejection(record("[1] [2]", "X-Target", "all", "X-Event", "e")))
			.isEqualTo(BusRecordRejection.INVALID_JSON);
		assertThat(rejection(record("{\"a\":", "X-Type", "reply", "X-Socket-Id", "1", "X-Reply-To", "m")))
			.isEqualTo(BusRecordRejection.INVALID_JSON);
		assertThat(rejection(record("x".repeat(17), "X-Target", "all", "X-Event", "e", "X-Format", "text")))
			.isEqualTo(BusRecordRejection.PAYLOAD_TOO_LARGE);
	}

	@Test
	void aNodesOwnRecordsAreNotRecheckedButKeepTheirStructure() {
		BusRecord fromNode = record("not json", "X-Node-Instance", "i", "X-Target", "all", "X-Event", "e");
		assertThat(((ClusterMessage.Deliver) BusRecordDecoder.decode(fromNode, 1, RULES)).push().payload().format())
			.isEqualTo(PayloadFormat.JSON);
		assertThatExceptionOfType(RecordRejectedException.class).isThrownBy(() -> BusRecordDecoder
			.decode(record("1", "X-Node-Instance", "i", "X-Target", "moon", "X-Event", "e"), 1));
	}

	@Test
	void anEmptyJsonValueIsNullAndFormatsAreCaseInsensitive() {
		Push empty = ((ClusterMessage.Deliver) BusRecordDecoder.decode(record("", "X-Target", "all", "X-Event", "e"), 1,
				RULES))
			.push();
		assertThat(empty.payload()).isEqualTo(Payload.EMPTY);
		Push text = ((ClusterMessage.Deliver) BusRecordDecoder
			.decode(record("hi", "X-Target", "all", "X-Event", "e", "X-Format", "TEXT"), 1, RULES)).push();
		assertThat(text.payload().format()).isEqualTo(PayloadFormat.TEXT);
	}

	@Test
	void derivedIdsAreDistinctPerRecordAndNeverSnowflakeIds() {
		long a = SnowflakeIdGenerator.derivedId(0, 0);
		long b = SnowflakeIdGenerator.derivedId(0, 1);
		long c = SnowflakeIdGenerator.derivedId(1, 0);
		assertThat(List.of(a, b, c)).doesNotHaveDuplicates().allMatch(SnowflakeIdGenerator::isDerivedId);
		assertThat(a).isPositive();
		long issued = new SnowflakeIdGenerator(1023, Clock.systemUTC()).nextId();
		assertThat(SnowflakeIdGenerator.isDerivedId(issued)).isFalse();
	}

}
