package dev.countersign.server.tool.email;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import jakarta.mail.Address;
import jakarta.mail.Message.RecipientType;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeUtility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.countersign.policy.action.Action;
import dev.countersign.server.approval.WriteOutcomeUnknownException;
import dev.countersign.server.approval.WriteRejectedException;
import dev.countersign.server.provider.FakeProviderTokens;
import dev.countersign.server.provider.ProviderHttp;
import dev.countersign.server.provider.ProviderWriteHttp;
import dev.countersign.server.tool.write.TestWrites;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code email_create_draft} and {@code email_send} against WireMock replaying Gmail's
 * answers: the MIME parsed back with Jakarta Mail, and every write sent once.
 */
class WebClientGmailWriterTests {

	private static final WireMockServer gmail = new WireMockServer(options().dynamicPort());

	private static final String DRAFTS = "/users/me/drafts";

	private static final String CREATED = """
			{
			 "id": "r-4719348235234583023",
			 "message": {"id": "18f2b0c1d2e3f405", "threadId": "18f2a9c4d5e6b701", "labelIds": ["DRAFT"]}
			}""";

	private final Action action = TestWrites.action("email_create_draft",
			Map.of("to", List.of("grace.hopper@northwind.example"), "cc", List.of("alan@contoso.example"), "bcc",
					List.of("ada@analytical.example"), "subject", "Renewal proposal — Q4", "body",
					"Hi Grace,\n\nthe renewal proposal is attached.\n", "thread_id", "18f2a9c4d5e6b701"));

	private WebClientGmailWriter writer;

	@BeforeAll
	static void start() {
		gmail.start();
	}

	@AfterAll
	static void stop() {
		gmail.stop();
	}

	@BeforeEach
	void setUp() {
		gmail.resetAll();
		this.writer = new WebClientGmailWriter(
				ProviderWriteHttp.builder("Gmail", URI.create(gmail.baseUrl()), TestWrites.breaker(ProviderHttp.GOOGLE))
					.timeout(Duration.ofMillis(500))
					.build());
	}

	@Test
	void executeWhenCreatedThenMimeHasEveryRecipientAndResultIsTheDraft() throws Exception {
		gmail.stubFor(post(urlPathEqualTo(DRAFTS)).willReturn(okJson(CREATED)));
		assertThat(this.writer.execute(this.action, FakeProviderTokens.TOKEN).block())
			.isEqualTo(Map.of("draft_id", "r-4719348235234583023", "message_id", "18f2b0c1d2e3f405"));
		List<LoggedRequest> requests = gmail.findAll(postRequestedFor(urlPathEqualTo(DRAFTS))
			.withHeader("Authorization", equalTo("Bearer " + FakeProviderTokens.TOKEN)));
		assertThat(requests).hasSize(1);
		JsonNode body = JsonMapper.builder().build().readTree(requests.get(0).getBodyAsString());
		assertThat(body.propertyNames()).containsExactly("message");
		assertThat(body.path("message").propertyNames()).containsExactlyInAnyOrder("raw", "threadId");
		assertThat(body.path("message").path("threadId").stringValue()).isEqualTo("18f2a9c4d5e6b701");
		String raw = body.path("message").path("raw").stringValue();
		assertThat(raw).doesNotContain("+", "/");
		MimeMessage mime = new MimeMessage(Session.getInstance(new Properties()),
				new ByteArrayInputStream(Base64.getUrlDecoder().decode(raw)));
		assertThat(addresses(mime.getRecipients(RecipientType.TO))).containsExactly("grace.hopper@northwind.example");
		assertThat(addresses(mime.getRecipients(RecipientType.CC))).containsExactly("alan@contoso.example");
		assertThat(addresses(mime.getRecipients(RecipientType.BCC))).containsExactly("ada@analytical.example");
		assertThat(mime.getSubject()).isEqualTo("Renewal proposal — Q4");
		assertThat(mime.getContent()).isEqualTo("Hi Grace,\n\nthe renewal proposal is attached.\n");
		assertThat(mime.getFrom()).isNull();
	}

