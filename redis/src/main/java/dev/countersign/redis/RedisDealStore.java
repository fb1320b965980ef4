package dev.countersign.redis;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;

import dev.countersign.policy.deal.Contact;
import dev.countersign.policy.deal.Deal;
import dev.countersign.policy.deal.DealAlreadyExistsException;
import dev.countersign.policy.deal.DealBook;
import dev.countersign.policy.deal.DealChanges;
import dev.countersign.policy.deal.DealQuery;
import dev.countersign.policy.deal.DealStore;
import dev.countersign.policy.deal.DealVersionConflictException;
import dev.countersign.redis.internal.JsonCodec;
import dev.countersign.redis.internal.RedisKeys;
import dev.countersign.redis.internal.RedisScript;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.reactive.RedisReactiveCommands;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A {@link DealStore} in Redis. Each user's deals and contacts are two hashes under the
 * user's hash tag ({@link RedisKeys}), written from a seed function the first time the
 * user is seen: one Lua script writes the whole book only if it is not there yet, so
 * replicas racing on a new user seed it once. Filtering and sorting happen in the store,
 * over the user's whole book (a book is small: a demo pipeline). An update is a
 * compare-and-set on the deal's version: the new deal is made from the one read, and a
 * Lua script stores it only if the stored deal is still at the version it was made from.
 *
 * <p>
 * Thread-safe: the store holds no mutable state, and the Lettuce connection it is given
 * is thread-safe. The caller owns the connection and closes it.
 *
 * <pre>{@code
 * DealStore store = new RedisDealStore(connection, (user) -> DemoDeals.book(clock));
 * store.findDeal("auth0|ada", "D-1001").block();
 * }</pre>
 */
public final class RedisDealStore implements DealStore {

	// KEYS: book marker, deals hash, contacts hash
	// ARGV: number of deals, then id and JSON of each deal, then of each contact
	private static final RedisScript SEED = new RedisScript("""
			if redis.call('EXISTS', KEYS[1]) == 1 then
			  return 'KEPT'
			end
			local deals = tonumber(ARGV[1])
			for i = 2, 1 + 2 * deals, 2 do
			  redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1])
			end
			for i = 2 + 2 * deals, #ARGV, 2 do
			  redis.call('HSET', KEYS[3], ARGV[i], ARGV[i + 1])
			end
			redis.call('SET', KEYS[1], '1')
			return 'SEEDED'
			""");

	// KEYS: deals hash
	// ARGV: deal id, expected version, JSON of the updated deal
	private static final RedisScript UPDATE = new RedisScript("""
			local current = redis.call('HGET', KEYS[1], ARGV[1])
			if not current then
			  return 'MISSING'
			end
			local version = tonumber(cjson.decode(current)['version'])
			if version ~= tonumber(ARGV[2]) then
			  return 'CONFLICT:' .. tostring(version)
			end
			redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
			return 'UPDATED'
			""");

	private static final Comparator<Deal> MOST_RECENT_FIRST = Comparator.comparing(Deal::updatedAt)
		.reversed()
		.thenComparing(Deal::id);

	private final RedisReactiveCommands<String, String> commands;

	private final Function<String, DealBook> seed;

	private final Clock clock;

	private final JsonCodec codec = new JsonCodec();

	/**
	 * A store in which every user starts with an empty book.
	 * @param connection the connection to use; the caller owns and closes it
	 */
	public RedisDealStore(StatefulRedisConnection<String, String> connection) {
		this(connection, (user) -> DealBook.EMPTY);
	}

	/**
	 * A store in which every user starts with the book the seed gives, on the system
	 * clock.
	 * @param connection the connection to use; the caller owns and closes it
	 * @param seed the book for a user seen for the first time
	 */
	public RedisDealStore(StatefulRedisConnection<String, String> connection, Function<String, DealBook> seed) {
		this(connection, seed, Clock.systemUTC());
	}

	/**
	 * A store in which every user starts with the book the seed gives.
	 * @param connection the connection to use; the caller owns and closes it
	 * @param seed the book for a user seen for the first time
	 * @param clock the clock that stamps updates
	 */
	public RedisDealStore(StatefulRedisConnection<String, String> connection, Function<String, DealBook> seed,
			Clock clock) {
		this.commands = Objects.requireNonNull(connection, "connection must not be null").reactive();
		this.seed = Objects.requireNonNull(seed, "seed must not be null");
		this.clock = Objects.requireNonNull(clock, "clock must not be null");
	}

	@Override
	public Flux<Deal> findDeals(String user, DealQuery query) {
		Objects.requireNonNull(query, "query must not be null");
		return seeded(user).thenMany(Flux.defer(() -> this.commands.hvals(RedisKeys.of(user).deals())))
			.map(this.codec::readDeal)
			.filter(query::matches)
			.collectList()
			.flatMapIterable((deals) -> {
				List<Deal> sorted = new ArrayList<>(deals);
				sorted.sort(MOST_RECENT_FIRST);
				return sorted.subList(0, Math.min(sorted.size(), query.limit()));
			});
	}

