package dev.countersign.policy.action;

import java.math.BigDecimal;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ActionDigestTests {

	private static final String USER = "auth0|ada";

	private static final String AGENT = "claude-desktop";

	private static Map<String, Object> email() {
		Map<String, Object> arguments = new LinkedHashMap<>();
		arguments.put("to", List.of("alan@example.com"));
		arguments.put("cc", List.of());
		arguments.put("subject", "Q4 pricing");
		arguments.put("body", "Hi Alan,\nthe offer stands at 48,000 EUR.\n- Ada");
		arguments.put("thread_id", null);
		return arguments;
	}

	private static String digest(Map<String, Object> arguments) {
		return ActionDigest.of("email_send", arguments, Map.of(), USER, AGENT);
	}

	@Test
	void ofWhenKnownActionThenPinnedDigest() {
		// computed once from the canonical form and pinned: a change here breaks every
		// stored batch
		Map<String, Object> preconditions = Map.of("deal_version", 3);
		Map<String, Object> arguments = new LinkedHashMap<>();
		arguments.put("deal_id", "D-1001");
		arguments.put("stage", "negotiation");
		arguments.put("amount", 48000);
		assertThat(ActionDigest.of("deal_update", arguments, preconditions, USER, AGENT))
			.isEqualTo("f433783057e2943b36a5926f8e631b1a410d7e86e7f54d6be39f38d0394fd301");
	}

	@Test
	void ofWhenKeysInAnotherOrderThenSameDigest() {
		Map<String, Object> reversed = new LinkedHashMap<>();
		List<String> keys = List.copyOf(email().keySet());
		for (int i = keys.size() - 1; i >= 0; i--) {
			reversed.put(keys.get(i), email().get(keys.get(i)));
		}
		assertThat(List.copyOf(reversed.keySet())).isNotEqualTo(keys);
		assertThat(digest(reversed)).isEqualTo(digest(email()));
		Map<String, Object> nestedA = new LinkedHashMap<>();
		nestedA.put("x", 1);
		nestedA.put("y", 2);
		Map<String, Object> nestedB = new LinkedHashMap<>();
		nestedB.put("y", 2);
		nestedB.put("x", 1);
		assertThat(digest(Map.of("n", nestedA))).isEqualTo(digest(Map.of("n", nestedB)));
	}

	@Test
	void ofWhenAnyCharacterOfAnyArgumentChangesThenDigestChanges() {
		String original = digest(email());
		Set<String> seen = new HashSet<>(Set.of(original));
		for (String field : List.of("subject", "body")) {
			String value = (String) email().get(field);
			for (int i = 0; i < value.length(); i++) {
				Map<String, Object> changed = email();
				char[] chars = value.toCharArray();
				chars[i] = (char) (chars[i] ^ 1);
				changed.put(field, new String(chars));
				assertThat(seen.add(digest(changed))).as("%s[%d]", field, i).isTrue();
			}
		}
		Map<String, Object> recipient = email();
		recipient.put("to", List.of("alan@example.con"));
		assertThat(seen.add(digest(recipient))).isTrue();
		Map<String, Object> bcc = email();
		bcc.put("bcc", List.of("mallory@example.com"));
		assertThat(seen.add(digest(bcc))).isTrue();
		Map<String, Object> nulled = email();
		nulled.put("thread_id", "");
		assertThat(seen.add(digest(nulled))).isTrue();
	}

	@Test
	void ofWhenToolUserAgentOrPreconditionsChangeThenDigestChanges() {
		String original = digest(email());
		assertThat(ActionDigest.of("email_create_draft", email(), Map.of(), USER, AGENT)).isNotEqualTo(original);
		assertThat(ActionDigest.of("email_send", email(), Map.of(), "auth0|alan", AGENT)).isNotEqualTo(original);
		assertThat(ActionDigest.of("email_send", email(), Map.of(), USER, "cursor")).isNotEqualTo(original);
		assertThat(ActionDigest.of("email_send", email(), Map.of("etag", "\"1\""), USER, AGENT)).isNotEqualTo(original);
	}

	@Test
	void ofWhenArgumentsAndPreconditionsSwappedThenDigestChanges() {
		Map<String, Object> half = Map.of("sha", "abc123");
		assertThat(ActionDigest.of("github_merge_pull_request", half, Map.of(), USER, AGENT))
			.isNotEqualTo(ActionDigest.of("github_merge_pull_request", Map.of(), half, USER, AGENT));
	}

	@Test
	void ofWhenSameNumberWrittenDifferentlyThenSameDigest() {
		assertThat(digest(Map.of("amount", 3))).isEqualTo(digest(Map.of("amount", 3.0)))
			.isEqualTo(digest(Map.of("amount", new BigDecimal("3.00"))));
		assertThat(digest(Map.of("amount", 3))).isNotEqualTo(digest(Map.of("amount", "3")));
	}

	@Test
	void ofReturnsLowercaseHex() {
		assertThat(ActionDigest.isDigest(digest(email()))).isTrue();
		assertThat(ActionDigest.isDigest("ABC")).isFalse();
		assertThat(ActionDigest.isDigest(null)).isFalse();
	}

}
