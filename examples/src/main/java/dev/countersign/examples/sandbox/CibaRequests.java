package dev.countersign.examples.sandbox;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

import org.jspecify.annotations.Nullable;

/**
 * The CIBA requests the emulated tenant has started, from {@code /bc-authorize} to
 * redemption at the token endpoint, and the decisions the sandbox phone makes on them. A
 * request expires at its {@code expiresAt}; that is seen on the next read, by the clock.
 * Each change is atomic per request, so an approved request is redeemed once only.
 * Thread-safe.
 *
 * <pre>{@code
 * CibaRequest started = requests.start("ada", "countersign-ciba", "Countersign: 2 actions #7K2Q",
 *         audience, null, Duration.ofMinutes(5)).orElseThrow();
 * requests.decide(started.authReqId(), true);
 * }</pre>
 */
final class CibaRequests {

	/** At most this many requests start per user and minute, as Auth0 allows. */
	static final int MAX_PER_MINUTE = 5;

	/** The polling interval the tenant asks for. */
	static final Duration INTERVAL = Duration.ofSeconds(5);

	private static final Duration MINUTE = Duration.ofMinutes(1);

	private final SecureRandom random = new SecureRandom();

	private final Map<String, CibaRequest> requests = new ConcurrentHashMap<>();

	private final Map<String, Deque<Instant>> starts = new ConcurrentHashMap<>();

	private final Clock clock;

	CibaRequests(Clock clock) {
		this.clock = clock;
	}

	/**
	 * Starts a request, unless the user has started {@value #MAX_PER_MINUTE} in the last
	 * minute.
	 * @param user the sandbox user name
	 * @param client the CIBA client id
	 * @param bindingMessage the binding message, already checked
	 * @param audience the audience of the token to issue
	 * @param authorizationDetails the {@code authorization_details} JSON as sent, or null
	 * @param expiry how long the request may wait for a decision
	 * @return the request, or empty when the user's rate limit is reached
	 */
	Optional<CibaRequest> start(String user, String client, String bindingMessage, String audience,
			@Nullable String authorizationDetails, Duration expiry) {
		Instant now = this.clock.instant();
		Deque<Instant> recent = this.starts.computeIfAbsent(user, (key) -> new ArrayDeque<>());
		synchronized (recent) {
			while (!recent.isEmpty() && !recent.peekFirst().isAfter(now.minus(MINUTE))) {
				recent.removeFirst();
			}
			if (recent.size() >= MAX_PER_MINUTE) {
				return Optional.empty();
			}
			recent.addLast(now);
		}
		byte[] bytes = new byte[24];
		this.random.nextBytes(bytes);
		String id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
		CibaRequest request = new CibaRequest(id, user, client, bindingMessage, code(bindingMessage), audience,
				authorizationDetails, Status.PENDING, now, now.plus(expiry), null);
		this.requests.put(id, request);
		return Optional.of(request);
	}

	/**
	 * A request, with its status as of now.
	 * @param authReqId the {@code auth_req_id}
	 * @return the request, or empty when unknown
	 */
	Optional<CibaRequest> find(String authReqId) {
		CibaRequest request = this.requests.get(authReqId);
		return (request != null) ? Optional.of(current(request, this.clock.instant())) : Optional.empty();
	}

	/**
	 * The requests waiting for a decision, oldest first.
	 * @param user a user to list for, or null for every user
	 * @return a snapshot
	 */
	List<CibaRequest> pending(@Nullable String user) {
		Instant now = this.clock.instant();
		return this.requests.values()
			.stream()
			.map((request) -> current(request, now))
			.filter((request) -> request.status() == Status.PENDING)
			.filter((request) -> user == null || user.equals(request.user()))
			.sorted(Comparator.comparing(CibaRequest::createdAt).thenComparing(CibaRequest::authReqId))
			.toList();
	}

	/**
	 * Approves or denies a pending request, as the user does on the phone.
	 * @param authReqId the {@code auth_req_id}
	 * @param approve whether to approve it
	 * @return the decided request, or empty when it is unknown or no longer pending
	 */
	Optional<CibaRequest> decide(String authReqId, boolean approve) {
		Instant now = this.clock.instant();
		AtomicReference<@Nullable CibaRequest> decided = new AtomicReference<>();
		this.requests.computeIfPresent(authReqId, (key, stored) -> {
			CibaRequest request = current(stored, now);
			if (request.status() != Status.PENDING) {
				return request;
			}
			CibaRequest changed = request.with(approve ? Status.APPROVED : Status.DENIED, request.lastPolledAt());
			decided.set(changed);
			return changed;
		});
		return Optional.ofNullable(decided.get());
	}

