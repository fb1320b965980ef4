package dev.countersign.examples.sandbox;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.http.MediaType;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sandbox phone lists pending CIBA requests, decides each once, and escapes what
 * agents wrote.
 */
class SandboxPhoneTests {

	private final Emulations emulations = new Emulations();

	private final CibaRequests requests = this.emulations.cibaRequests;

	@Test
	void requestsThenPendingOnesOfTheUserOrOfEveryone() {
		CibaRequests.CibaRequest ada = start("ada", "Countersign: 1 action #7K2Q", EmulatedCibaTests.DETAILS);
		this.emulations.clock.advance(Duration.ofSeconds(1));
		start("bob", "Countersign: 2 actions", null);
		this.emulations.client.get()
			.uri(SandboxPhone.PATH + "/requests?user=ada")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.length()")
			.isEqualTo(1)
			.jsonPath("$[0].auth_req_id")
			.isEqualTo(ada.authReqId())
			.jsonPath("$[0].user")
			.isEqualTo("ada")
			.jsonPath("$[0].binding_message")
			.isEqualTo("Countersign: 1 action #7K2Q")
			.jsonPath("$[0].code")
			.isEqualTo("7K2Q")
			.jsonPath("$[0].status")
			.isEqualTo("pending")
			.jsonPath("$[0].expires_at")
			.isEqualTo("2026-11-23T10:05:00Z")
			.jsonPath("$[0].authorization_details[0].batch_digest")
			.isEqualTo("9f2c");
		this.emulations.client.get()
			.uri(SandboxPhone.PATH + "/requests")
			.exchange()
			.expectBody()
			.jsonPath("$[*].user")
			.isEqualTo(List.of("ada", "bob"));
	}

	@Test
	void approveThenRequestJsonAndSecondDecisionConflicts() {
		CibaRequests.CibaRequest ada = start("ada", "Countersign: 1 action #7K2Q", null);
		decide(ada.authReqId(), "approve").expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo("approved")
			.jsonPath("$.auth_req_id")
			.isEqualTo(ada.authReqId());
		decide(ada.authReqId(), "deny").expectStatus().isEqualTo(409);
		decide(ada.authReqId(), "approve").expectStatus().isEqualTo(409);
		this.emulations.client.get()
			.uri(SandboxPhone.PATH + "/requests?user=ada")
			.exchange()
			.expectBody()
			.jsonPath("$.length()")
			.isEqualTo(0);
	}

	@Test
	void denyThenDeniedAndExpiredConflicts() {
		CibaRequests.CibaRequest denied = start("ada", "one", null);
		CibaRequests.CibaRequest expired = start("ada", "two", null);
		decide(denied.authReqId(), "deny").expectStatus().isOk().expectBody().jsonPath("$.status").isEqualTo("denied");
		this.emulations.clock.advance(Duration.ofMinutes(5));
		decide(expired.authReqId(), "approve").expectStatus().isEqualTo(409);
	}

	@Test
	void requestsWhenMalformedUserThenBadRequest() {
		this.emulations.client.get()
			.uri(SandboxPhone.PATH + "/requests?user=<b>")
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON);
		this.emulations.client.get().uri(SandboxPhone.PATH + "?user=<b>").exchange().expectStatus().isBadRequest();
	}

	@Test
	void decideWhenUnknownThenNotFound() {
		decide("no-such-request", "approve").expectStatus().isNotFound();
		decide("no-such-request", "deny").expectStatus().isNotFound();
	}

	@Test
	void pageThenPhoneSizedWithCodeDetailsAndButtons() {
		CibaRequests.CibaRequest ada = start("ada", "Countersign: 2 actions #7K2Q",
				"[{\"type\":\"" + EmulatedCiba.DETAILS_TYPE
						+ "\",\"properties\":{\"a1\":\"github_merge_pull_request ada-lovelace/analytical-engine#2\","
						+ "\"a2\":\"email_send 1 recipient, external (low confidence)\"}}]");
		String html = page(SandboxPhone.PATH);
		assertThat(html).contains("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
			.contains("<p class=\"code\">7K2Q</p>")
			.contains("Countersign: 2 actions #7K2Q")
			.contains("<li>a1: github_merge_pull_request ada-lovelace/analytical-engine#2</li>")
			.contains("<li class=\"low\">&#9888; a2: email_send 1 recipient, external (low confidence)</li>")
			.contains("data-action=\"approve\" data-id=\"" + ada.authReqId() + "\"")
			.contains("data-action=\"deny\"")
			.contains("setInterval(refresh, 2000)")
			.doesNotContain("http://")
			.doesNotContain("https://");
	}

	@Test
	void pageWhenDetailsHoldMarkupThenEscaped() {
		start("ada", "Countersign: 1 action #XSS1", "[{\"type\":\"" + EmulatedCiba.DETAILS_TYPE
				+ "\",\"properties\":{\"<img src=x onerror=alert(1)>\":\"<script>alert('x')</script>\"}}]");
		for (String path : new String[] { SandboxPhone.PATH, SandboxPhone.PATH + "/list?user=ada" }) {
			String html = page(path);
			assertThat(html).doesNotContain("<script>alert")
				.doesNotContain("<img")
				.contains("&lt;img src=x onerror=alert(1)&gt;: &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
		}
	}

	@Test
	void escapeThenEveryHtmlSpecialCharacter() {
		assertThat(SandboxPhone.escape("<a href=\"x\" title='y'>&</a>"))
			.isEqualTo("&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;");
	}

	@Test
	void linesWhenPropertiesArrayOrNoneThenOneLineEach() {
		assertThat(SandboxPhone.lines("[{\"type\":\"t\",\"properties\":[\"one\",\"two\"]}]")).containsExactly("one",
				"two");
		assertThat(SandboxPhone.lines("[{\"type\":\"t\",\"tool\":\"email_send\",\"count\":2}]"))
			.containsExactly("tool: email_send", "count: 2");
		assertThat(SandboxPhone.lines(null)).isEmpty();
	}

	private CibaRequests.CibaRequest start(String user, String message, String details) {
		return this.requests
			.start(user, Emulations.CIBA_CLIENT_ID, message, "https://api.example", details, Duration.ofMinutes(5))
			.orElseThrow();
	}

	private org.springframework.test.web.reactive.server.WebTestClient.ResponseSpec decide(String id, String decision) {
		return this.emulations.client.post()
			.uri(SandboxPhone.PATH + "/requests/{id}/{decision}", id, decision)
			.exchange();
	}

	private String page(String path) {
		return this.emulations.client.get()
			.uri(path)
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.contentTypeCompatibleWith(MediaType.TEXT_HTML)
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
	}

}