	@Test
	void executeWhenGmailRefusesThenRejected() {
		gmail.stubFor(post(urlPathEqualTo(DRAFTS)).willReturn(aResponse().withStatus(403)
			.withHeader("Content-Type", "application/json; charset=UTF-8")
			.withBody(
					"""
							{"error":{"code":403,"message":"Request had insufficient authentication scopes.",
							 "errors":[{"message":"Insufficient Permission","domain":"global","reason":"insufficientPermissions"}],
							 "status":"PERMISSION_DENIED"}}""")));
		StepVerifier.create(this.writer.execute(this.action, FakeProviderTokens.TOKEN))
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(WriteRejectedException.class)
				.hasMessage("Gmail refused the draft \"Renewal proposal — Q4\" (HTTP 403: Request had insufficient "
						+ "authentication scopes); the account may lack access."))
			.verify();
		gmail.verify(1, postRequestedFor(urlPathEqualTo(DRAFTS)));
	}

	@Test
	void executeWhenNoAnswerInTimeThenUnknownAndSentOnce() {
		gmail.stubFor(post(urlPathEqualTo(DRAFTS)).willReturn(okJson(CREATED).withFixedDelay(2000)));
		StepVerifier.create(this.writer.execute(this.action, FakeProviderTokens.TOKEN))
			.expectError(WriteOutcomeUnknownException.class)
			.verify(Duration.ofSeconds(10));
		gmail.verify(1, postRequestedFor(urlPathEqualTo(DRAFTS)));
	}

	private static final String SEND = "/users/me/messages/send";

	private static final String PARENT = "<18f2a9c4d5e6b702@mail.countersign.example>";

	private static final String CHAIN = "<18f2a9c4d5e6b701@mail.countersign.example> " + PARENT;

	private final Action send = TestWrites.action("email_send",
			Map.of("to", List.of("grace.hopper@northwind.example"), "cc", List.of("charles@countersign.example"), "bcc",
					List.of("audit@countersign.example"), "subject", "Re: Gold tier terms", "body",
					"Hi Grace,\n\nhere are the Gold tier terms.\n", "thread_id", "18f2a9c4d5e6b701"),
			Map.of("from", "ada@countersign.example", "in_reply_to", PARENT, "references", CHAIN));

	@Test
	void sendWhenSentThenExactRawMessageOnceAndResultIsTheMessage() throws Exception {
		gmail.stubFor(post(urlPathEqualTo(SEND)).willReturn(okJson("""
				{"id": "19a0b1c2d3e4f506", "threadId": "18f2a9c4d5e6b701", "labelIds": ["SENT"]}""")));
		assertThat(this.writer.tools()).contains("email_create_draft", "email_send");
		assertThat(this.writer.execute(this.send, FakeProviderTokens.TOKEN).block())
			.isEqualTo(Map.of("message_id", "19a0b1c2d3e4f506", "thread_id", "18f2a9c4d5e6b701"));
		List<LoggedRequest> requests = gmail.findAll(postRequestedFor(urlPathEqualTo(SEND)).withHeader("Authorization",
				equalTo("Bearer " + FakeProviderTokens.TOKEN)));
		assertThat(requests).hasSize(1);
		gmail.verify(0, postRequestedFor(urlPathEqualTo(DRAFTS)));
		JsonNode body = JsonMapper.builder().build().readTree(requests.get(0).getBodyAsString());
		assertThat(body.propertyNames()).containsExactlyInAnyOrder("raw", "threadId");
		assertThat(body.path("threadId").stringValue()).isEqualTo("18f2a9c4d5e6b701");
		MimeMessage mime = new MimeMessage(Session.getInstance(new Properties()),
				new ByteArrayInputStream(Base64.getUrlDecoder().decode(body.path("raw").stringValue())));
		assertThat(addresses(mime.getFrom())).containsExactly("ada@countersign.example");
		assertThat(addresses(mime.getRecipients(RecipientType.TO))).containsExactly("grace.hopper@northwind.example");
		assertThat(addresses(mime.getRecipients(RecipientType.CC))).containsExactly("charles@countersign.example");
		// Gmail delivers to Bcc only if the raw message names it.
		assertThat(addresses(mime.getRecipients(RecipientType.BCC))).containsExactly("audit@countersign.example");
		assertThat(mime.getSubject()).isEqualTo("Re: Gold tier terms");
		assertThat(mime.getHeader("In-Reply-To", null)).isEqualTo(PARENT);
		assertThat(MimeUtility.unfold(mime.getHeader("References", null))).isEqualTo(CHAIN);
		assertThat(mime.getContent()).isEqualTo("Hi Grace,\n\nhere are the Gold tier terms.\n");
	}

	@Test
	void sendWhenNotAReplyThenNoThreadHeaders() throws Exception {
		Action fresh = TestWrites.action("email_send",
				Map.of("to", List.of("grace.hopper@northwind.example"), "subject", "Hello", "body", "Hi"),
				Map.of("from", "ada@countersign.example"));
		gmail.stubFor(post(urlPathEqualTo(SEND)).willReturn(okJson("""
				{"id": "19a0b1c2d3e4f507", "threadId": "19a0b1c2d3e4f507", "labelIds": ["SENT"]}""")));
		this.writer.execute(fresh, FakeProviderTokens.TOKEN).block();
		JsonNode body = JsonMapper.builder()
			.build()
			.readTree(gmail.findAll(postRequestedFor(urlPathEqualTo(SEND))).get(0).getBodyAsString());
		assertThat(body.propertyNames()).containsExactly("raw");
		MimeMessage mime = new MimeMessage(Session.getInstance(new Properties()),
				new ByteArrayInputStream(Base64.getUrlDecoder().decode(body.path("raw").stringValue())));
		assertThat(mime.getHeader("In-Reply-To")).isNull();
		assertThat(mime.getHeader("References")).isNull();
		assertThat(mime.getRecipients(RecipientType.BCC)).isNull();
	}

	@Test
	void sendWhenFrozenThreadHeadersAreMalformedThenNothingSent() {
		Action tampered = TestWrites.action("email_send",
				Map.of("to", List.of("grace.hopper@northwind.example"), "subject", "Hello", "body", "Hi"),
				Map.of("in_reply_to", "<a@b>\r\nBcc: eve@evil.example", "references", "<a@b>"));
		StepVerifier.create(this.writer.execute(tampered, FakeProviderTokens.TOKEN))
			.expectError(WriteRejectedException.class)
			.verify();
		gmail.verify(0, postRequestedFor(urlPathEqualTo(SEND)));
	}

	@Test
	void sendWhenGmailRefusesThenFailedWithGmailsMessage() {
		gmail.stubFor(post(urlPathEqualTo(SEND)).willReturn(
				aResponse().withStatus(400).withHeader("Content-Type", "application/json; charset=UTF-8").withBody("""
						{"error":{"code":400,"message":"Invalid To header",
						 "errors":[{"message":"Invalid To header","domain":"global","reason":"invalidArgument"}],
						 "status":"INVALID_ARGUMENT"}}""")));
		StepVerifier.create(this.writer.execute(this.send, FakeProviderTokens.TOKEN))
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(WriteRejectedException.class)
				.hasMessage("Gmail refused the message \"Re: Gold tier terms\" (HTTP 400: Invalid To header)."))
			.verify();
		gmail.verify(1, postRequestedFor(urlPathEqualTo(SEND)));
	}

	@Test
	void sendWhenThreadUnknownThenFailedNamingTheThread() {
		gmail.stubFor(post(urlPathEqualTo(SEND)).willReturn(
				aResponse().withStatus(404).withHeader("Content-Type", "application/json; charset=UTF-8").withBody("""
						{"error":{"code":404,"message":"Requested entity was not found.",
						 "errors":[{"message":"Requested entity was not found.","domain":"global","reason":"notFound"}],
						 "status":"NOT_FOUND"}}""")));
		StepVerifier.create(this.writer.execute(this.send, FakeProviderTokens.TOKEN))
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(WriteRejectedException.class)
				.hasMessage("Gmail found no thread 18f2a9c4d5e6b701 for the connected account; nothing was sent."))
			.verify();
	}

	@Test
	void sendWhenGmailFailsThenUnknownBecauseItMayHaveGoneOut() {
		gmail.stubFor(post(urlPathEqualTo(SEND)).willReturn(
				aResponse().withStatus(500).withHeader("Content-Type", "application/json; charset=UTF-8").withBody("""
						{"error":{"code":500,"message":"Backend Error","status":"INTERNAL"}}""")));
		StepVerifier.create(this.writer.execute(this.send, FakeProviderTokens.TOKEN))
			.expectError(WriteOutcomeUnknownException.class)
			.verify();
		gmail.verify(1, postRequestedFor(urlPathEqualTo(SEND)));
	}

	@Test
	void sendWhenNoAnswerInTimeThenUnknownAndSentOnce() {
		gmail.stubFor(post(urlPathEqualTo(SEND)).willReturn(okJson("""
				{"id": "19a0b1c2d3e4f506", "threadId": "18f2a9c4d5e6b701"}""").withFixedDelay(2000)));
		StepVerifier.create(this.writer.execute(this.send, FakeProviderTokens.TOKEN))
			.expectError(WriteOutcomeUnknownException.class)
			.verify(Duration.ofSeconds(10));
		gmail.verify(1, postRequestedFor(urlPathEqualTo(SEND)));
	}

	private static List<String> addresses(Address[] addresses) {
		return Arrays.stream(addresses).map(Address::toString).toList();
	}

}
