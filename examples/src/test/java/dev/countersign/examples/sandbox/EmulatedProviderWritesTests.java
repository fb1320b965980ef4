package dev.countersign.examples.sandbox;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.http.MediaType;
import org.springframework.test.json.JsonCompareMode;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.countersign.server.tool.ToolCatalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatRuntimeException;

/**
 * The emulated providers' writes change the user's data as the real ones do, refuse a
 * failed precondition, and are counted once each in {@link ProviderWrites}.
 */
class EmulatedProviderWritesTests {

	private static final String REPO = EmulatedGitHub.BASE_PATH + "/repos/" + ToolCatalog.EXAMPLE_REPO;

	private static final String EVENTS = EmulatedCalendar.BASE_PATH + "/calendars/primary/events";

	private static final String GMAIL = EmulatedGmail.BASE_PATH + "/users/me";

	private final Emulations emulations = new Emulations();

	private final ProviderWrites writes = this.emulations.writes;

	@Test
	void createIssueThenCreatedAndListed() {
		String token = this.emulations.github("ada");
		send("POST", REPO + "/issues", token,
				"{\"title\":\"Mill overheats\",\"body\":\"Too hot.\",\"labels\":[\"bug\"]}")
			.expectStatus()
			.isCreated()
			.expectHeader()
			.valueEquals("Location", "https://api.github.com/repos/" + ToolCatalog.EXAMPLE_REPO + "/issues/5")
			.expectBody()
			.jsonPath("$.number")
			.isEqualTo(5)
			.jsonPath("$.state")
			.isEqualTo("open")
			.jsonPath("$.user.login")
			.isEqualTo("ada-lovelace")
			.jsonPath("$.labels[0].name")
			.isEqualTo("bug");
		this.emulations.get(REPO + "/issues", token)
			.expectBody()
			.jsonPath("$[*].number")
			.isEqualTo(List.of(5, 3, 2, 1));
		this.emulations.get(REPO + "/issues", this.emulations.github("bob"))
			.expectBody()
			.jsonPath("$[*].number")
			.isEqualTo(List.of(3, 2, 1));
		assertThat(this.writes.count("ada", ProviderWrites.GITHUB_ISSUE)).isEqualTo(1);
		send("POST", REPO + "/issues", token, "{\"body\":\"no title\"}").expectStatus().isEqualTo(422);
		assertThat(this.writes.count("ada", ProviderWrites.GITHUB_ISSUE)).isEqualTo(1);
	}

	@Test
	void commentThenCreatedAndCounted() {
		String token = this.emulations.github("ada");
		send("POST", REPO + "/issues/1/comments", token, "{\"body\":\"On it.\"}").expectStatus()
			.isCreated()
			.expectBody()
			.jsonPath("$.id")
			.isNumber()
			.jsonPath("$.body")
			.isEqualTo("On it.")
			.jsonPath("$.html_url")
			.value((String url) -> assertThat(url)
				.startsWith("https://github.com/" + ToolCatalog.EXAMPLE_REPO + "/issues/1#issuecomment-"));
		this.emulations.get(REPO + "/issues/1", token).expectBody().jsonPath("$.comments").isEqualTo(3);
		send("POST", REPO + "/issues/99/comments", token, "{\"body\":\"x\"}").expectStatus().isNotFound();
		assertThat(this.writes.count("ada", ProviderWrites.GITHUB_COMMENT)).isEqualTo(1);
	}

	@Test
	void mergeWhenStaleShaThenConflictAndNothingMerged() {
		String token = this.emulations.github("ada");
		String pull = REPO + "/pulls/" + SandboxGitHub.CARRY_FIX;
		send("PUT", pull + "/merge", token, "{\"sha\":\"" + SandboxGitHub.MAIN_SHA + "\"}").expectStatus()
			.isEqualTo(409)
			.expectBody()
			.json("""
					{"message":"Head branch was modified. Review and try the merge again.",
					 "documentation_url":"https://docs.github.com/rest"}""", JsonCompareMode.STRICT);
		this.emulations.get(pull, token).expectBody().jsonPath("$.merged").isEqualTo(false);
		assertThat(this.writes.count("ada", ProviderWrites.GITHUB_MERGE)).isZero();
	}

