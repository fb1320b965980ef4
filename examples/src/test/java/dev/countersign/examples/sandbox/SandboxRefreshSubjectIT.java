package dev.countersign.examples.sandbox;

import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.countersign.policy.account.RefreshTokenStore;
import dev.countersign.policy.account.StoredRefreshToken;
import dev.countersign.policy.audit.AuditEvent;
import dev.countersign.policy.audit.AuditEventType;
import dev.countersign.policy.audit.AuditStore;
import dev.countersign.server.tool.ToolCatalog;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code countersign.vault.write-subject=refresh-token} end to end (DESIGN §3 Writes): an
 * approved write fails until the user signs in to the console; the sign-in goes through
 * {@code /console/login}, the emulated tenant's consent page and
 * {@code /console/callback} with a real HTTP client; then an approved write runs with the
 * stored refresh token as the Token Vault subject, and that token never shows in MCP
 * answers, the audit trail, the store or the log.
 */
@ExtendWith(OutputCaptureExtension.class)
class SandboxRefreshSubjectIT {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	private static final Pattern HIDDEN = Pattern
		.compile("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\">");

	private static RunningSandbox sandbox;

	private static Phone phone;

	@BeforeAll
	static void start() {
		sandbox = RunningSandbox.start("--countersign.approval.batch-window=1s",
				"--countersign.vault.write-subject=refresh-token");
		phone = new Phone(sandbox);
	}

	@AfterAll
	static void stop() {
		sandbox.close();
	}

	@Test
	void writeFailsUntilSignInThenRunsWithTheRefreshTokenWhichNeverLeaks(CapturedOutput output) throws Exception {
		String user = SandboxUsers.DEFAULT_USER;
		String subject = SandboxUsers.subject(user);
		List<String> mcpAnswers = new ArrayList<>();
		try (SandboxAgent agent = SandboxAgent.connect(sandbox, user)) {
			// Before sign-in: approved, but no subject for the exchange.
			String first = agent.queue("github_create_issue",
					Map.of("repo", ToolCatalog.EXAMPLE_REPO, "title", "Before sign-in"));
			phone.decide(phone.awaitRequest(user).get("auth_req_id").asString(), "approve");
			assertThat(agent.awaitFinal(first, Duration.ofSeconds(40))).isEqualTo("failed");
			JsonNode failed = agent.call("action_status", Map.of("action_id", first));
			mcpAnswers.add(failed.toString());
			assertThat(failed.get("reason").asString()).isEqualTo("sign in to the Countersign console at "
					+ sandbox.baseUrl() + "/console/login so Countersign can run approved writes");
			assertThat(sandbox.bean(ProviderWrites.class).count(user, ProviderWrites.GITHUB_ISSUE)).isZero();

			String page = signIn(user);
			assertThat(page).contains("Sign-in stored")
				.contains(subject)
				.contains("DELETE /api/v1/console/refresh-token");

			EmulatedRefreshTokens refreshTokens = sandbox.bean(EmulatedRefreshTokens.class);
			assertThat(refreshTokens.issuedTokens()).hasSize(1);
			String refreshToken = refreshTokens.issuedTokens().iterator().next();
			StoredRefreshToken stored = sandbox.bean(RefreshTokenStore.class).find(subject).block();
			assertThat(stored).isNotNull();
			assertThat(stored.ciphertext()).doesNotContain(refreshToken);
			assertThat(page).doesNotContain(refreshToken);

			// After sign-in: the same kind of write runs, exchanged with the refresh
			// token.
			long refreshExchangesBefore = refreshTokens.exchangeCount(user);
			String second = agent.queue("github_create_issue",
					Map.of("repo", ToolCatalog.EXAMPLE_REPO, "title", "After sign-in"));
			phone.decide(phone.awaitRequest(user).get("auth_req_id").asString(), "approve");
			assertThat(agent.awaitFinal(second, Duration.ofSeconds(40))).isEqualTo("succeeded");
			JsonNode succeeded = agent.call("action_status", Map.of("action_id", second));
			mcpAnswers.add(succeeded.toString());
			assertThat(refreshTokens.exchangeCount(user) - refreshExchangesBefore).isEqualTo(1);
			assertThat(sandbox.bean(ProviderWrites.class).count(user, ProviderWrites.GITHUB_ISSUE)).isEqualTo(1);
			JsonNode issues = agent.call("github_list_issues", Map.of("repo", ToolCatalog.EXAMPLE_REPO));
			mcpAnswers.add(issues.toString());
			assertThat(issues.get("issues").findValuesAsString("title")).contains("After sign-in")
				.doesNotContain("Before sign-in");

			List<AuditEvent> audit = sandbox.bean(AuditStore.class).read(subject, 1, 10_000).collectList().block();
			assertThat(audit).filteredOn((event) -> event.type() == AuditEventType.REFRESH_TOKEN_STORED).hasSize(1);
			assertThat(audit).filteredOn((event) -> event.type() == AuditEventType.EXCHANGE_DONE)
				.singleElement()
				.satisfies((event) -> assertThat(event.details()).containsEntry("subject", "refresh-token")
					.containsEntry("connection", "github"));

			// Forgetting it: the next write fails again with the sentence.
			HttpResponse<String> forgot = HTTP
				.send(HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + "/api/v1/console/refresh-token"))
					.header("Authorization", "Bearer " + sandbox.consoleToken(user))
					.DELETE()
					.build(), HttpResponse.BodyHandlers.ofString());
			assertThat(forgot.statusCode()).isEqualTo(200);
			assertThat(JSON.readTree(forgot.body()).get("forgotten").asBoolean()).isTrue();
			assertThat(sandbox.bean(RefreshTokenStore.class).find(subject).block()).isNull();

