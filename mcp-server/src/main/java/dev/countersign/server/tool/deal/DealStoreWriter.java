package dev.countersign.server.tool.deal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import dev.countersign.policy.action.Action;
import dev.countersign.policy.deal.Deal;
import dev.countersign.policy.deal.DealAlreadyExistsException;
import dev.countersign.policy.deal.DealChanges;
import dev.countersign.policy.deal.DealStage;
import dev.countersign.policy.deal.DealStore;
import dev.countersign.policy.deal.DealVersionConflictException;
import dev.countersign.server.approval.ProviderWriter;
import dev.countersign.server.approval.WriteRejectedException;

/**
 * Executes approved {@code deal_create} and {@code deal_update} actions in Countersign's
 * own deal store; needs no provider token. Answers {@code {deal:{…}}}. Thread-safe.
 *
 * <p>
 * {@code deal_create}: the new deal's id is derived from the action id
 * ({@link #dealId(String)}), so a repeat of the same action finds the deal it made before
 * and succeeds with it instead of creating a second one.
 *
 * <p>
 * {@code deal_update}: a compare-and-set against the deal's version frozen as the
 * precondition {@code version} (DESIGN §4 step 2). A deal changed since then is refused
 * ({@value #DEAL_CHANGED}), a deleted one too; either way nothing is written and the
 * action is {@code FAILED}.
 */
public final class DealStoreWriter implements ProviderWriter {

	/** The reason a {@code deal_update} fails when the deal moved on after approval. */
	public static final String DEAL_CHANGED = "the deal changed since you approved";

	private static final char[] CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();

	private final DealStore store;

	private final Clock clock;

	/**
	 * A writer into the given store.
	 * @param store the deal store
	 * @param clock the clock that dates the new deal
	 */
	public DealStoreWriter(DealStore store, Clock clock) {
		this.store = Objects.requireNonNull(store, "store must not be null");
		this.clock = Objects.requireNonNull(clock, "clock must not be null");
	}

	@Override
	public Set<String> tools() {
		return Set.of("deal_create", "deal_update");
	}

	@Override
	public Mono<Map<String, Object>> execute(Action action, @Nullable String providerToken) {
		return "deal_update".equals(action.tool()) ? update(action) : create(action);
	}

	private Mono<Map<String, Object>> create(Action action) {
		return Mono.defer(() -> {
			Map<String, @Nullable Object> args = action.arguments();
			String name = (String) Objects.requireNonNull(args.get("name"));
			String company = (String) Objects.requireNonNull(args.get("company"));
			DealStage stage = DealStage.fromWireName((String) Objects.requireNonNull(args.get("stage")))
				.orElseThrow(() -> new WriteRejectedException(
						"The approved deal has an unknown stage; nothing was created."));
			List<String> contacts = (args.get("contact_ids") instanceof List<?> ids)
					? ids.stream().map(String.class::cast).toList() : List.of();
			Deal deal = new Deal(dealId(action.id()), name, company, stage,
					((Number) Objects.requireNonNull(args.get("amount"))).longValue(),
					(String) Objects.requireNonNull(args.get("currency")), contacts, 1, this.clock.instant());
			return this.store.create(action.user(), deal)
				.onErrorResume(DealAlreadyExistsException.class,
						(ex) -> this.store.findDeal(action.user(), deal.id())
							.filter((existing) -> existing.name().equals(name) && existing.company().equals(company))
							.switchIfEmpty(Mono.error(() -> new WriteRejectedException(
									"A different deal already has id " + deal.id() + "; nothing was created."))));
		}).map((created) -> Map.<String, Object>of("deal", DealTools.deal(created)));
	}

	private Mono<Map<String, Object>> update(Action action) {
		return Mono.defer(() -> {
			Map<String, @Nullable Object> args = action.arguments();
			String dealId = (String) Objects.requireNonNull(args.get("deal_id"));
			if (!(action.preconditions().get("version") instanceof Number version)) {
				return Mono.error(new WriteRejectedException(
						"The approved deal update carries no version to compare; nothing was changed."));
			}
			DealStage stage = null;
			if (args.get("stage") instanceof String wireName) {
				stage = DealStage.fromWireName(wireName)
					.orElseThrow(() -> new WriteRejectedException(
							"The approved deal update has an unknown stage; nothing was changed."));
			}
			List<String> contacts = (args.get("contact_ids") instanceof List<?> ids)
					? ids.stream().map(String.class::cast).toList() : null;
			Long amount = (args.get("amount") instanceof Number number) ? number.longValue() : null;
			DealChanges changes;
			try {
				changes = new DealChanges((String) args.get("name"), stage, amount, contacts);
			}
			catch (IllegalArgumentException ex) {
				return Mono.error(new WriteRejectedException("The approved deal update changes nothing valid ("
						+ ex.getMessage() + "); nothing was changed."));
			}
			return this.store.update(action.user(), dealId, version.longValue(), changes)
				.onErrorMap(DealVersionConflictException.class, (ex) -> new WriteRejectedException(DEAL_CHANGED))
				.switchIfEmpty(Mono.error(() -> new WriteRejectedException(
						"The deal " + dealId + " no longer exists; nothing was changed.")));
		}).map((updated) -> Map.<String, Object>of("deal", DealTools.deal(updated)));
	}

	/**
	 * The id of the deal an action creates: {@code D-} and 10 Crockford base32 characters
	 * of SHA-256 of the action id (50 bits).
	 * @param actionId the action id
	 * @return the deal id
	 */
	public static String dealId(String actionId) {
		byte[] digest;
		try {
			digest = MessageDigest.getInstance("SHA-256").digest(actionId.getBytes(StandardCharsets.UTF_8));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is missing from this Java runtime", ex);
		}
		long bits = 0;
		for (int i = 0; i < 8; i++) {
			bits = (bits << 8) | (digest[i] & 0xFF);
		}
		char[] suffix = new char[10];
		for (int i = 0; i < suffix.length; i++) {
			suffix[i] = CROCKFORD[(int) ((bits >>> (59 - 5 * i)) & 31)];
		}
		return "D-" + new String(suffix);
	}

}
