package dev.countersign.policy.deal;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A deal in a user's pipeline.
 *
 * @param id the deal id, for example {@code D-1001}
 * @param name a short name
 * @param company the customer
 * @param stage where the deal stands
 * @param amount the value in whole units of {@code currency}, never negative
 * @param currency an ISO 4217 code
 * @param contactIds the contacts on the deal
 * @param version incremented by every change; writes compare and set it
 * @param updatedAt when it last changed
 */
public record Deal(String id, String name, String company, DealStage stage, long amount, String currency,
		List<String> contactIds, long version, Instant updatedAt) {

	public Deal {
		Objects.requireNonNull(id, "id must not be null");
		Objects.requireNonNull(name, "name must not be null");
		Objects.requireNonNull(company, "company must not be null");
		Objects.requireNonNull(stage, "stage must not be null");
		Objects.requireNonNull(currency, "currency must not be null");
		Objects.requireNonNull(updatedAt, "updatedAt must not be null");
		contactIds = List.copyOf(contactIds);
		if (amount < 0) {
			throw new IllegalArgumentException("amount must not be negative, but was " + amount);
		}
	}

}
