package dev.countersign.policy.deal;

import java.time.Clock;
import java.util.Comparator;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A {@link DealStore} in memory: the embedded default. Each user's book is created from a
 * seed function the first time the user is seen, so a sandbox can give every user the
 * same demo pipeline. Updates are stamped with the store's clock (the system clock unless
 * given).
 *
 * <pre>{@code
 * DealStore store = new InMemoryDealStore((user) -> DemoDeals.book(clock));
 * store.findDeal("auth0|ada", "D-1001").block();
 * }</pre>
 */
public final class InMemoryDealStore implements DealStore {

	private final Function<String, DealBook> seed;

	private final Clock clock;

	private final ConcurrentMap<String, Book> books = new ConcurrentHashMap<>();

	/**
	 * A store in which every user starts with an empty book.
	 */
	public InMemoryDealStore() {
		this((user) -> DealBook.EMPTY);
	}

	/**
	 * A store in which every user starts with the book the seed gives, on the system
	 * clock.
	 * @param seed the book for a user seen for the first time
	 */
	public InMemoryDealStore(Function<String, DealBook> seed) {
		this(seed, Clock.systemUTC());
	}

	/**
	 * A store in which every user starts with the book the seed gives.
	 * @param seed the book for a user seen for the first time
	 * @param clock the clock that stamps updates
	 */
	public InMemoryDealStore(Function<String, DealBook> seed, Clock clock) {
		this.seed = Objects.requireNonNull(seed, "seed must not be null");
		this.clock = Objects.requireNonNull(clock, "clock must not be null");
	}

	@Override
	public Flux<Deal> findDeals(String user, DealQuery query) {
		return Flux.defer(() -> Flux.fromStream(book(user).deals.values()
			.stream()
			.filter(query::matches)
			.sorted(Comparator.comparing(Deal::updatedAt).reversed().thenComparing(Deal::id))
			.limit(query.limit())));
	}

	@Override
	public Mono<Deal> findDeal(String user, String dealId) {
		return Mono.fromSupplier(() -> book(user).deals.get(dealId));
	}

	@Override
	public Mono<Contact> findContact(String user, String contactId) {
		return Mono.fromSupplier(() -> book(user).contacts.get(contactId));
	}

	@Override
	public Flux<Contact> searchContacts(String user, String text, int limit) {
		String needle = text.toLowerCase(Locale.ROOT);
		return Flux.defer(() -> Flux.fromStream(book(user).contacts.values()
			.stream()
			.filter((contact) -> contains(contact.name(), needle) || contains(contact.email(), needle)
					|| contains(contact.company(), needle))
			.sorted(Comparator.comparing(Contact::name))
			.limit(limit)));
	}

	@Override
	public Mono<Deal> create(String user, Deal deal) {
		Objects.requireNonNull(deal, "deal must not be null");
		return Mono.defer(() -> (book(user).deals.putIfAbsent(deal.id(), deal) == null) ? Mono.just(deal)
				: Mono.error(new DealAlreadyExistsException(deal.id())));
	}

	@Override
	public Mono<Deal> update(String user, String dealId, long expectedVersion, DealChanges changes) {
		Objects.requireNonNull(dealId, "dealId must not be null");
		Objects.requireNonNull(changes, "changes must not be null");
		return Mono.defer(() -> {
			AtomicReference<Deal> seen = new AtomicReference<>();
			// ConcurrentHashMap.computeIfPresent is atomic per key: the compare-and-set
			Deal stored = book(user).deals.computeIfPresent(dealId, (id, current) -> {
				seen.set(current);
				return (current.version() == expectedVersion) ? changes.applyTo(current, this.clock.instant())
						: current;
			});
			Deal before = seen.get();
			if (stored == null || before == null) {
				return Mono.empty();
			}
			if (before.version() != expectedVersion) {
				return Mono.error(new DealVersionConflictException(dealId, expectedVersion, before.version()));
			}
			return Mono.just(stored);
		});
	}

	private static boolean contains(String value, String needle) {
		return value.toLowerCase(Locale.ROOT).contains(needle);
	}

	private Book book(String user) {
		return this.books.computeIfAbsent(user, (key) -> new Book(this.seed.apply(key)));
	}

	private static final class Book {

		private final ConcurrentMap<String, Deal> deals = new ConcurrentHashMap<>();

		private final ConcurrentMap<String, Contact> contacts = new ConcurrentHashMap<>();

		Book(DealBook seed) {
			seed.deals().forEach((deal) -> this.deals.put(deal.id(), deal));
			seed.contacts().forEach((contact) -> this.contacts.put(contact.id(), contact));
		}

	}

}