			String exported = sandbox.bean(AuditStore.class)
				.read(subject, 1, 10_000)
				.map(JSON::writeValueAsString)
				.collect(Collectors.joining("\n"))
				.block();
			assertThat(exported).contains("REFRESH_TOKEN_FORGOTTEN").doesNotContain(refreshToken);
			assertThat(String.join("\n", mcpAnswers)).doesNotContain(refreshToken);
			assertThat(output.getAll()).doesNotContain(refreshToken);
		}
	}

	@Test
	void callbackWithUnknownStateThenRefusedPageAndNothingStored() throws Exception {
		HttpResponse<String> response = HTTP
			.send(HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + "/console/callback?code=forged&state=forged"))
				.build(), HttpResponse.BodyHandlers.ofString());

		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(response.body()).contains("Sign-in failed").contains("unknown").doesNotContain("forged");
	}

	/**
	 * Signs in through the console as a browser would: follows the redirects, submits the
	 * consent form of the emulated tenant, lands on the callback page.
	 * @return the final page
	 */
	private static String signIn(String user) throws Exception {
		HttpClient browser = HttpClient.newBuilder()
			.followRedirects(HttpClient.Redirect.NORMAL)
			.cookieHandler(new CookieManager())
			.build();
		HttpResponse<String> consent = browser.send(
				HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + "/console/login")).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(consent.statusCode()).as(consent.body()).isEqualTo(200);
		URI authorize = consent.uri();
		assertThat(authorize.getPath()).isEqualTo("/auth0/authorize");
		assertThat(authorize.getRawQuery()).contains("code_challenge_method=S256")
			.contains("response_type=code")
			.contains("offline_access")
			.contains("audience=");
		Map<String, String> form = new LinkedHashMap<>();
		Matcher hidden = HIDDEN.matcher(consent.body());
		while (hidden.find()) {
			form.put(unescape(hidden.group(1)), unescape(hidden.group(2)));
		}
		assertThat(form).containsKeys("state", "nonce", "code_challenge", "redirect_uri");
		form.put("user", user);
		form.put("decision", "allow");
		HttpResponse<String> callback = browser.send(HttpRequest.newBuilder(authorize.resolve("/auth0/authorize"))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString(encode(form)))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(callback.uri().getPath()).isEqualTo("/console/callback");
		assertThat(callback.statusCode()).as(callback.body()).isEqualTo(200);
		return callback.body();
	}

	private static String encode(Map<String, String> form) {
		return form.entrySet()
			.stream()
			.map((entry) -> URLEncoder.encode(entry.getKey(), StandardCharsets.UTF_8) + "="
					+ URLEncoder.encode(entry.getValue(), StandardCharsets.UTF_8))
			.collect(Collectors.joining("&"));
	}

	private static String unescape(String html) {
		return html.replace("&quot;", "\"")
			.replace("&#39;", "'")
			.replace("&lt;", "<")
			.replace("&gt;", ">")
			.replace("&amp;", "&");
	}

}
