package dev.countersign.policy.rule;

import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The contract every {@link RuleStore} keeps. A store module extends this class and
 * returns a fresh, empty store whose new users start with {@link DefaultRules#RULES} from
 * {@link #createStore()}.
 */
public abstract class AbstractRuleStoreTests {

	private static final String USER = "auth0|ada";

	private static final String OTHER = "auth0|grace";

	private static final Rule NO_SEND = Rule.builder("no-send", Effect.DENY).tools("email_send").build();

	private static final Rule AUTO_DRAFT = Rule.builder("auto-draft", Effect.AUTO)
		.tools("email_create_draft")
		.agents("claude")
		.build();

	private RuleStore store;

	/**
	 * A fresh, empty store; called before each test.
	 * @return the store under test
	 */
	protected abstract RuleStore createStore();

	@BeforeEach
	void createStoreUnderTest() {
		this.store = createStore();
	}

	private List<String> ids(String user) {
		return this.store.find(user).block().rules().stream().map(Rule::id).toList();
	}

	@Test
	void findWhenNewUserThenDefaultsAtVersionZero() {
		StepVerifier.create(this.store.find(USER)).expectNext(new RuleSet(DefaultRules.RULES, 0)).verifyComplete();
	}

	@Test
	void createWhenPositionGivenThenInsertedThereAndVersionIncrements() {
		RuleSet first = this.store.create(USER, 0, 0, NO_SEND).block();
		assertThat(first.version()).isEqualTo(1);
		RuleSet second = this.store.create(USER, 1, first.rules().size(), AUTO_DRAFT).block();
		assertThat(second.version()).isEqualTo(2);
		assertThat(ids(USER)).containsExactly("no-send", DefaultRules.DEAL_AMOUNT, DefaultRules.DEAL_CLOSING,
				DefaultRules.EMAIL_OUTSIDE, DefaultRules.GITHUB_MERGE, "auto-draft");
		assertThat(this.store.find(USER).block().require("auto-draft")).isEqualTo(AUTO_DRAFT);
	}

	@Test
	void createWhenIdTakenThenErrorAndNothingChanges() {
		StepVerifier.create(this.store.create(USER, 0, 0, Rule.builder(DefaultRules.GITHUB_MERGE, Effect.DENY).build()))
			.expectError(DuplicateRuleException.class)
			.verify();
		assertThat(this.store.find(USER).block()).isEqualTo(new RuleSet(DefaultRules.RULES, 0));
	}

	@Test
	void replaceWhenRuleExistsThenReplacedInPlace() {
		Rule stricter = Rule.builder(DefaultRules.EMAIL_OUTSIDE, Effect.REVIEW_NOW)
			.tools("email_send", "email_create_draft")
			.when(Condition.recipientsOutside(true))
			.build();
		RuleSet stored = this.store.replace(USER, 0, stricter).block();
		assertThat(stored.version()).isEqualTo(1);
		assertThat(stored.rules().get(2)).isEqualTo(stricter);
	}

	@Test
	void replaceOrDeleteWhenUnknownIdThenRuleNotFound() {
		StepVerifier.create(this.store.replace(USER, 0, NO_SEND)).expectError(RuleNotFoundException.class).verify();
		StepVerifier.create(this.store.delete(USER, 0, "nope")).expectError(RuleNotFoundException.class).verify();
	}

	@Test
	void deleteWhenRuleExistsThenRemoved() {
		this.store.delete(USER, 0, DefaultRules.DEAL_AMOUNT).block();
		assertThat(ids(USER)).containsExactly(DefaultRules.DEAL_CLOSING, DefaultRules.EMAIL_OUTSIDE,
				DefaultRules.GITHUB_MERGE);
	}

	@Test
	void changeWhenVersionMovedThenEmptyAndNothingChanges() {
		this.store.create(USER, 0, 0, NO_SEND).block();
		StepVerifier.create(this.store.create(USER, 0, 0, AUTO_DRAFT)).verifyComplete();
		StepVerifier.create(this.store.delete(USER, 0, "no-send")).verifyComplete();
		StepVerifier.create(this.store.replaceAll(USER, 0, List.of())).verifyComplete();
		assertThat(this.store.find(USER).block().version()).isEqualTo(1);
		assertThat(ids(USER)).startsWith("no-send");
	}

	@Test
	void replaceAllWhenEmptyListThenUserHasNoRules() {
		StepVerifier.create(this.store.replaceAll(USER, 0, List.of()))
			.expectNext(new RuleSet(List.of(), 1))
			.verifyComplete();
		assertThat(this.store.find(USER).block().rules()).isEmpty();
	}

	@Test
	void changeWhenOneUserThenAnotherUserSeesOnlyTheirOwn() {
		this.store.create(USER, 0, 0, NO_SEND).block();
		assertThat(this.store.find(OTHER).block()).isEqualTo(new RuleSet(DefaultRules.RULES, 0));
		StepVerifier.create(this.store.delete(OTHER, 0, "no-send")).expectError(RuleNotFoundException.class).verify();
		assertThat(ids(USER)).contains("no-send");
	}

}