	/**
	 * One poll of the token endpoint for a request. An approved request is redeemed by
	 * the poll that sees it; later polls find it {@link PollOutcome#ALREADY_REDEEMED}.
	 * @param authReqId the {@code auth_req_id}
	 * @param client the polling client
	 * @return the outcome, with the request when known
	 */
	Poll poll(String authReqId, String client) {
		Instant now = this.clock.instant();
		AtomicReference<Poll> poll = new AtomicReference<>(new Poll(PollOutcome.UNKNOWN, null));
		this.requests.computeIfPresent(authReqId, (key, stored) -> {
			if (!stored.client().equals(client)) {
				return stored;
			}
			CibaRequest request = current(stored, now);
			if (request.status() == Status.REDEEMED) {
				poll.set(new Poll(PollOutcome.ALREADY_REDEEMED, request));
				return request;
			}
			if (request.status() == Status.EXPIRED) {
				poll.set(new Poll(PollOutcome.EXPIRED, request));
				return request;
			}
			Instant last = request.lastPolledAt();
			// CIBA Core §11: polling faster than the interval answers slow_down.
			if (last != null && Duration.between(last, now).compareTo(INTERVAL) < 0) {
				CibaRequest polled = request.with(request.status(), now);
				poll.set(new Poll(PollOutcome.SLOW_DOWN, polled));
				return polled;
			}
			if (request.status() == Status.APPROVED) {
				CibaRequest redeemed = request.with(Status.REDEEMED, now);
				poll.set(new Poll(PollOutcome.REDEEMED, redeemed));
				return redeemed;
			}
			CibaRequest polled = request.with(request.status(), now);
			poll.set(new Poll((request.status() == Status.DENIED) ? PollOutcome.DENIED : PollOutcome.PENDING, polled));
			return polled;
		});
		return poll.get();
	}

	private static CibaRequest current(CibaRequest request, Instant now) {
		boolean open = request.status() == Status.PENDING || request.status() == Status.APPROVED;
		return (open && !now.isBefore(request.expiresAt())) ? request.with(Status.EXPIRED, request.lastPolledAt())
				: request;
	}

	// The short code the user matches on screen: what follows the last '#'.
	private static @Nullable String code(String bindingMessage) {
		int hash = bindingMessage.lastIndexOf('#');
		if (hash < 0) {
			return null;
		}
		String code = bindingMessage.substring(hash + 1).trim();
		return code.isEmpty() ? null : code;
	}

	/**
	 * Where a CIBA request stands.
	 */
	enum Status {

		/** Waiting for the user. */
		PENDING,

		/** Approved, not yet redeemed. */
		APPROVED,

		/** Denied by the user. */
		DENIED,

		/** Not decided, or not redeemed, before it expired. */
		EXPIRED,

		/** Approved and its tokens issued, once. */
		REDEEMED

	}

	/**
	 * What one poll found.
	 */
	enum PollOutcome {

		/** No such request for this client. */
		UNKNOWN,

		/** Redeemed by an earlier poll. */
		ALREADY_REDEEMED,

		/** Past its expiry. */
		EXPIRED,

		/** Polled faster than {@link #INTERVAL}. */
		SLOW_DOWN,

		/** Still waiting for the user. */
		PENDING,

		/** Denied by the user. */
		DENIED,

		/** Approved and redeemed by this poll. */
		REDEEMED

	}

	/**
	 * The outcome of a poll.
	 *
	 * @param outcome what the poll found
	 * @param request the request, null when unknown
	 */
	record Poll(PollOutcome outcome, @Nullable CibaRequest request) {

		Poll {
			Objects.requireNonNull(outcome, "outcome must not be null");
		}

	}

	/**
	 * One CIBA request. Immutable: a change stores a new value.
	 *
	 * @param authReqId the {@code auth_req_id}
	 * @param user the sandbox user name
	 * @param client the CIBA client id
	 * @param bindingMessage the binding message
	 * @param code the short code after the last {@code #} of the binding message, or null
	 * @param audience the audience of the token to issue
	 * @param authorizationDetails the {@code authorization_details} JSON exactly as sent,
	 * or null
	 * @param status where it stands
	 * @param createdAt when it started
	 * @param expiresAt when it expires
	 * @param lastPolledAt when the token endpoint was last polled for it, or null
	 */
	record CibaRequest(String authReqId, String user, String client, String bindingMessage, @Nullable String code,
			String audience, @Nullable String authorizationDetails, Status status, Instant createdAt, Instant expiresAt,
			@Nullable Instant lastPolledAt) {

		CibaRequest {
			Objects.requireNonNull(authReqId, "authReqId must not be null");
			Objects.requireNonNull(status, "status must not be null");
		}

		CibaRequest with(Status status, @Nullable Instant lastPolledAt) {
			return new CibaRequest(this.authReqId, this.user, this.client, this.bindingMessage, this.code,
					this.audience, this.authorizationDetails, status, this.createdAt, this.expiresAt, lastPolledAt);
		}

		@Override
		public String toString() {
			return "CibaRequest[authReqId=[redacted], user=" + this.user + ", status=" + this.status + "]";
		}

	}

}