	@Test
	void mergeWhenHeadShaThenMergedOnceAndThenNotAllowed() {
		String token = this.emulations.github("ada");
		String pull = REPO + "/pulls/" + SandboxGitHub.CARRY_FIX;
		send("PUT", pull + "/merge", token, "{\"sha\":\"" + SandboxGitHub.CARRY_FIX_SHA + "\"}").expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.merged")
			.isEqualTo(true)
			.jsonPath("$.sha")
			.value((String sha) -> assertThat(sha).matches("[0-9a-f]{40}"))
			.jsonPath("$.message")
			.isEqualTo("Pull Request successfully merged");
		this.emulations.get(pull, token)
			.expectBody()
			.jsonPath("$.merged")
			.isEqualTo(true)
			.jsonPath("$.state")
			.isEqualTo("closed");
		send("PUT", pull + "/merge", token, null).expectStatus().isEqualTo(405);
		send("PUT", REPO + "/pulls/1/merge", token, null).expectStatus().isNotFound();
		assertThat(this.writes.count("ada", ProviderWrites.GITHUB_MERGE)).isEqualTo(1);
	}

	@Test
	void mergeWhenDelayedThenAppliedBeforeTheAnswer() {
		String token = this.emulations.github("ada");
		this.emulations.faults.github().delay(Duration.ofSeconds(2));
		WebTestClient impatient = this.emulations.client.mutate().responseTimeout(Duration.ofMillis(300)).build();
		// The client gives up before the answer, as Countersign's would: the write is
		// UNKNOWN to it, yet applied.
		assertThatRuntimeException().isThrownBy(() -> impatient.put()
			.uri(REPO + "/pulls/" + SandboxGitHub.CARRY_FIX + "/merge")
			.header("Authorization", "Bearer " + token)
			.exchange());
		assertThat(this.writes.count("ada", ProviderWrites.GITHUB_MERGE)).isEqualTo(1);
		assertThat(this.emulations.github.account("ada")
			.find("ada-lovelace", "analytical-engine")
			.orElseThrow()
			.find(SandboxGitHub.CARRY_FIX)
			.orElseThrow()
			.pullRequest()
			.merged()).isTrue();
	}

	@Test
	void writeWhenFailureInjectedThenNotApplied() {
		String token = this.emulations.github("ada");
		this.emulations.faults.github().failNext(1, 503);
		send("POST", REPO + "/issues", token, "{\"title\":\"x\"}").expectStatus().isEqualTo(503);
		assertThat(this.writes.total("ada")).isZero();
		send("POST", REPO + "/issues", this.emulations.google("ada"), "{\"title\":\"x\"}").expectStatus()
			.isUnauthorized();
		assertThat(this.writes.total("ada")).isZero();
	}

	@Test
	void insertEventWithClientIdThenCreatedAndDuplicateConflicts() {
		String token = this.emulations.google("ada");
		String event = """
				{"id":"cs0action0000001","summary":"Renewal follow-up",
				 "start":{"dateTime":"2026-11-25T09:00:00Z"},"end":{"dateTime":"2026-11-25T09:30:00Z"},
				 "attendees":[{"email":"grace@northwind.example"}]}""";
		send("POST", EVENTS, token, event).expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.id")
			.isEqualTo("cs0action0000001")
			.jsonPath("$.status")
			.isEqualTo("confirmed")
			.jsonPath("$.summary")
			.isEqualTo("Renewal follow-up")
			.jsonPath("$.attendees[*].email")
			.isEqualTo(List.of("ada@countersign.example", "grace@northwind.example"));
		this.emulations.get(EVENTS + "?q=renewal%20follow-up", token)
			.expectBody()
			.jsonPath("$.items[*].id")
			.isEqualTo(List.of("cs0action0000001"));
		send("POST", EVENTS, token, event).expectStatus()
			.isEqualTo(409)
			.expectBody()
			.jsonPath("$.error.errors[0].reason")
			.isEqualTo("duplicate")
			.jsonPath("$.error.code")
			.isEqualTo(409);
		assertThat(this.writes.count("ada", ProviderWrites.CALENDAR_INSERT)).isEqualTo(1);
	}

	@Test
	void insertEventWhenBadIdOrNoTimesThenBadRequest() {
		String token = this.emulations.google("ada");
		String times = "\"start\":{\"dateTime\":\"2026-11-25T09:00:00Z\"},\"end\":{\"dateTime\":\"2026-11-25T10:00:00Z\"}";
		for (String id : new String[] { "abc", "UPPERCASE1", "has-dash-1", "wxyz12345" }) {
			send("POST", EVENTS, token, "{\"id\":\"" + id + "\"," + times + "}").expectStatus().isBadRequest();
		}
		send("POST", EVENTS, token, "{\"summary\":\"x\"}").expectStatus().isBadRequest();
		send("POST", EVENTS, token, "{" + times + "}").expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.id")
			.value((String id) -> assertThat(id).matches("[a-v0-9]{26}"));
	}