	@Override
	public Mono<Deal> findDeal(String user, String dealId) {
		Objects.requireNonNull(dealId, "dealId must not be null");
		return seeded(user).then(Mono.defer(() -> this.commands.hget(RedisKeys.of(user).deals(), dealId)))
			.map(this.codec::readDeal);
	}

	@Override
	public Mono<Contact> findContact(String user, String contactId) {
		Objects.requireNonNull(contactId, "contactId must not be null");
		return seeded(user).then(Mono.defer(() -> this.commands.hget(RedisKeys.of(user).contacts(), contactId)))
			.map(this.codec::readContact);
	}

	@Override
	public Flux<Contact> searchContacts(String user, String text, int limit) {
		String needle = Objects.requireNonNull(text, "text must not be null").toLowerCase(Locale.ROOT);
		return seeded(user).thenMany(Flux.defer(() -> this.commands.hvals(RedisKeys.of(user).contacts())))
			.map(this.codec::readContact)
			.filter((contact) -> contains(contact.name(), needle) || contains(contact.email(), needle)
					|| contains(contact.company(), needle))
			.collectList()
			.flatMapIterable((contacts) -> {
				List<Contact> sorted = new ArrayList<>(contacts);
				sorted.sort(Comparator.comparing(Contact::name));
				return sorted.subList(0, Math.min(sorted.size(), Math.max(limit, 0)));
			});
	}

	/**
	 * {@inheritDoc}
	 * <p>
	 * Seeds the user's book first, then writes the deal with {@code HSETNX}, so two
	 * replicas creating the same id never both succeed.
	 */
	@Override
	public Mono<Deal> create(String user, Deal deal) {
		Objects.requireNonNull(deal, "deal must not be null");
		return seeded(user)
			.then(Mono.defer(() -> this.commands.hsetnx(RedisKeys.of(user).deals(), deal.id(), this.codec.write(deal))))
			.flatMap((written) -> Boolean.TRUE.equals(written) ? Mono.just(deal)
					: Mono.error(new DealAlreadyExistsException(deal.id())));
	}

	/**
	 * {@inheritDoc}
	 * <p>
	 * Reads the deal, applies the changes, then stores the result with a Lua script that
	 * first checks the stored version again, so a change made in between by another
	 * replica is a conflict, never lost.
	 */
	@Override
	public Mono<Deal> update(String user, String dealId, long expectedVersion, DealChanges changes) {
		Objects.requireNonNull(dealId, "dealId must not be null");
		Objects.requireNonNull(changes, "changes must not be null");
		return findDeal(user, dealId).flatMap((current) -> {
			if (current.version() != expectedVersion) {
				return Mono.error(new DealVersionConflictException(dealId, expectedVersion, current.version()));
			}
			Deal updated = changes.applyTo(current, this.clock.instant());
			String[] keys = { RedisKeys.of(user).deals() };
			return UPDATE.run(this.commands, keys, dealId, Long.toString(expectedVersion), this.codec.write(updated))
				.flatMap((outcome) -> {
					if (outcome.equals("UPDATED")) {
						return Mono.just(updated);
					}
					if (outcome.startsWith("CONFLICT:")) {
						return Mono.error(new DealVersionConflictException(dealId, expectedVersion,
								Long.parseLong(outcome.substring("CONFLICT:".length()))));
					}
					return Mono.empty();
				});
		});
	}

	/** Writes the user's seed book unless the user already has one. */
	private Mono<Void> seeded(String user) {
		return Mono.defer(() -> {
			RedisKeys keys = RedisKeys.of(user);
			return this.commands.exists(keys.dealBook()).flatMap((exists) -> {
				if (exists > 0) {
					return Mono.<Void>empty();
				}
				DealBook book = this.seed.apply(user);
				List<String> args = new ArrayList<>();
				args.add(Integer.toString(book.deals().size()));
				book.deals().forEach((deal) -> {
					args.add(deal.id());
					args.add(this.codec.write(deal));
				});
				book.contacts().forEach((contact) -> {
					args.add(contact.id());
					args.add(this.codec.write(contact));
				});
				String[] scriptKeys = { keys.dealBook(), keys.deals(), keys.contacts() };
				return SEED.run(this.commands, scriptKeys, args.toArray(String[]::new)).then();
			});
		});
	}

	private static boolean contains(String value, String needle) {
		return value.toLowerCase(Locale.ROOT).contains(needle);
	}

	@Override
	public String toString() {
		return "RedisDealStore";
	}

}
