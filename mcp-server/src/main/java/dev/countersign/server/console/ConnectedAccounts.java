package dev.countersign.server.console;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.util.UriComponentsBuilder;

import dev.countersign.policy.account.RefreshTokenCipher;
import dev.countersign.policy.account.RefreshTokenStore;
import dev.countersign.policy.account.RefreshTokenUnreadableException;
import dev.countersign.policy.trust.TrustStore;
import dev.countersign.server.api.ApiException;
import dev.countersign.server.change.SettingsAudit;
import dev.countersign.server.provider.ProviderTokens;

/**
 * Connected accounts for the config API (DESIGN §12), through Auth0's My Account API.
 *
 * <p>
 * Countersign gets a My Account token for the user from the user's console refresh token
 * ({@link MyAccountClient#accessToken}), so a user signs in at {@code /console/login}
 * once before connecting anything; until then every operation is a 409 saying where to
 * sign in. The token lives only for the call that needs it.
 *
 * <ul>
 * <li>{@link #list}: each connection Countersign uses, connected or not.</li>
 * <li>{@link #connect}: starts Auth0's connect flow with PKCE S256 and a fresh
 * {@code state}, keeps (state → user, connection, {@code auth_session}, verifier) here,
 * in memory, for {@value #PENDING_TTL_MINUTES} minutes, used once, and answers the URL
 * the user opens. The provider's consent returns to {@value #CALLBACK_PATH}, which
 * completes the flow and answers a page.</li>
 * <li>{@link #disconnect}: removes the connection's accounts and advances the user's
 * credential epoch, so the user's cached provider tokens are dropped on every replica,
 * and reads say "connect your account" again.</li>
 * </ul>
 * Connecting and disconnecting are audited (SETTING_CHANGED, setting {@code connection}).
 * No token, code, verifier or ticket is logged, audited or answered, except the ticket
 * inside the URL the user asked for. Thread-safe.
 */
public final class ConnectedAccounts {

	/** Where the provider's consent returns. */
	public static final String CALLBACK_PATH = "/console/connections/callback";

	static final int PENDING_TTL_MINUTES = 10;

	static final Duration PENDING_TTL = Duration.ofMinutes(PENDING_TTL_MINUTES);

	static final int MAX_PENDING = 10_000;

	private static final Logger logger = LoggerFactory.getLogger(ConnectedAccounts.class);

	private final MyAccountClient myAccount;

	private final RefreshTokenStore refreshTokens;

	private final RefreshTokenCipher cipher;

	private final TrustStore trust;

	private final ProviderTokens providerTokens;

	private final SettingsAudit audit;

	private final List<String> connections;

	private final String redirectUri;

	private final String signInUrl;

	private final Clock clock;

	private final SecureRandom random = new SecureRandom();

	private final Map<String, Pending> pending = new ConcurrentHashMap<>();

	ConnectedAccounts(MyAccountClient myAccount, RefreshTokenStore refreshTokens, RefreshTokenCipher cipher,
			TrustStore trust, ProviderTokens providerTokens, SettingsAudit audit, List<String> connections,
			String redirectUri, String signInUrl, Clock clock) {
		this.myAccount = myAccount;
		this.refreshTokens = refreshTokens;
		this.cipher = cipher;
		this.trust = trust;
		this.providerTokens = providerTokens;
		this.audit = audit;
		this.connections = List.copyOf(connections);
		this.redirectUri = redirectUri;
		this.signInUrl = signInUrl;
		this.clock = clock;
	}

	/**
	 * One connection as the config API shows it.
	 *
	 * @param connection the Auth0 connection name
	 * @param connected whether the user connected an account
	 * @param accountId the connected account's id, or null
	 * @param scopes the scopes granted, empty when not connected
	 * @param connectedAt when it was connected, as Auth0 said, or null
	 */
	public record Connection(String connection, boolean connected, @Nullable String accountId, List<String> scopes,
			@Nullable String connectedAt) {
	}

	/**
	 * A started connect flow.
	 *
	 * @param connection the connection
	 * @param url the URL the user opens in a browser
	 * @param expiresIn seconds the URL stays valid
	 */
	public record ConnectUrl(String connection, String url, long expiresIn) {
	}

