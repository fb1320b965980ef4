package dev.countersign.policy.deal;

import java.util.List;

/**
 * A user's deals and contacts, as a store starts them.
 *
 * @param deals the deals
 * @param contacts the contacts
 */
public record DealBook(List<Deal> deals, List<Contact> contacts) {

	/** A book with nothing in it. */
	public static final DealBook EMPTY = new DealBook(List.of(), List.of());

	public DealBook {
		deals = List.copyOf(deals);
		contacts = List.copyOf(contacts);
	}

}
