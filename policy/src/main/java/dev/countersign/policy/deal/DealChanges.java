package dev.countersign.policy.deal;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * What an update changes in a deal: each field is either a new value or null for "keep
 * it". At least one field is set.
 *
 * <pre>{@code
 * store.update("auth0|ada", "D-1001", 3, DealChanges.stage(DealStage.CLOSED_WON));
 * }</pre>
 *
 * @param name the new name, or null
 * @param stage the new stage, or null
 * @param amount the new amount (never negative), or null
 * @param contactIds the new contacts (replacing the old ones), or null
 */
public record DealChanges(@Nullable String name, @Nullable DealStage stage, @Nullable Long amount,
		@Nullable List<String> contactIds) {

	public DealChanges {
		if (name == null && stage == null && amount == null && contactIds == null) {
			throw new IllegalArgumentException("changes must change at least one of name, stage, amount, contactIds");
		}
		if (amount != null && amount < 0) {
			throw new IllegalArgumentException("amount must not be negative, but was " + amount);
		}
		contactIds = (contactIds != null) ? List.copyOf(contactIds) : null;
	}

	/**
	 * A change of stage only.
	 * @param stage the new stage
	 * @return the changes
	 */
	public static DealChanges stage(DealStage stage) {
		return new DealChanges(null, Objects.requireNonNull(stage, "stage must not be null"), null, null);
	}

	/**
	 * The deal with these changes applied, one version later.
	 * @param deal the current deal
	 * @param updatedAt when the change is made
	 * @return the changed deal, its version {@code deal.version() + 1}
	 */
	public Deal applyTo(Deal deal, Instant updatedAt) {
		Objects.requireNonNull(deal, "deal must not be null");
		Objects.requireNonNull(updatedAt, "updatedAt must not be null");
		return new Deal(deal.id(), (this.name != null) ? this.name : deal.name(), deal.company(),
				(this.stage != null) ? this.stage : deal.stage(), (this.amount != null) ? this.amount : deal.amount(),
				deal.currency(), (this.contactIds != null) ? this.contactIds : deal.contactIds(), deal.version() + 1,
				updatedAt);
	}

}
