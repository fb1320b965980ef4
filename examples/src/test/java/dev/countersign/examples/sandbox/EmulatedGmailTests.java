package dev.countersign.examples.sandbox;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import jakarta.mail.Multipart;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;

import org.springframework.test.json.JsonCompareMode;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.countersign.server.tool.ToolCatalog;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The emulated Gmail API serves each user's seeded mailbox, real RFC 822 messages, to a
 * token the emulated Token Vault issued for Google, with Gmail's shapes and errors.
 */
class EmulatedGmailTests {

	private static final String MESSAGES = EmulatedGmail.BASE_PATH + "/users/me/messages";

	private final Emulations emulations = new Emulations();

	private final String token = this.emulations.google("ada");

	@Test
	void listThenEveryMessageNewestFirstWithThreads() {
		this.emulations.get(MESSAGES, this.token)
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.messages.length()")
			.isEqualTo(12)
			.jsonPath("$.resultSizeEstimate")
			.isEqualTo(12)
			.jsonPath("$.messages[0].id")
			.isEqualTo(SandboxMailboxes.RENEWAL_REPLY)
			.jsonPath("$.messages[0].threadId")
			.isEqualTo(ToolCatalog.EXAMPLE_MESSAGE_ID)
			.jsonPath("$.nextPageToken")
			.doesNotExist();
	}

	@Test
	void listWhenMaxResultsThenPages() {
		String next = (String) body(this.emulations.get(MESSAGES + "?maxResults=5", this.token)).get("nextPageToken");
		this.emulations.get(MESSAGES + "?maxResults=5&pageToken=" + next, this.token)
			.expectBody()
			.jsonPath("$.messages.length()")
			.isEqualTo(5)
			.jsonPath("$.messages[0].id")
			.isEqualTo(SandboxMailboxes.GITHUB_NOTIFICATION);
	}

	@Test
	void listWhenQueriesThenMatchingMessages() {
		assertThat(ids("renewal")).containsExactly(SandboxMailboxes.RENEWAL_REPLY, ToolCatalog.EXAMPLE_MESSAGE_ID,
				SandboxMailboxes.PLANNING_DECK);
		assertThat(ids("from:" + ToolCatalog.EXAMPLE_RECIPIENT)).containsExactly(ToolCatalog.EXAMPLE_MESSAGE_ID,
				SandboxMailboxes.WELCOME);
		assertThat(ids("to:grace.hopper")).containsExactly(SandboxMailboxes.RENEWAL_REPLY);
		assertThat(ids("subject:renewal from:grace")).containsExactly(ToolCatalog.EXAMPLE_MESSAGE_ID);
		assertThat(ids("newer_than:2d")).hasSize(6);
		assertThat(ids("has:attachment")).containsExactly(SandboxMailboxes.PLANNING_DECK, SandboxMailboxes.INVOICE);
		assertThat(ids("\"Mill Café\" is:read")).containsExactly(SandboxMailboxes.LUNCH);
		assertThat(ids("warehouses")).containsExactly(SandboxMailboxes.NEWSLETTER);
		assertThat(ids("subject:renewal -in:sent")).containsExactly(ToolCatalog.EXAMPLE_MESSAGE_ID);
	}

	@Test
	void listWhenNothingMatchesThenNoMessagesField() {
		this.emulations.get(MESSAGES + "?q=zeppelin", this.token)
			.expectStatus()
			.isOk()
			.expectBody()
			.json("{\"resultSizeEstimate\":0}", JsonCompareMode.STRICT);
	}

