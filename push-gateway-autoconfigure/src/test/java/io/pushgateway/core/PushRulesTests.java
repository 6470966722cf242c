package io.pushgateway.core;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * The rules every push obeys: JSON and text payloads are well-formed UTF-8 (RFC 3629), a
 * JSON payload is exactly one JSON value, binary payloads are bytes.
 *
 * @author Push Gateway team
 */
class PushRulesTests {

	private static final HexFormat HEX = HexFormat.of();

	@Test
	void wellFormedUtf8OfEveryLengthPasses() {
		for (String hex : List.of("", "41", "7f", "c280", "c3a9", "dfbf", "e0a080", "e282ac", "ed9fbf", "ee8080",
				"efbfbf", "f0908080", "f09f9880", "f48fbfbf")) {
			byte[] bytes = HEX.parseHex(hex);
			assertThatNoException().as(hex).isThrownBy(() -> PushRules.requireUtf8(bytes));
			assertThat(PushRules.wellFormed(new Payload(bytes, PayloadFormat.TEXT)).bytes()).isSameAs(bytes);
		}
	}

	@Test
	void surrogatesOverlongFormsCodePointsAboveTheLastAndBrokenSequencesAreRefused() {
		// encoded surrogates (U+D800, U+DBFF, U+DC00, U+DFFF), overlong forms of '/',
		// U+007F and U+07FF and U+FFFF, U+110000 and beyond, bytes that never occur,
		// a lone continuation byte and sequences cut short
		for (String hex : List.of("eda080", "edafbf", "edb080", "edbfbf", "c0af", "c1bf", "e08080", "e09fbf",
				"f08080af", "f08fbfbf", "f4908080", "f7bfbfbf", "f8888080 80", "fc8480808080", "fe", "ff", "80", "bf",
				"c3", "e282", "f09f98", "c341", "e28241")) {
			byte[] bytes = HEX.parseHex(hex.replace(" ", ""));
			assertThatExceptionOfType(PushRejectedException.class).as(hex)
				.isThrownBy(() -> PushRules.requireUtf8(bytes))
				.withMessage("payload is not well-formed UTF-8");
		}
	}

	@Test
	void aBadSequenceIsFoundAnywhereInALongPayload() {
		byte[] good = "é€😀".repeat(2000).getBytes(StandardCharsets.UTF_8);
		assertThatNoException().isThrownBy(() -> PushRules.requireUtf8(good));
		for (int at : new int[] { 0, 1, 511, 1024, 6000, good.length - 1 }) {
			byte[] bad = good.clone();
			bad[at] = (byte) 0xFF;
			assertThatExceptionOfType(PushRejectedException.class).as("at " + at)
				.isThrownBy(() -> PushRules.requireUtf8(bad));
		}
		byte[] ascii = ("x".repeat(5000) + "\u00e9").getBytes(StandardCharsets.UTF_8);
		byte[] truncated = Arrays.copyOf(ascii, ascii.length - 1);
		assertThatExceptionOfType(PushRejectedException.class).isThrownBy(() -> PushRules.requireUtf8(truncated));
	}

	@Test
	void jsonAndTextPayloadsMustBeUtf8AndBinaryPayloadsNeedNot() {
		byte[] surrogate = HEX.parseHex("eda080");
		byte[] json = HEX.parseHex("22eda08022");
		assertThatExceptionOfType(PushRejectedException.class)
			.isThrownBy(() -> PushRules.wellFormed(Payload.json(json)))
			.withMessage("payload is not well-formed UTF-8");
		assertThatExceptionOfType(PushRejectedException.class)
			.isThrownBy(() -> PushRules.wellFormed(new Payload(surrogate, PayloadFormat.TEXT)))
			.withMessage("payload is not well-formed UTF-8");
		assertThat(PushRules.wellFormed(Payload.binary(surrogate)).bytes()).isSameAs(surrogate);
		assertThat(PushRules.wellFormed(Payload.json("\"caf\u00e9\"")).asString()).isEqualTo("\"caf\u00e9\"");
		assertThatExceptionOfType(PushRejectedException.class)
			.isThrownBy(() -> PushRules.wellFormed(Payload.json("{\"a\":1} 2")));
	}

}