	/**
	 * Lists the connections Countersign uses for the user.
	 * @param user the user id
	 * @return each connection, connected or not
	 */
	public Mono<List<Connection>> list(String user) {
		return token(user).flatMap(this.myAccount::list).map((accounts) -> {
			List<Connection> answer = new ArrayList<>();
			for (String connection : this.connections) {
				MyAccountClient.Account account = accounts.stream()
					.filter((a) -> a.connection().equals(connection))
					.findFirst()
					.orElse(null);
				answer.add((account != null)
						? new Connection(connection, true, account.id(), account.scopes(), account.createdAt())
						: new Connection(connection, false, null, List.of(), null));
			}
			return answer;
		}).onErrorMap(ConnectedAccounts::isUpstream, ConnectedAccounts::upstream);
	}

	/**
	 * Starts connecting an account.
	 * @param user the user id
	 * @param connection the connection
	 * @return the URL to open
	 */
	public Mono<ConnectUrl> connect(String user, String connection) {
		requireKnown(connection);
		if (this.pending.size() >= MAX_PENDING) {
			purgeExpired();
			if (this.pending.size() >= MAX_PENDING) {
				return Mono.error(ApiException.conflict("Too many account connections are in progress; try again in "
						+ PENDING_TTL_MINUTES + " minutes."));
			}
		}
		String state = random(24);
		String verifier = random(32);
		return token(user)
			.flatMap((token) -> this.myAccount.connect(token, connection, this.redirectUri, state, s256(verifier)))
			.map((start) -> {
				this.pending.put(state, new Pending(user, connection, start.authSession(), verifier,
						this.clock.instant().plus(PENDING_TTL)));
				String url = UriComponentsBuilder.fromUriString(start.connectUri())
					.queryParam("ticket", start.ticket())
					.encode()
					.build()
					.toUriString();
				return new ConnectUrl(connection, url, Math.min(start.expiresIn(), PENDING_TTL.toSeconds()));
			})
			.onErrorMap(ConnectedAccounts::isUpstream, ConnectedAccounts::upstream);
	}

	/**
	 * Removes the user's accounts of a connection and drops the user's cached provider
	 * tokens on every replica.
	 * @param user the user id
	 * @param connection the connection
	 * @return how many accounts were removed; a 404 when none was connected
	 */
	public Mono<Integer> disconnect(String user, String connection) {
		requireKnown(connection);
		// drop the cached tokens whenever a removal was tried, even if one failed
		Mono<Void> drop = this.trust.advanceCredentialEpoch(user)
			.then(Mono.fromRunnable(() -> this.providerTokens.invalidate(user, connection)));
		return token(user).flatMap((token) -> this.myAccount.list(token).flatMap((accounts) -> {
			List<MyAccountClient.Account> linked = accounts.stream()
				.filter((account) -> account.connection().equals(connection))
				.toList();
			if (linked.isEmpty()) {
				return Mono.error(ApiException.notFound("connected account for connection", connection));
			}
			return Flux.fromIterable(linked)
				.concatMap((account) -> this.myAccount.delete(token, account.id()))
				.then(drop)
				.thenReturn(linked.size())
				.onErrorResume((ex) -> drop.onErrorResume((ignored) -> Mono.empty()).then(Mono.error(ex)));
		}))
			.onErrorMap(ConnectedAccounts::isUpstream, ConnectedAccounts::upstream)
			.flatMap((removed) -> this.audit.changed(user, "connection", connection, details(false, removed))
				.thenReturn(removed));
	}

	RouterFunction<ServerResponse> routes() {
		return RouterFunctions.route().GET(CALLBACK_PATH, this::callback).build();
	}

	private Mono<ServerResponse> callback(ServerRequest request) {
		String state = request.queryParam("state").orElse("");
		Pending started = this.pending.remove(state);
		if (started == null || started.expiresAt().isBefore(this.clock.instant())) {
			return page(HttpStatus.BAD_REQUEST, "Connecting failed",
					"This connection attempt is unknown or expired. Start again from the Countersign console.");
		}
		String connection = started.connection();
		if (request.queryParam("error").isPresent()) {
			logger.info("Connecting {} for user {} was not allowed at the provider", connection, started.user());
			return page(HttpStatus.OK, "Not connected",
					"You did not allow the connection, so nothing was connected for " + connection + ".");
		}
		String code = request.queryParam("connect_code").orElse("");
		if (code.isEmpty()) {
			return page(HttpStatus.BAD_REQUEST, "Connecting failed", "The provider sent no connect_code.");
		}
		return token(started.user())
			.flatMap((token) -> this.myAccount.complete(token, started.authSession(), code, this.redirectUri,
					started.verifier()))
			.flatMap((account) -> this.audit.changed(started.user(), "connection", connection, details(true, 1))
				.then(page(HttpStatus.OK, "Account connected",
						"Your " + account.connection() + " account is connected. Countersign can now read for you "
								+ "with it; writes still wait for your approval on your phone.")))
			.onErrorResume((ex) -> {
				logger.warn("Completing the connection {} for user {} failed: {}", connection, started.user(),
						ex.getMessage());
				return page(HttpStatus.BAD_GATEWAY, "Connecting failed",
						"Auth0 did not complete the connection: " + ex.getMessage() + ". Start again.");
			});
	}

