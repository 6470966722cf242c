package io.pushgateway.support;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checks on the reasons the gateway gives clients: fixed texts that name no Java class,
 * no library and nothing about the server's keys.
 *
 * @author Push Gateway team
 */
public final class ErrorReasons {

	private ErrorReasons() {
	}

	/**
	 * Assert that a reason a client received names nothing of the server's insides.
	 * @param reason the close reason, error body or status description
	 */
	public static void assertNamesNoInternals(String reason) {
		assertThat(reason).as("a reason a client sees")
			// package-qualified names, and Class.member as in
			// StreamReadConstraints.getMaxNestingDepth()
			.doesNotContainPattern("\\b[a-z]+\\.[a-z]+\\.[A-Za-z]")
			.doesNotContainPattern("\\b[A-Z][a-z]+[A-Z]\\w*\\.[A-Za-z]")
			.doesNotContain("`")
			.doesNotContain("()")
			.doesNotContain("Exception")
			.doesNotContain("StreamRead")
			.doesNotContain("[Source:")
			.doesNotContainIgnoringCase("jackson")
			.doesNotContainIgnoringCase("nimbus")
			.doesNotContainIgnoringCase("msgpack")
			.doesNotContainIgnoringCase("secret")
			.doesNotContain(" bits");
	}

	/**
	 * A handshake refused before it upgraded, as a Server-Sent Events request (the
	 * admission every transport shares).
	 * @param port the gateway's port
	 * @param token the token to present
	 * @return the response
	 * @throws Exception on an I/O error
	 */
	public static HttpResponse<String> refusedHandshake(int port, String token) throws Exception {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ws/sse"))
			.header("Authorization", "Bearer " + token)
			.header("Accept", "text/event-stream")
			.build();
		return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
	}

}
