package dev.countersign.server.tool.email;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import jakarta.activation.DataHandler;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.countersign.server.provider.FakeProviderTokens;
import dev.countersign.server.provider.ProviderHttp;
import dev.countersign.server.tool.ToolFailure;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.havingExactly;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static dev.countersign.server.provider.ToolCalls.answer;
import static dev.countersign.server.provider.ToolCalls.call;
import static dev.countersign.server.provider.ToolCalls.failure;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The email tools against WireMock replaying Gmail v1's answers, with raw messages built
 * by Jakarta Mail.
 */
class EmailToolsTests {

	private static final WireMockServer gmail = new WireMockServer(options().dynamicPort());

	private static final String MESSAGES = "/gmail/v1/users/me/messages";

	private static final Instant SENT = Instant.parse("2026-11-20T09:30:00Z");

	private final FakeProviderTokens tokens = new FakeProviderTokens();

	private WebClientGmail client;

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
		this.client = new WebClientGmail(ProviderHttp
			.builder("Gmail", "google-oauth2", URI.create(gmail.baseUrl() + "/gmail/v1"), this.tokens,
					CircuitBreakerRegistry.of(ProviderHttp.circuitBreakerConfig()).circuitBreaker(ProviderHttp.GOOGLE))
			.readRetry(3, Duration.ofMillis(10))
			.build());
	}

	@Test
	void searchWhenMessagesMatchThenListsThenFetchesEachSummaryInOrder() {
		gmail.stubFor(get(urlPathEqualTo(MESSAGES)).willReturn(okJson("""
				{
				 "messages": [
				  {"id": "18f2a9c4d5e6b701", "threadId": "18f2a9c4d5e6b700"},
				  {"id": "18f2a9c4d5e6b702", "threadId": "18f2a9c4d5e6b702"},
				  {"id": "18f2a9c4d5e6b703", "threadId": "18f2a9c4d5e6b703"}
				 ],
				 "nextPageToken": "09270541716125355082",
				 "resultSizeEstimate": 3
				}""")));
		gmail.stubFor(get(urlPathEqualTo(MESSAGES + "/18f2a9c4d5e6b701")).willReturn(okJson(metadata("18f2a9c4d5e6b701",
				"18f2a9c4d5e6b700", "Grace Hopper <grace.hopper@northwind.example>", "Renewal proposal",
				"Fri, 20 Nov 2026 10:30:00 +0100", "Hi Ada, the renewal proposal is attached"))
			.withFixedDelay(150)));
		gmail.stubFor(get(urlPathEqualTo(MESSAGES + "/18f2a9c4d5e6b702"))
			.willReturn(okJson(metadata("18f2a9c4d5e6b702", "18f2a9c4d5e6b702", "billing@northwind.example",
					"Invoice 2026-11", "Thu, 19 Nov 2026 08:00:00 +0000 (UTC)", "Your invoice"))));
		// Deleted between the list and the fetch: left out.
		gmail.stubFor(get(urlPathEqualTo(MESSAGES + "/18f2a9c4d5e6b703")).willReturn(aResponse().withStatus(404)
			.withHeader("Content-Type", "application/json")
			.withBody(
					"{\"error\":{\"code\":404,\"message\":\"Requested entity was not found.\",\"status\":\"NOT_FOUND\"}}")));

		Map<String, Object> result = answer(EmailTools.search(this.client),
				call("email_search", Map.of("query", "from:grace subject:\"renewal + pricing\"", "max_results", 5)));

		gmail.verify(getRequestedFor(urlPathEqualTo(MESSAGES))
			.withHeader("Authorization", equalTo("Bearer " + FakeProviderTokens.TOKEN))
			.withQueryParam("q", equalTo("from:grace subject:\"renewal + pricing\""))
			.withQueryParam("maxResults", equalTo("5")));
		gmail.verify(getRequestedFor(urlPathEqualTo(MESSAGES + "/18f2a9c4d5e6b701"))
			.withHeader("Authorization", equalTo("Bearer " + FakeProviderTokens.TOKEN))
			.withQueryParam("format", equalTo("metadata"))
			.withQueryParam("metadataHeaders", havingExactly("From", "Subject", "Date")));
		assertThat(result).containsEntry("count", 2);
		assertThat(result.get("messages")).isEqualTo(List.of(
				Map.of("id", "18f2a9c4d5e6b701", "thread_id", "18f2a9c4d5e6b700", "from",
						"Grace Hopper <grace.hopper@northwind.example>", "subject", "Renewal proposal", "date",
						"2026-11-20T09:30:00Z", "snippet", "Hi Ada, the renewal proposal is attached"),
				Map.of("id", "18f2a9c4d5e6b702", "thread_id", "18f2a9c4d5e6b702", "from", "billing@northwind.example",
						"subject", "Invoice 2026-11", "date", "2026-11-19T08:00:00Z", "snippet", "Your invoice")));
	}

	@Test
	void searchWhenNothingMatchesThenAnswersNoMessages() {
		gmail.stubFor(get(urlPathEqualTo(MESSAGES)).willReturn(okJson("{\"resultSizeEstimate\": 0}")));
		Map<String, Object> result = answer(EmailTools.search(this.client),
				call("email_search", Map.of("query", "newer_than:1d")));
		assertThat(result).containsEntry("count", 0).containsEntry("messages", List.of());
		gmail.verify(getRequestedFor(urlPathEqualTo(MESSAGES)).withQueryParam("maxResults", equalTo("10")));
	}

	@Test
	void getWhenMultipartAlternativeThenAnswersThePlainTextAndHeaders() throws Exception {
		MimeMessage message = message("Renewal — proposal");
		MimeMultipart alternative = new MimeMultipart("alternative");
		alternative.addBodyPart(text("Hi Ada,\n\nthe renewal costs 12 000 € a year.\n\nGrace", "plain"));
		alternative
			.addBodyPart(text("<p>Hi Ada,</p><p>the <b>renewal</b> costs 12&nbsp;000 &euro; a year.</p>", "html"));
		message.setContent(alternative);
		stubRaw("18f2a9c4d5e6b701", message);

		Map<String, Object> result = answer(EmailTools.get(this.client),
				call("email_get", Map.of("message_id", "18f2a9c4d5e6b701")));

		gmail.verify(getRequestedFor(urlPathEqualTo(MESSAGES + "/18f2a9c4d5e6b701"))
			.withHeader("Authorization", equalTo("Bearer " + FakeProviderTokens.TOKEN))
			.withQueryParam("format", equalTo("raw")));
		assertThat(result).containsEntry("id", "18f2a9c4d5e6b701")
			.containsEntry("thread_id", "18f2a9c4d5e6b700")
			.containsEntry("from", "Grace Hopper <grace.hopper@northwind.example>")
			.containsEntry("to", List.of("Ada Lovelace <ada@analytical.example>"))
			.containsEntry("cc", List.of("bill@northwind.example"))
			.containsEntry("subject", "Renewal — proposal")
			.containsEntry("date", "2026-11-20T09:30:00Z")
			.containsEntry("body", "Hi Ada,\n\nthe renewal costs 12 000 € a year.\n\nGrace")
			.doesNotContainKey("attachments");
	}

	@Test
	void getWhenMixedWithNestedAlternativeAndAttachmentsThenListsTheirNames() throws Exception {
		MimeMessage message = message("Proposal attached");
		MimeMultipart alternative = new MimeMultipart("alternative");
		alternative.addBodyPart(text("See the attached proposal.", "plain"));
		alternative.addBodyPart(text("<p>See the attached <i>proposal</i>.</p>", "html"));
		MimeBodyPart body = new MimeBodyPart();
		body.setContent(alternative);
		MimeBodyPart pdf = new MimeBodyPart();
		pdf.setDataHandler(new DataHandler(
				new ByteArrayDataSource(new byte[] { 0x25, 0x50, 0x44, 0x46, 0x2d, 0x31 }, "application/pdf")));
		pdf.setFileName("Renewal proposal 2027.pdf");
		pdf.setDisposition(MimeBodyPart.ATTACHMENT);
		MimeBodyPart notes = new MimeBodyPart();
		notes.setText("Internal notes: do not forward.", "UTF-8");
		notes.setFileName("notes-résumé.txt");
		notes.setDisposition(MimeBodyPart.ATTACHMENT);
		MimeMultipart mixed = new MimeMultipart("mixed");
		mixed.addBodyPart(body);
		mixed.addBodyPart(pdf);
		mixed.addBodyPart(notes);
		message.setContent(mixed);
		stubRaw("18f2a9c4d5e6b704", message);

		Map<String, Object> result = answer(EmailTools.get(this.client),
				call("email_get", Map.of("message_id", "18f2a9c4d5e6b704")));

		assertThat(result).containsEntry("body", "See the attached proposal.")
			.containsEntry("attachments", List.of("Renewal proposal 2027.pdf", "notes-résumé.txt"));
	}

	@Test
	void getWhenOnlyHtmlInBase64ThenAnswersItReducedToText() throws Exception {
		MimeMessage message = message("Newsletter");
		MimeBodyPart html = text("<html><head><style>p{color:red}</style></head><body><h1>News</h1>"
				+ "<p>Line one<br>Line &amp; two</p><ul><li>first</li><li>second</li></ul>"
				+ "<script>alert(1)</script></body></html>", "html");
		html.setHeader("Content-Transfer-Encoding", "base64");
		MimeMultipart related = new MimeMultipart("related");
		related.addBodyPart(html);
		message.setContent(related);
		message.saveChanges();
		html.setHeader("Content-Transfer-Encoding", "base64");
		assertThat(stubRaw("18f2a9c4d5e6b705", message)).contains("Content-Transfer-Encoding: base64");

		Map<String, Object> result = answer(EmailTools.get(this.client),
				call("email_get", Map.of("message_id", "18f2a9c4d5e6b705")));

		assertThat(result).containsEntry("body", "News\nLine one\nLine & two\n- first\n- second");
	}

	@Test
	void getWhenProviderAnswers404ThenNotFoundNamingTheMessage() {
		gmail.stubFor(get(urlPathEqualTo(MESSAGES + "/18f2a9c4d5e6b799")).willReturn(aResponse().withStatus(404)
			.withHeader("Content-Type", "application/json")
			.withBody(
					"""
							{"error":{"code":404,"message":"Requested entity was not found.","errors":[{"message":"Requested entity was not found.","domain":"global","reason":"notFound"}],"status":"NOT_FOUND"}}""")));
		RuntimeException failure = failure(EmailTools.get(this.client),
				call("email_get", Map.of("message_id", "18f2a9c4d5e6b799")));
		assertThat(failure).isInstanceOf(ToolFailure.class)
			.hasMessage("Gmail found no message 18f2a9c4d5e6b799, or the connected account cannot see it.");
		gmail.verify(1, getRequestedFor(urlPathEqualTo(MESSAGES + "/18f2a9c4d5e6b799")));
	}

	@Test
	void getWhenProviderAnswers401ThenInvalidatesAndAsksToReauthorize() {
		gmail.stubFor(get(urlPathEqualTo(MESSAGES + "/18f2a9c4d5e6b701")).willReturn(aResponse().withStatus(401)
			.withHeader("Content-Type", "application/json")
			.withBody(
					"""
							{"error":{"code":401,"message":"Request had invalid authentication credentials.","status":"UNAUTHENTICATED"}}""")));
		RuntimeException failure = failure(EmailTools.get(this.client),
				call("email_get", Map.of("message_id", "18f2a9c4d5e6b701")));
		assertThat(failure).hasMessageContaining("re-authorize the google-oauth2 connection");
		assertThat(this.tokens.invalidations()).containsExactly("auth0|ada google-oauth2");
	}

	private static String metadata(String id, String threadId, String from, String subject, String date,
			String snippet) {
		return """
				{
				 "id": "%s",
				 "threadId": "%s",
				 "labelIds": ["INBOX", "CATEGORY_PERSONAL"],
				 "snippet": "%s",
				 "payload": {
				  "mimeType": "multipart/alternative",
				  "headers": [
				   {"name": "From", "value": "%s"},
				   {"name": "Date", "value": "%s"},
				   {"name": "Subject", "value": "%s"}
				  ]
				 },
				 "sizeEstimate": 5321,
				 "historyId": "1234567",
				 "internalDate": "1795685400000"
				}""".formatted(id, threadId, snippet, from.replace("\"", "\\\""), date, subject);
	}

	private static MimeMessage message(String subject) throws Exception {
		MimeMessage message = new MimeMessage(Session.getInstance(new Properties()));
		message.setFrom(new InternetAddress("grace.hopper@northwind.example", "Grace Hopper"));
		message.setRecipient(Message.RecipientType.TO, new InternetAddress("ada@analytical.example", "Ada Lovelace"));
		message.setRecipient(Message.RecipientType.CC, new InternetAddress("bill@northwind.example"));
		message.setSubject(subject, "UTF-8");
		message.setSentDate(Date.from(SENT));
		return message;
	}

	private static MimeBodyPart text(String text, String subtype) throws Exception {
		MimeBodyPart part = new MimeBodyPart();
		part.setText(text, "UTF-8", subtype);
		return part;
	}

	private static String stubRaw(String id, MimeMessage message) throws Exception {
		message.saveChanges();
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		message.writeTo(bytes);
		String raw = Base64.getUrlEncoder().encodeToString(bytes.toByteArray());
		gmail.stubFor(get(urlPathEqualTo(MESSAGES + "/" + id)).willReturn(okJson("""
				{"id":"%s","threadId":"18f2a9c4d5e6b700","labelIds":["INBOX"],"snippet":"…","sizeEstimate":%d,
				 "historyId":"1234568","internalDate":"1795685400000","raw":"%s"}""".formatted(id, bytes.size(),
				raw))));
		String text = bytes.toString(StandardCharsets.US_ASCII);
		assertThat(text).doesNotContain("€");
		return text;
	}

}
