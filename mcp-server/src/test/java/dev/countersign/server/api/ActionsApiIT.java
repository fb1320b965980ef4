package dev.countersign.server.api;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import com.github.tomakehurst.wiremock.WireMockServer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.countersign.policy.action.Action;
import dev.countersign.policy.action.ActionStatus;
import dev.countersign.policy.action.ActionStore;
import dev.countersign.policy.action.TestActions;
import dev.countersign.policy.audit.AuditEvent;
import dev.countersign.policy.audit.AuditEventType;
import dev.countersign.policy.audit.AuditStore;
import dev.countersign.server.CountersignApplication;
import dev.countersign.server.auth.TestTokens;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The actions of the config API over real HTTP, with tokens from a tenant served by
 * WireMock: only a console token with {@code countersign:manage} gets in, a user sees
 * only their own actions, and the ways out of {@code UNKNOWN}, {@code EXPIRED} and
 * {@code DENIED} move the action once, are audited, and refuse every other state.
 */
@SpringBootTest(classes = CountersignApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ActionsApiIT {

	private static final WireMockServer tenant = new WireMockServer(options().dynamicPort());

	static {
		tenant.start();
	}

	private static final TestTokens tokens = new TestTokens(tenant.baseUrl() + "/");

	private static final String ADA = "auth0|ada-api";

	private static final String GRACE = "auth0|grace-api";

	@LocalServerPort
	int port;

	@Autowired
	ActionStore actions;

	@Autowired
	AuditStore audit;

	WebTestClient http;

	@DynamicPropertySource
	static void tenantProperties(DynamicPropertyRegistry registry) {
		registry.add("countersign.auth.issuer", () -> tenant.baseUrl() + "/");
		registry.add("countersign.auth.audience", () -> TestTokens.AUDIENCE);
		registry.add("countersign.auth.console-clients", () -> "console-app");
		registry.add("countersign.vault.client-id", () -> "countersign-vault");
		registry.add("countersign.vault.client-secret", () -> "not-used-by-these-tests");
		registry.add("countersign.ciba.client-id", () -> "countersign-ciba");
		registry.add("countersign.ciba.client-secret", () -> "not-used-by-these-tests");
	}

	@BeforeEach
	void setUp() {
		tenant.stubFor(get("/.well-known/jwks.json")
			.willReturn(aResponse().withHeader("Content-Type", "application/json").withBody(tokens.jwks())));
		this.http = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + this.port).build();
	}

	@AfterAll
	static void stopTenant() {
		tenant.stop();
	}

	@Test
	void resolveUnknownActionAsSucceededMovesItOnceAndAudits() {
		Action unknown = stored(ADA, ActionStatus.UNKNOWN);
		post(console(ADA), "/api/v1/actions/" + unknown.id() + "/resolve", """
				{"outcome":"succeeded","note":"the event is in my calendar"}""").expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo("succeeded")
			.jsonPath("$.reason")
			.value((reason) -> assertThat((String) reason).startsWith("resolved by the user as succeeded: the event"));
		assertThat(status(ADA, unknown.id())).isEqualTo(ActionStatus.SUCCEEDED);
		List<AuditEvent> events = this.audit.read(ADA, 1, 1000).collectList().block();
		assertThat(events).anySatisfy((event) -> {
			assertThat(event.type()).isEqualTo(AuditEventType.RESOLVED);
			assertThat(event.actionId()).isEqualTo(unknown.id());
			assertThat(event.actor()).isEqualTo(AuditEvent.ACTOR_USER);
		});
		// a second resolve finds it no longer unknown
		post(console(ADA), "/api/v1/actions/" + unknown.id() + "/resolve", """
				{"outcome":"failed"}""").expectStatus().isEqualTo(409);
	}

	@Test
	void resolveRefusesEveryStateButUnknown() {
		for (ActionStatus status : List.of(ActionStatus.PENDING, ActionStatus.BATCHED, ActionStatus.SUCCEEDED,
				ActionStatus.FAILED, ActionStatus.EXPIRED)) {
			Action action = stored(ADA, status);
			post(console(ADA), "/api/v1/actions/" + action.id() + "/resolve", """
					{"outcome":"failed"}""").expectStatus()
				.isEqualTo(409)
				.expectHeader()
				.contentType(MediaType.APPLICATION_PROBLEM_JSON)
				.expectBody()
				.jsonPath("$.detail")
				.value((detail) -> assertThat((String) detail).contains("only an unknown action can be resolved"));
			assertThat(status(ADA, action.id())).isEqualTo(status);
		}
	}

	@Test
	void resolveNamesTheBadField() {
		Action unknown = stored(ADA, ActionStatus.UNKNOWN);
		String path = "/api/v1/actions/" + unknown.id() + "/resolve";
		badField(post(console(ADA), path, """
				{"outcome":"maybe"}"""), "outcome");
		badField(post(console(ADA), path, """
				{"outcome":"failed","color":"red"}"""), "color");
		badField(post(console(ADA), path, "{not json"), "body");
		badField(post(console(ADA), path, """
				["failed"]"""), "body");
		assertThat(status(ADA, unknown.id())).isEqualTo(ActionStatus.UNKNOWN);
	}

	@Test
	void resubmitExpiredActionMakesANewPendingActionWithTheSameFrozenWrite() {
		Action expired = stored(ADA, ActionStatus.EXPIRED);
		AtomicReference<String> fresh = new AtomicReference<>();
		post(console(ADA), "/api/v1/actions/" + expired.id() + "/resubmit", null).expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo("pending_approval")
			.jsonPath("$.resubmitted_from")
			.isEqualTo(expired.id())
			.jsonPath("$.action_id")
			.value((id) -> fresh.set((String) id));
		Action created = this.actions.find(ADA, fresh.get()).block();
		assertThat(created).isNotNull();
		assertThat(created.id()).isNotEqualTo(expired.id());
		assertThat(created.arguments()).isEqualTo(expired.arguments());
		assertThat(created.preconditions()).isEqualTo(expired.preconditions());
		assertThat(created.agent()).isEqualTo(expired.agent());
		assertThat(status(ADA, expired.id())).isEqualTo(ActionStatus.EXPIRED);
		assertThat(this.audit.read(ADA, 1, 1000).collectList().block()).anySatisfy((event) -> {
			assertThat(event.type()).isEqualTo(AuditEventType.RESUBMITTED);
			assertThat(event.actionId()).isEqualTo(created.id());
		});
	}

	@Test
	void resubmitRefusesActionsThatAreNotExpiredOrDenied() {
		for (ActionStatus status : List.of(ActionStatus.PENDING, ActionStatus.SUCCEEDED, ActionStatus.UNKNOWN,
				ActionStatus.CANCELLED)) {
			Action action = stored(ADA, status);
			post(console(ADA), "/api/v1/actions/" + action.id() + "/resubmit", null).expectStatus().isEqualTo(409);
		}
	}

	@Test
	void anotherUsersActionIsAnsweredLikeAnUnknownId() {
		Action graces = stored(GRACE, ActionStatus.UNKNOWN);
		String unknownId = TestActions.nextId();
		for (String id : List.of(graces.id(), unknownId)) {
			post(console(ADA), "/api/v1/actions/" + id + "/resolve", """
					{"outcome":"succeeded"}""").expectStatus()
				.isNotFound()
				.expectBody()
				.jsonPath("$.detail")
				.isEqualTo("No action with id " + id + " exists for you.");
			this.http.get()
				.uri("/api/v1/actions/" + id)
				.headers((h) -> h.setBearerAuth(console(ADA)))
				.exchange()
				.expectStatus()
				.isNotFound();
		}
		assertThat(status(GRACE, graces.id())).isEqualTo(ActionStatus.UNKNOWN);
		this.http.get()
			.uri("/api/v1/actions")
			.headers((h) -> h.setBearerAuth(console(ADA)))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.actions[?(@.action_id == '" + graces.id() + "')]")
			.doesNotExist();
	}

	@Test
	void agentTokenIsRefusedEvenWithTheManageScope() {
		Action unknown = stored(ADA, ActionStatus.UNKNOWN);
		String agent = tokens.with(ADA, "agent-1", (c) -> c.claim("scope", "openid countersign:manage"));
		post(agent, "/api/v1/actions/" + unknown.id() + "/resolve", """
				{"outcome":"succeeded"}""").expectStatus().isForbidden();
		assertThat(status(ADA, unknown.id())).isEqualTo(ActionStatus.UNKNOWN);
	}

	@Test
	void listFiltersByStatusAndNamesAnUnknownStatus() {
		Action unknown = stored(ADA, ActionStatus.UNKNOWN);
		stored(ADA, ActionStatus.SUCCEEDED);
		this.http.get()
			.uri("/api/v1/actions?status=unknown")
			.headers((h) -> h.setBearerAuth(console(ADA)))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.actions[*].status")
			.value((statuses) -> assertThat((List<?>) statuses).isNotEmpty().allMatch("unknown"::equals))
			.jsonPath("$.actions[?(@.action_id == '" + unknown.id() + "')]")
			.exists();
		badField(this.http.get()
			.uri("/api/v1/actions?status=stuck")
			.headers((h) -> h.setBearerAuth(console(ADA)))
			.exchange(), "status");
	}

	@Test
	void cancelByTheUserIsAuditedWithTheUserAsActor() {
		Action batched = stored(ADA, ActionStatus.BATCHED);
		post(console(ADA), "/api/v1/actions/" + batched.id() + "/cancel", null).expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo("cancelled");
		assertThat(this.audit.read(ADA, 1, 1000).collectList().block()).anySatisfy((event) -> {
			assertThat(event.type()).isEqualTo(AuditEventType.CANCELLED);
			assertThat(event.actionId()).isEqualTo(batched.id());
			assertThat(event.actor()).isEqualTo(AuditEvent.ACTOR_USER);
		});
	}

	private Action stored(String user, ActionStatus status) {
		Action action = TestActions.action()
			.user(user)
			.argument("note", TestActions.nextId())
			.createdAt(Instant.now())
			.inStatus(status)
			.build();
		return this.actions.insert(action).block();
	}

	private ActionStatus status(String user, String id) {
		Action action = this.actions.find(user, id).block();
		assertThat(action).isNotNull();
		return action.status();
	}

	private static String console(String user) {
		return tokens.with(user, "console-app", (c) -> c.claim("scope", "openid countersign:manage"));
	}

	private WebTestClient.ResponseSpec post(String token, String path, @Nullable String body) {
		WebTestClient.RequestBodySpec request = this.http.post()
			.uri(path)
			.headers((h) -> h.setBearerAuth(token))
			.contentType(MediaType.APPLICATION_JSON);
		return (body != null) ? request.bodyValue(body).exchange() : request.exchange();
	}

	private static void badField(WebTestClient.ResponseSpec response, String field) {
		response.expectStatus()
			.isBadRequest()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.field")
			.isEqualTo(field)
			.jsonPath("$.detail")
			.value((detail) -> assertThat((String) detail).startsWith(field + ": "));
	}

}
