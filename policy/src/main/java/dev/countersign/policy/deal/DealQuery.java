package dev.countersign.policy.deal;

import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * Filters for listing deals. Every filter is optional.
 *
 * @param stage only deals in this stage
 * @param minAmount only deals worth at least this much
 * @param company only deals whose company contains this text, ignoring case
 * @param limit the most deals to return, 1 to {@link #MAX_LIMIT}
 */
public record DealQuery(@Nullable DealStage stage, @Nullable Long minAmount, @Nullable String company, int limit) {

	/** The default page size. */
	public static final int DEFAULT_LIMIT = 20;

	/** The largest page size. */
	public static final int MAX_LIMIT = 100;

	public DealQuery {
		if (limit < 1 || limit > MAX_LIMIT) {
			throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT + ", but was " + limit);
		}
	}

	/**
	 * Every deal, up to the default limit.
	 * @return the query
	 */
	public static DealQuery all() {
		return new DealQuery(null, null, null, DEFAULT_LIMIT);
	}

	/**
	 * Whether a deal passes every filter of this query; the limit is not a filter.
	 * @param deal the deal
	 * @return true when it matches
	 */
	public boolean matches(Deal deal) {
		return (this.stage == null || deal.stage() == this.stage)
				&& (this.minAmount == null || deal.amount() >= this.minAmount) && (this.company == null
						|| deal.company().toLowerCase(Locale.ROOT).contains(this.company.toLowerCase(Locale.ROOT)));
	}

}