	private Mono<String> token(String user) {
		String sentence = "Connecting accounts uses your console sign-in: sign in to the Countersign console at "
				+ this.signInUrl + " first.";
		return this.refreshTokens.find(user)
			.switchIfEmpty(Mono.error(() -> ApiException.conflict(sentence)))
			.map((stored) -> {
				try {
					return this.cipher.open(stored);
				}
				catch (RefreshTokenUnreadableException ex) {
					throw ApiException.conflict("Your stored console sign-in could not be read. " + sentence);
				}
			})
			.flatMap((refreshToken) -> this.myAccount.accessToken(refreshToken)
				.onErrorMap((ex) -> ex instanceof MyAccountClient.MyAccountException refused && refused.status() < 500,
						(ex) -> {
							logger.info("No My Account token for user {}: {}", user, ex.getMessage());
							return ApiException.conflict("Auth0 refused a My Account token for your console sign-in ("
									+ ((MyAccountClient.MyAccountException) ex).code() + "). Sign in again at "
									+ this.signInUrl + ".");
						}));
	}

	private void requireKnown(String connection) {
		if (!this.connections.contains(connection)) {
			throw ApiException.badField("connection",
					"it must be one of " + String.join(", ", this.connections) + ", but was " + shorten(connection));
		}
	}

	private void purgeExpired() {
		Instant now = this.clock.instant();
		this.pending.values().removeIf((p) -> p.expiresAt().isBefore(now));
	}

	private static Map<String, @Nullable Object> details(boolean connected, int accounts) {
		Map<String, @Nullable Object> details = new LinkedHashMap<>();
		details.put("connected", connected);
		details.put("accounts", accounts);
		if (!connected) {
			details.put("provider_tokens_dropped", true);
		}
		return details;
	}

	private static boolean isUpstream(Throwable ex) {
		return ex instanceof MyAccountClient.MyAccountException || ex instanceof TimeoutException
				|| ex instanceof WebClientRequestException;
	}

	private static Throwable upstream(Throwable ex) {
		logger.warn("The My Account API failed: {}", ex.getMessage());
		if (ex instanceof MyAccountClient.MyAccountException refused) {
			return ApiException.badGateway("Auth0's My Account API failed: " + refused.getMessage() + ".");
		}
		return ApiException.badGateway("Auth0's My Account API did not answer; try again shortly.");
	}

	private String random(int bytes) {
		byte[] value = new byte[bytes];
		this.random.nextBytes(value);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(value);
	}

	private static String s256(String verifier) {
		try {
			return Base64.getUrlEncoder()
				.withoutPadding()
				.encodeToString(
						MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static String shorten(String text) {
		return (text.length() <= 40) ? text : text.substring(0, 40) + "…";
	}

	private static Mono<ServerResponse> page(HttpStatus status, String title, String message) {
		return ServerResponse.status(status)
			.contentType(new MediaType(MediaType.TEXT_HTML, StandardCharsets.UTF_8))
			.header("Cache-Control", "no-store")
			.bodyValue(ConsolePages.html(title, message));
	}

	@Override
	public String toString() {
		return "ConnectedAccounts[connections=" + this.connections + ", pending=" + this.pending.size() + "]";
	}

	/** A started connect flow, kept until its callback or expiry. */
	private record Pending(String user, String connection, String authSession, String verifier, Instant expiresAt) {

		Pending {
			Objects.requireNonNull(user, "user must not be null");
		}

		@Override
		public String toString() {
			return "Pending[user=" + this.user + ", connection=" + this.connection + "]";
		}

	}

}