	@Test
	void getRawThenRfc822ThatJakartaMailParses() throws Exception {
		Map<String, Object> body = body(
				this.emulations.get(MESSAGES + "/" + ToolCatalog.EXAMPLE_MESSAGE_ID + "?format=raw", this.token));
		assertThat(body).containsKeys("id", "threadId", "labelIds", "snippet", "sizeEstimate", "historyId",
				"internalDate", "raw");
		assertThat(body).doesNotContainKey("payload");
		byte[] raw = Base64.getUrlDecoder().decode((String) body.get("raw"));
		MimeMessage message = new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(raw));
		assertThat(message.getSubject()).containsIgnoringCase("renewal");
		assertThat(((InternetAddress) message.getFrom()[0]).getAddress()).isEqualTo(ToolCatalog.EXAMPLE_RECIPIENT);
		assertThat(message.isMimeType("multipart/alternative")).isTrue();
		Multipart parts = (Multipart) message.getContent();
		assertThat(parts.getBodyPart(0).getContent().toString()).contains("two years at the");
		assertThat(parts.getBodyPart(1).isMimeType("text/html")).isTrue();
		assertThat(body.get("sizeEstimate")).isEqualTo(raw.length);
		assertThat(body.get("labelIds")).asInstanceOf(InstanceOfAssertFactories.LIST).contains("INBOX", "UNREAD");
	}

	@Test
	void getReplyThenInTheOriginalsThread() throws Exception {
		Map<String, Object> body = body(
				this.emulations.get(MESSAGES + "/" + SandboxMailboxes.RENEWAL_REPLY + "?format=raw", this.token));
		assertThat(body.get("threadId")).isEqualTo(ToolCatalog.EXAMPLE_MESSAGE_ID);
		MimeMessage reply = new MimeMessage(Session.getInstance(new Properties()),
				new ByteArrayInputStream(Base64.getUrlDecoder().decode((String) body.get("raw"))));
		assertThat(reply.getHeader("In-Reply-To", null))
			.isEqualTo("<" + ToolCatalog.EXAMPLE_MESSAGE_ID + "@mail.countersign.example>");
		assertThat(reply.getSubject()).startsWith("Re: ");
	}

	@Test
	void getMetadataThenOnlyTheAskedHeaders() {
		this.emulations
			.get(MESSAGES + "/" + ToolCatalog.EXAMPLE_MESSAGE_ID
					+ "?format=metadata&metadataHeaders=Subject&metadataHeaders=from", this.token)
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.payload.mimeType")
			.isEqualTo("multipart/alternative")
			.jsonPath("$.payload.headers[*].name")
			.isEqualTo(List.of("From", "Subject"))
			.jsonPath("$.payload.parts")
			.doesNotExist()
			.jsonPath("$.raw")
			.doesNotExist();
	}

	@Test
	void getFullThenPartTreeWithBodiesAndAttachments() {
		this.emulations.get(MESSAGES + "/" + SandboxMailboxes.PLANNING_DECK, this.token)
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.payload.partId")
			.isEqualTo("")
			.jsonPath("$.payload.mimeType")
			.isEqualTo("multipart/mixed")
			.jsonPath("$.payload.parts[0].partId")
			.isEqualTo("0")
			.jsonPath("$.payload.parts[0].body.data")
			.value((String data) -> assertThat(new String(Base64.getUrlDecoder().decode(data), StandardCharsets.UTF_8))
				.contains("pipeline export"))
			.jsonPath("$.payload.parts[1].filename")
			.isEqualTo("pipeline-q4.csv")
			.jsonPath("$.payload.parts[1].mimeType")
			.isEqualTo("text/csv")
			.jsonPath("$.payload.parts[1].body.attachmentId")
			.exists()
			.jsonPath("$.payload.parts[1].body.data")
			.doesNotExist();
	}

	@Test
	void getWhenUnknownOrMalformedIdThenGoogleErrors() {
		this.emulations.get(MESSAGES + "/18f2a9c4d5e6ffff", this.token)
			.expectStatus()
			.isNotFound()
			.expectBody()
			.json("""
					{"error":{"code":404,"message":"Requested entity was not found.",
					 "errors":[{"message":"Requested entity was not found.","domain":"global","reason":"notFound"}],
					 "status":"NOT_FOUND"}}""", JsonCompareMode.STRICT);
		this.emulations.get(MESSAGES + "/not-an-id", this.token)
			.expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.error.message")
			.isEqualTo("Invalid id value");
	}

	@Test
	void listWhenGitHubTokenThenUnauthenticated() {
		this.emulations.get(MESSAGES, this.emulations.github("ada"))
			.expectStatus()
			.isUnauthorized()
			.expectBody()
			.jsonPath("$.error.status")
			.isEqualTo("UNAUTHENTICATED");
	}

	@Test
	void listWhenFaultInjectedThenGmailRateLimitError() {
		this.emulations.faults.gmail().failNext(1, 429);
		this.emulations.get(MESSAGES, this.token)
			.expectStatus()
			.isEqualTo(429)
			.expectBody()
			.jsonPath("$.error.status")
			.isEqualTo("RESOURCE_EXHAUSTED");
		this.emulations.get(MESSAGES, this.token).expectStatus().isOk();
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> body(WebTestClient.ResponseSpec response) {
		return response.expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
	}

	private List<String> ids(String q) {
		Map<String, Object> body = body(this.emulations.client.get()
			.uri((uri) -> uri.path(MESSAGES).queryParam("q", "{q}").build(q))
			.header("Authorization", "Bearer " + this.token)
			.exchange());
		List<?> messages = (List<?>) body.get("messages");
		return (messages != null) ? messages.stream().map((m) -> (String) ((Map<?, ?>) m).get("id")).toList()
				: List.of();
	}

}
