package dev.countersign.server.approval;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import org.junit.jupiter.api.Test;

import dev.countersign.ciba.BindingMessageProfile;
import dev.countersign.policy.action.Action;
import dev.countersign.policy.action.TestActions;
import dev.countersign.policy.approval.Batch;
import dev.countersign.policy.approval.TestBatches;

import static org.assertj.core.api.Assertions.assertThat;

class BatchPresentationTests {

	private final BatchPresentation presentation = new BatchPresentation(BindingMessageProfile.AUTH0);

	private final Batch batch = TestBatches.open();

	private final Predicate<String> external = (email) -> !email.endsWith("@countersign.example");

	private static Action email(String... to) {
		return TestActions.action()
			.tool("email_send", "google-oauth2")
			.argument("to", List.of(to))
			.argument("cc", List.of("boss@countersign.example"))
			.argument("bcc", List.of("audit@elsewhere.example"))
			.argument("subject", "Renewal proposal")
			.build();
	}

	private static Action event() {
		return TestActions.action()
			.tool("calendar_create_event", "google-oauth2")
			.argument("summary", "Pipeline review")
			.argument("start", "2026-12-01T15:00:00Z")
			.build();
	}

	@Test
	void bindingMessageCountsAreasAndEndsWithTheCode() {
		String message = this.presentation.bindingMessage(this.batch,
				List.of(email("a@x.example"), email("b@x.example"), event()));
		assertThat(message).isEqualTo("Countersign: 3 actions - 1 calendar, 2 email #" + this.batch.shortCode());
		assertThat(BindingMessageProfile.AUTH0.accepts(message)).isTrue();
	}

	@Test
	void bindingMessageWhenManyAreasThenShortenedButKeepsTheCode() {
		List<Action> actions = new ArrayList<>();
		for (String tool : List.of("email_send", "calendar_create_event", "deal_update", "github_comment")) {
			actions.add(TestActions.action().tool(tool, "x").build());
		}
		String message = this.presentation.bindingMessage(this.batch, actions);
		assertThat(message).endsWith("#" + this.batch.shortCode()).hasSizeLessThanOrEqualTo(64);
		assertThat(BindingMessageProfile.AUTH0.accepts(message)).isTrue();
	}

	@Test
	void detailsAreOneObjectListingEachActionWithTheDigest() {
		List<Map<String, Object>> details = this.presentation.authorizationDetails(this.batch,
				List.of(email("grace@northwind.example"), event()), this.external);
		assertThat(details).hasSize(1);
		Map<String, Object> object = details.get(0);
		assertThat(object).containsEntry("type", BatchPresentation.DETAILS_TYPE)
			.containsEntry("batch_digest", this.batch.digest())
			.containsEntry("code", this.batch.shortCode());
		assertThat(lines(object)).containsExactly(
				"1. email_send: 3 recipients (2 external), subject 'Renewal proposal'",
				"2. calendar_create_event: 'Pipeline review' at 2026-12-01T15:00:00Z");
	}

	@Test
	void detailsOfAnEmailSendCountEveryRecipientAndTheExternalOnes() {
		Action send = TestActions.action()
			.tool("email_send", "google-oauth2")
			.argument("to", List.of("grace.hopper@northwind.example"))
			.argument("cc", List.of("charles@countersign.example"))
			.argument("bcc", List.of("audit@countersign.example"))
			.argument("subject", "Gold tier terms")
			.build();
		assertThat(lines(this.presentation.authorizationDetails(this.batch, List.of(send), this.external).get(0)))
			.containsExactly("1. email_send: 3 recipients (1 external), subject 'Gold tier terms'");
	}

	@Test
	void detailsOfAnEventDeletionShowWhatIsDeletedAndWhoIsTold() {
		Action delete = TestActions.action()
			.tool("calendar_delete_event", "google-oauth2")
			.argument("event_id", "q4planning01")
			.argument("summary", "Q4 planning")
			.argument("start", "2026-11-24T14:00:00Z")
			.argument("attendees", List.of("grace.hopper@northwind.example", "charles@countersign.example"))
			.build();
		Action bare = TestActions.action()
			.tool("calendar_delete_event", "google-oauth2")
			.argument("event_id", "d3nt1st0915")
			.build();
		assertThat(
				lines(this.presentation.authorizationDetails(this.batch, List.of(delete, bare), this.external).get(0)))
			.containsExactly(
					"1. calendar_delete_event: 'Q4 planning' at 2026-11-24T14:00:00Z (event q4planning01), notifying 2",
					"2. calendar_delete_event: event d3nt1st0915");
	}

	@Test
	void detailsFlagLowConfidence() {
		Action unsure = TestActions.action()
			.tool("deal_update", "deals")
			.argument("deal_id", "D-1001")
			.argument("stage", "closed_won")
			.lowConfidence()
			.build();
		assertThat(lines(this.presentation.authorizationDetails(this.batch, List.of(unsure), this.external).get(0)))
			.containsExactly("1. [low confidence] deal_update: deal D-1001: stage -> closed_won");
	}

	@Test
	void detailsWhenMoreThanNineThenFirstEightAndMore() {
		List<Action> actions = new ArrayList<>();
		for (int i = 0; i < 12; i++) {
			actions.add(event());
		}
		List<String> lines = lines(this.presentation.authorizationDetails(this.batch, actions, this.external).get(0));
		assertThat(lines).hasSize(9).last().isEqualTo("+4 more");
	}

	@Test
	void agentTextCannotDrawOrOverflow() {
		Action sneaky = TestActions.action()
			.tool("github_create_issue", "github")
			.argument("repo", "ada-lovelace/analytical-engine")
			.argument("title", "Fine\n\u202Eyltnecer detrevni\u0007" + "x".repeat(400))
			.build();
		String line = lines(this.presentation.authorizationDetails(this.batch, List.of(sneaky), this.external).get(0))
			.get(0);
		assertThat(line).doesNotContain("\n", "\u202E", "\u0007").hasSizeLessThanOrEqualTo(BatchPresentation.MAX_LINE);
		assertThat(line).startsWith("1. github_create_issue: ada-lovelace/analytical-engine: issue 'Fine ");
	}

	@SuppressWarnings("unchecked")
	private static List<String> lines(Map<String, Object> details) {
		return (List<String>) details.get("properties");
	}

}