	@Test
	void deleteEventWhenEtagMismatchThenPreconditionFailedElseDeleted() {
		String token = this.emulations.google("ada");
		String path = EVENTS + "/" + SandboxCalendars.Q4_PLANNING;
		String etag = this.emulations.calendars.find("ada", SandboxCalendars.Q4_PLANNING).orElseThrow().etag();
		this.emulations.client.delete()
			.uri(path)
			.header("Authorization", "Bearer " + token)
			.header("If-Match", "\"1\"")
			.exchange()
			.expectStatus()
			.isEqualTo(412)
			.expectBody()
			.jsonPath("$.error.code")
			.isEqualTo(412)
			.jsonPath("$.error.message")
			.isEqualTo("Precondition Failed")
			.jsonPath("$.error.errors[0].domain")
			.isEqualTo("global")
			.jsonPath("$.error.errors[0].reason")
			.isEqualTo("conditionNotMet");
		assertThat(this.writes.count("ada", ProviderWrites.CALENDAR_DELETE)).isZero();
		this.emulations.client.delete()
			.uri(path)
			.header("Authorization", "Bearer " + token)
			.header("If-Match", etag)
			.exchange()
			.expectStatus()
			.isNoContent();
		this.emulations.get(path, token).expectBody().jsonPath("$.status").isEqualTo("cancelled");
		this.emulations.client.delete()
			.uri(path)
			.header("Authorization", "Bearer " + token)
			.exchange()
			.expectStatus()
			.isEqualTo(410);
		this.emulations.client.delete()
			.uri(EVENTS + "/nosuchevent")
			.header("Authorization", "Bearer " + token)
			.exchange()
			.expectStatus()
			.isNotFound();
		assertThat(this.writes.count("ada", ProviderWrites.CALENDAR_DELETE)).isEqualTo(1);
	}

	@Test
	void sendThenSentAndSearchable() {
		String token = this.emulations.google("ada");
		Map<?, ?> sent = send("POST", GMAIL + "/messages/send", token,
				"{\"raw\":\"" + raw("grace@northwind.example", "Gold tier terms", "Here are the Gold tier terms.")
						+ "\",\"threadId\":\"" + SandboxMailboxes.RENEWAL + "\"}")
			.expectStatus()
			.isOk()
			.expectBody(Map.class)
			.returnResult()
			.getResponseBody();
		assertThat(sent.get("threadId")).isEqualTo(SandboxMailboxes.RENEWAL);
		assertThat(sent.get("labelIds")).isEqualTo(List.of("SENT"));
		assertThat((String) sent.get("id")).matches("[0-9a-f]{16}");
		this.emulations.get(GMAIL + "/messages?q=%22gold%20tier%20terms%22%20in:sent", token)
			.expectBody()
			.jsonPath("$.messages[0].id")
			.isEqualTo(sent.get("id"));
		this.emulations.get(GMAIL + "/messages/" + sent.get("id"), token)
			.expectBody()
			.jsonPath("$.snippet")
			.isEqualTo("Here are the Gold tier terms.");
		assertThat(this.writes.count("ada", ProviderWrites.GMAIL_SEND)).isEqualTo(1);
	}

	@Test
	void sendWithBccThenDeliveredToEveryRecipientAndStoredWithoutBcc() throws Exception {
		String token = this.emulations.google("ada");
		String message = "From: ada@countersign.example\r\nTo: grace@northwind.example\r\nCc: charles@countersign.example\r\n"
				+ "Bcc: audit@countersign.example\r\nMessage-ID: <fixed-1@countersign.example>\r\nSubject: Quiet copy\r\n"
				+ "Content-Type: text/plain; charset=UTF-8\r\n\r\nText\r\n";
		Map<?, ?> sent = send("POST", GMAIL + "/messages/send", token, "{\"raw\":\""
				+ Base64.getUrlEncoder().withoutPadding().encodeToString(message.getBytes(StandardCharsets.UTF_8))
				+ "\"}")
			.expectStatus()
			.isOk()
			.expectBody(Map.class)
			.returnResult()
			.getResponseBody();
		String id = (String) sent.get("id");
		assertThat(this.emulations.mailboxes.envelope("ada", id)).containsExactly("grace@northwind.example",
				"charles@countersign.example", "audit@countersign.example");
		MailMessage stored = this.emulations.mailboxes.find("ada", id).orElseThrow();
		assertThat(stored.mime().getHeader("Bcc")).isNull();
		assertThat(stored.mime().getMessageID()).isEqualTo("<fixed-1@countersign.example>");
		assertThat(stored.to()).isEqualTo("grace@northwind.example, charles@countersign.example");
		assertThat(this.writes.count("ada", ProviderWrites.GMAIL_SEND)).isEqualTo(1);
	}

