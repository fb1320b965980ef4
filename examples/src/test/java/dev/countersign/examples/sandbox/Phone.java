package dev.countersign.examples.sandbox;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.StreamSupport;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sandbox phone's JSON API, as a test drives it: wait for a user's push, approve or
 * deny it.
 */
final class Phone {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	private final RunningSandbox sandbox;

	Phone(RunningSandbox sandbox) {
		this.sandbox = sandbox;
	}

	/**
	 * Waits for the user's one pending request.
	 * @param user the user
	 * @return the request as the phone API lists it
	 */
	JsonNode awaitRequest(String user) {
		return awaitRequest(user, Duration.ofSeconds(30));
	}

	JsonNode awaitRequest(String user, Duration timeout) {
		Instant deadline = Instant.now().plus(timeout);
		while (Instant.now().isBefore(deadline)) {
			List<JsonNode> requests = requests(user);
			if (!requests.isEmpty()) {
				assertThat(requests).hasSize(1);
				return requests.get(0);
			}
			pause(Duration.ofMillis(200));
		}
		throw new AssertionError("no CIBA request reached the phone for " + user);
	}

	/**
	 * The user's pending requests.
	 * @param user the user
	 * @return the requests
	 */
	List<JsonNode> requests(String user) {
		JsonNode list = JSON.readTree(this.sandbox.get("/sandbox/phone/requests?user=" + user).body());
		return StreamSupport.stream(list.spliterator(), false).toList();
	}

	/**
	 * Approves or denies a request, expecting 200.
	 * @param authReqId the request
	 * @param decision {@code approve} or {@code deny}
	 */
	void decide(String authReqId, String decision) {
		HttpResponse<String> response = send(HttpRequest
			.newBuilder(URI.create(this.sandbox.baseUrl() + "/sandbox/phone/requests/" + authReqId + "/" + decision))
			.POST(HttpRequest.BodyPublishers.noBody())
			.build());
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
	}

	/**
	 * Waits for the user's push and decides it.
	 * @param user the user
	 * @param decision {@code approve} or {@code deny}
	 * @return the request decided
	 */
	JsonNode awaitAndDecide(String user, String decision) {
		JsonNode request = awaitRequest(user);
		decide(request.get("auth_req_id").asString(), decision);
		return request;
	}

	static HttpResponse<String> send(HttpRequest request) {
		return send(HTTP, request);
	}

	static HttpResponse<String> send(HttpClient client, HttpRequest request) {
		try {
			return client.send(request, HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	static void pause(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
