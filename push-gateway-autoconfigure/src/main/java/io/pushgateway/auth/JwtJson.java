package io.pushgateway.auth;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.json.JsonFactory;

/**
 * Reads a JWT's header and claims with Jackson's streaming parser, keeping only what the
 * gateway checks. Nimbus builds a JSON tree of both, and a map of claims from it, for
 * every token (about 40 µs and 3.3 KB per handshake in the benchmark's profile); the
 * signature is still checked by Nimbus's verifiers. Any token this reader cannot take
 * apart the way the JWT and JWS specifications allow is refused: not a JSON object, a
 * member of the wrong type, a name twice, or a critical header ({@code crit}) the gateway
 * does not implement.
 *
 * @author Push Gateway team
 */
final class JwtJson {

	private static final JsonFactory FACTORY = JsonFactory.builder().build();

	/** Beyond any date a token can mean: year 9999. */
	private static final long MAX_SECONDS = 253_402_300_799L;

	private JwtJson() {
	}

	/**
	 * The algorithm a JWS header names.
	 * @param json the decoded header
	 * @param offset where the header starts
	 * @param length its length
	 * @return the {@code alg} value
	 * @throws IllegalArgumentException when the header is not one the gateway takes
	 */
	static String algorithm(byte[] json, int offset, int length) {
		String algorithm = null;
		boolean typed = false;
		try (JsonParser parser = FACTORY.createParser(ObjectReadContext.empty(), json, offset, length)) {
			start(parser);
			String name;
			while ((name = parser.nextName()) != null) {
				JsonToken token = parser.nextToken();
				switch (name) {
					case "alg" -> {
						require(algorithm == null, name);
						algorithm = string(parser, token, name);
					}
					case "typ" -> {
						require(!typed, name);
						typed = true;
						// a JWT's type is "JWT" or absent (RFC 7519, section 5.1)
						require("JWT".equalsIgnoreCase(string(parser, token, name)), name);
					}
					case "crit" -> throw new IllegalArgumentException("critical header parameters are not supported");
					default -> parser.skipChildren();
				}
			}
			end(parser);
		}
		catch (JacksonException ex) {
			throw new IllegalArgumentException("header is not JSON", ex);
		}
		if (algorithm == null) {
			throw new IllegalArgumentException("header has no 'alg'");
		}
		return algorithm;
	}

	/**
	 * The claims the gateway reads from a JWT's payload.
	 * @param json the decoded payload
	 * @param offset where it starts
	 * @param length its length
	 * @param uidClaim the name of the uid claim
	 * @param guidsClaim the name of the GUIDs claim
	 * @return the claims
	 * @throws IllegalArgumentException when the payload is not a claims set the gateway
	 * takes
	 */
	static Claims claims(byte[] json, int offset, int length, String uidClaim, String guidsClaim) {
		Claims claims = new Claims();
		try (JsonParser parser = FACTORY.createParser(ObjectReadContext.empty(), json, offset, length)) {
			start(parser);
			String name;
			int seen = 0;
			while ((name = parser.nextName()) != null) {
				JsonToken token = parser.nextToken();
				int bit;
				if (name.equals(uidClaim)) {
					bit = 1;
					claims.uidPresent = true;
					claims.uid = (token == JsonToken.VALUE_STRING) ? parser.getString() : null;
					parser.skipChildren();
				}
				else if (name.equals(guidsClaim)) {
					bit = 2;
					claims.guids = strings(parser, token, false);
				}
				else {
					bit = switch (name) {
						case "exp" -> {
							claims.expiry = seconds(parser, token, name);
							yield 4;
						}
						case "nbf" -> {
							claims.notBefore = seconds(parser, token, name);
							yield 8;
						}
						case "iat" -> {
							claims.issuedAt = seconds(parser, token, name);
							yield 16;
						}
						case "iss" -> {
							claims.issuer = string(parser, token, name);
							yield 32;
						}
						case "aud" -> {
							claims.audience = strings(parser, token, true);
							yield 64;
						}
						case "jti" -> {
							claims.tokenId = string(parser, token, name);
							yield 128;
						}
						default -> {
							parser.skipChildren();
							yield 0;
						}
					};
				}
				// RFC 7519, section 4: a claim set with a name twice is refused
				require((seen & bit) == 0, name);
				seen |= bit;
			}
			end(parser);
		}
		catch (JacksonException ex) {
			throw new IllegalArgumentException("payload is not JSON", ex);
		}
		return claims;
	}

	private static void start(JsonParser parser) {
		if (parser.nextToken() != JsonToken.START_OBJECT) {
			throw new IllegalArgumentException("not a JSON object");
		}
	}

	private static void end(JsonParser parser) {
		if (parser.currentToken() != JsonToken.END_OBJECT || parser.nextToken() != null) {
			throw new IllegalArgumentException("trailing content after the JSON object");
		}
	}

	private static void require(boolean condition, String name) {
		if (!condition) {
			throw new IllegalArgumentException("unexpected '" + name + "'");
		}
	}

	private static String string(JsonParser parser, JsonToken token, String name) {
		require(token == JsonToken.VALUE_STRING, name);
		return parser.getString();
	}

	/* NumericDate (RFC 7519, section 2): seconds, possibly with a fraction. */
	private static long seconds(JsonParser parser, JsonToken token, String name) {
		require(token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT, name);
		double seconds = parser.getDoubleValue();
		return (long) Math.max(-MAX_SECONDS, Math.min(MAX_SECONDS, seconds));
	}

	/*
	 * A string or, where allowed, an array of them; other array elements become text, as
	 * the map-based verifiers hand them over.
	 */
	private static List<String> strings(JsonParser parser, JsonToken token, boolean single) {
		if (single && token == JsonToken.VALUE_STRING) {
			return List.of(parser.getString());
		}
		if (token != JsonToken.START_ARRAY) {
			if (single) {
				throw new IllegalArgumentException("'aud' must be a string or an array of strings");
			}
			parser.skipChildren();
			return List.of();
		}
		List<String> values = new ArrayList<>();
		JsonToken element;
		while ((element = parser.nextToken()) != JsonToken.END_ARRAY) {
			if (element == JsonToken.VALUE_STRING) {
				values.add(parser.getString());
			}
			else if (single) {
				throw new IllegalArgumentException("'aud' must be a string or an array of strings");
			}
			else if (element.isScalarValue()) {
				values.add(parser.getString());
			}
			else {
				parser.skipChildren();
			}
		}
		return values;
	}

	/**
	 * What the gateway reads from a token's claims; times in seconds since the epoch.
	 */
	static final class Claims {

		boolean uidPresent;

		@Nullable String uid;

		List<String> guids = List.of();

		@Nullable Long expiry;

		@Nullable Long notBefore;

		@Nullable Long issuedAt;

		@Nullable String issuer;

		@Nullable List<String> audience;

		@Nullable String tokenId;

	}

}
