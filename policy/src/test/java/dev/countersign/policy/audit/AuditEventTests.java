package dev.countersign.policy.audit;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.countersign.policy.action.CanonicalJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AuditEventTests {

	private static final Instant AT = Instant.parse("2026-11-23T10:00:00Z");

	// a syntactically real JWT (header {"alg":"HS256","typ":"JWT"}), used as a canary
	private static final String JWT = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhdXRoMHxhZGEifQ."
			+ "c2lnbmF0dXJlLWNhbmFyeS1ub3QtcmVhbA";

	private static AuditEventDraft draft() {
		return AuditEventDraft.of(AuditEventType.BATCHED, AuditEvent.ACTOR_COUNTERSIGN, AT)
			.withBatchId("bat-1")
			.withDetail("actions", List.of("act-1", "act-2"));
	}

	@Test
	void chainWhenFirstThenPreviousHashIsGenesisAndHashCoversEveryOtherField() {
		AuditEvent event = AuditEvent.chain("auth0|ada", 1, AuditEvent.GENESIS_HASH, draft());
		assertThat(event.previousHash()).isEqualTo("0".repeat(64));
		Map<String, Object> canonical = new LinkedHashMap<>();
		canonical.put("sequence", 1);
		canonical.put("user", "auth0|ada");
		canonical.put("type", "BATCHED");
		canonical.put("occurredAt", "2026-11-23T10:00:00Z");
		canonical.put("actor", "countersign");
		canonical.put("actionId", null);
		canonical.put("batchId", "bat-1");
		canonical.put("details", Map.of("actions", List.of("act-1", "act-2")));
		canonical.put("previousHash", AuditEvent.GENESIS_HASH);
		assertThat(event.hash()).isEqualTo(CanonicalJson.sha256Hex(canonical));
		assertThat(event.hashMatches()).isTrue();
	}

	@Test
	void hashMatchesWhenAnyFieldChangedThenFalse() {
		AuditEvent event = AuditEvent.chain("auth0|ada", 3, "a".repeat(64), draft());
		AuditEvent otherSequence = new AuditEvent(4, event.user(), event.type(), event.occurredAt(), event.actor(),
				event.actionId(), event.batchId(), event.details(), event.previousHash(), event.hash());
		AuditEvent otherPrevious = new AuditEvent(3, event.user(), event.type(), event.occurredAt(), event.actor(),
				event.actionId(), event.batchId(), event.details(), "b".repeat(64), event.hash());
		AuditEvent otherType = new AuditEvent(3, event.user(), AuditEventType.DENIED, event.occurredAt(), event.actor(),
				event.actionId(), event.batchId(), event.details(), event.previousHash(), event.hash());
		assertThat(otherSequence.hashMatches()).isFalse();
		assertThat(otherPrevious.hashMatches()).isFalse();
		assertThat(otherType.hashMatches()).isFalse();
	}

	@Test
	void detailsAreFrozen() {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("count", 3);
		AuditEventDraft draft = draft().withDetails(details);
		details.put("count", 4);
		assertThat(draft.details()).containsEntry("count", 3L);
		AuditEvent event = AuditEvent.chain("auth0|ada", 1, AuditEvent.GENESIS_HASH, draft);
		assertThatThrownBy(() -> event.details().put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
	}

	@ParameterizedTest
	@ValueSource(strings = { "token", "access_token", "refresh_token", "id_token", "secret", "password",
			"authorization", "code", "Authorization", "ACCESS_TOKEN", "accessToken", "client_secret", "subject-token",
			"db_password" })
	void detailsWhenKeyLooksLikeACredentialThenRefusedNamingTheKey(String key) {
		assertThatIllegalArgumentException().isThrownBy(() -> draft().withDetail(key, "x"))
			.withMessage("details must not hold a credential, but key $." + key + " looks like one");
	}

	@Test
	void detailsWhenCredentialKeyNestedThenRefusedNamingThePath() {
		Map<String, Object> nested = Map.of("exchange", Map.of("connections", List.of(Map.of("access_token", "x"))));
		assertThatIllegalArgumentException().isThrownBy(() -> draft().withDetails(nested))
			.withMessage("details must not hold a credential, but key $.exchange.connections[0].access_token"
					+ " looks like one");
	}

	@Test
	void detailsWhenValueIsAJwtThenRefusedWithoutEchoingIt() {
		assertThatIllegalArgumentException().isThrownBy(() -> draft().withDetail("note", JWT))
			.withMessage("details must not hold a token, but $.note holds a JWT")
			.satisfies((ex) -> assertThat(ex.getMessage()).doesNotContain("eyJ"));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> draft().withDetail("error", Map.of("lines", List.of("ok", "token was " + JWT))))
			.withMessage("details must not hold a token, but $.error.lines[1] holds a JWT");
	}

	@Test
	void detailsWhenValueIsABearerTokenThenRefused() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> draft().withDetail("header", "Bearer 9f8e7d6c5b4a3f2e1d0c9b8a"))
			.withMessage("details must not hold a token, but $.header holds a bearer token");
	}

	@Test
	void constructorWhenDetailsHoldATokenThenRefused() {
		AuditEvent event = AuditEvent.chain("auth0|ada", 1, AuditEvent.GENESIS_HASH, draft());
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new AuditEvent(1, event.user(), event.type(), event.occurredAt(), event.actor(), null,
					null, Map.of("id_token", "x"), event.previousHash(), event.hash()))
			.withMessageContaining("$.id_token");
	}

	@Test
	void detailsWhenOnlyLookingLikeWordsThenAccepted() {
		AuditEventDraft draft = draft().withDetail("token_type", "Bearer")
			.withDetail("status_code", 404)
			.withDetail("tokens_used", 12)
			.withDetail("message", "the bearer token was missing")
			.withDetail("sha", "eyJ-not-a-jwt.really");
		assertThat(draft.details()).hasSize(6);
	}

	@Test
	void constructorValidates() {
		AuditEvent event = AuditEvent.chain("auth0|ada", 1, AuditEvent.GENESIS_HASH, draft());
		assertThatIllegalArgumentException()
			.isThrownBy(() -> AuditEvent.chain("auth0|ada", 0, AuditEvent.GENESIS_HASH, draft()))
			.withMessage("sequence must be positive, but was 0");
		assertThatIllegalArgumentException().isThrownBy(() -> AuditEvent.chain("auth0|ada", 1, "ABC", draft()))
			.withMessage("previousHash must be 64 lowercase hex digits, but was ABC");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> AuditEvent.chain(" ", 1, AuditEvent.GENESIS_HASH, draft()))
			.withMessage("user must not be blank");
		assertThatNullPointerException()
			.isThrownBy(() -> new AuditEvent(1, event.user(), null, event.occurredAt(), event.actor(), null, null,
					Map.of(), event.previousHash(), event.hash()))
			.withMessage("type must not be null");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> AuditEventDraft.of(AuditEventType.DECISION, "claude", AT).withActionId(""))
			.withMessage("actionId must not be blank");
	}

}
