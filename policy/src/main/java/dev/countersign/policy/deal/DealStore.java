package dev.countersign.policy.deal;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Deals and contacts, kept per user: one user never sees another's.
 *
 * <p>
 * Implementations are thread-safe.
 */
public interface DealStore {

	/**
	 * Lists a user's deals matching a query, most recently updated first.
	 * @param user the user id ({@code sub})
	 * @param query the filters
	 * @return the matching deals, at most {@code query.limit()}
	 */
	Flux<Deal> findDeals(String user, DealQuery query);

	/**
	 * Finds one of a user's deals.
	 * @param user the user id
	 * @param dealId the deal id
	 * @return the deal, or empty when the user has no such deal
	 */
	Mono<Deal> findDeal(String user, String dealId);

	/**
	 * Finds one of a user's contacts.
	 * @param user the user id
	 * @param contactId the contact id
	 * @return the contact, or empty when the user has no such contact
	 */
	Mono<Contact> findContact(String user, String contactId);

	/**
	 * Searches a user's contacts by name, email or company, ignoring case.
	 * @param user the user id
	 * @param text the text to look for
	 * @param limit the most contacts to return
	 * @return the matching contacts, by name
	 */
	Flux<Contact> searchContacts(String user, String text, int limit);

	/**
	 * Adds a deal to a user's book, atomically: the deal is stored only if the user has
	 * no deal with its id yet.
	 * @param user the user id
	 * @param deal the new deal, stored as given
	 * @return the stored deal; an error {@link DealAlreadyExistsException} when the id is
	 * taken (nothing is written then)
	 */
	Mono<Deal> create(String user, Deal deal);

	/**
	 * Changes one of a user's deals, atomically and only if it is still at
	 * {@code expectedVersion} (compare-and-set): the stored deal becomes
	 * {@link DealChanges#applyTo changes applied}, one version later, updated at the
	 * store's clock. Two updates racing from the same version never both succeed.
	 * @param user the user id
	 * @param dealId the deal id
	 * @param expectedVersion the version the change was decided against
	 * @param changes what changes
	 * @return the updated deal; empty when the user has no such deal; an error
	 * {@link DealVersionConflictException} when the deal is at another version (nothing
	 * is written then)
	 */
	Mono<Deal> update(String user, String dealId, long expectedVersion, DealChanges changes);

}