	@Test
	void threadThenItsMessagesOldestFirstWithTheAskedHeaders() {
		String token = this.emulations.google("ada");
		this.emulations
			.get(GMAIL + "/threads/" + SandboxMailboxes.RENEWAL
					+ "?format=metadata&metadataHeaders=Message-ID&metadataHeaders=References", token)
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.id")
			.isEqualTo(SandboxMailboxes.RENEWAL)
			.jsonPath("$.messages.length()")
			.isEqualTo(2)
			.jsonPath("$.messages[0].id")
			.isEqualTo(SandboxMailboxes.RENEWAL)
			.jsonPath("$.messages[1].id")
			.isEqualTo(SandboxMailboxes.RENEWAL_REPLY)
			.jsonPath("$.messages[1].labelIds")
			.isEqualTo(List.of("SENT"))
			.jsonPath("$.messages[1].payload.headers[?(@.name == 'Message-ID')].value")
			.isEqualTo(List.of("<" + SandboxMailboxes.RENEWAL_REPLY + "@mail.countersign.example>"))
			.jsonPath("$.messages[1].payload.headers[?(@.name == 'Subject')]")
			.isEmpty();
		this.emulations.get(GMAIL + "/threads/ffffffffffffffff", token)
			.expectStatus()
			.isNotFound()
			.expectBody()
			.jsonPath("$.error.errors[0].reason")
			.isEqualTo("notFound");
		this.emulations.get(GMAIL + "/threads/" + SandboxMailboxes.RENEWAL + "?format=raw", token)
			.expectStatus()
			.isBadRequest();
	}

	@Test
	void sendWhenNoRawOrNoRecipientThenBadRequestAndNotCounted() {
		String token = this.emulations.google("ada");
		send("POST", GMAIL + "/messages/send", token, "{}").expectStatus().isBadRequest();
		send("POST", GMAIL + "/messages/send", token, "{\"raw\":\"" + raw(null, "x", "y") + "\"}").expectStatus()
			.isBadRequest();
		send("POST", GMAIL + "/messages/send", token,
				"{\"raw\":\"" + raw("a@b.example", "x", "y") + "\",\"threadId\":\"ffffffffffffffff\"}")
			.expectStatus()
			.isNotFound();
		assertThat(this.writes.total("ada")).isZero();
	}

	@Test
	void draftThenDraftIdAndMessage() {
		String token = this.emulations.google("ada");
		send("POST", GMAIL + "/drafts", token,
				"{\"message\":{\"raw\":\"" + raw("grace@northwind.example", "Draft", "Draft text") + "\"}}")
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.id")
			.value((String id) -> assertThat(id).startsWith("r"))
			.jsonPath("$.message.id")
			.isNotEmpty()
			.jsonPath("$.message.labelIds")
			.isEqualTo(List.of("DRAFT"));
		assertThat(this.writes.count("ada", ProviderWrites.GMAIL_DRAFT)).isEqualTo(1);
	}

	private static String raw(String to, String subject, String text) {
		String message = ((to != null) ? "To: " + to + "\r\n" : "") + "From: ada@countersign.example\r\nSubject: "
				+ subject + "\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n" + text + "\r\n";
		return Base64.getUrlEncoder().withoutPadding().encodeToString(message.getBytes(StandardCharsets.UTF_8));
	}

	private WebTestClient.ResponseSpec send(String method, String path, String token, String json) {
		WebTestClient.RequestBodySpec request = this.emulations.client
			.method(org.springframework.http.HttpMethod.valueOf(method))
			.uri(path)
			.header("Authorization", "Bearer " + token);
		if (json == null) {
			return request.exchange();
		}
		return request.contentType(MediaType.APPLICATION_JSON).bodyValue(json).exchange();
	}

}
