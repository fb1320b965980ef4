package dev.countersign.ciba;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;

import dev.countersign.ciba.internal.FormHttpClient;
import dev.countersign.ciba.internal.HttpAnswer;
import dev.countersign.ciba.internal.Json;
import dev.countersign.ciba.internal.OAuthError;
import dev.countersign.ciba.internal.RetryAfter;
import dev.countersign.ciba.internal.TransportException;
import org.jspecify.annotations.Nullable;

/**
 * An OIDC CIBA client in poll mode (CIBA Core 1.0) for Auth0 or a standard OIDC provider.
 * {@link #start} asks the user, {@link #pollOnce} looks once for the answer,
 * {@link #pollUntilDone} waits for it. Thread-safe; one instance per set of client
 * credentials is enough.
 * <p>
 * Two rules hold everywhere. A start request is NEVER repeated when it may have reached
 * the server, because a repeat is a second push on the user's phone: it is tried again
 * only when nothing was sent (connection refused) or the server said it did not process
 * it (HTTP 429, or 503 with {@code Retry-After}). And the HTTP layer NEVER retries a poll
 * on its own: one call of {@link #pollOnce} is one request. No token appears in any
 * {@code toString()} or exception message.
 *
 * <pre>{@code
 * CibaClient ciba = CibaClient.create(CibaOptions.auth0("countersign.eu.auth0.com", clientId, clientSecret));
 * BackchannelAuthenticationResponse started = ciba.start(BackchannelAuthenticationRequest
 *     .builder("auth0|62b1c0ffee", BindingMessageProfile.AUTH0.compose("Countersign: 2 actions - 2 email", "7K2Q"))
 *     .audience("https://api.countersign.dev")
 *     .requestedExpiry(Duration.ofSeconds(300))
 *     .build());
 * CibaOutcome outcome = ciba.pollUntilDone(started.authReqId(), started.interval(),
 *     Instant.now().plus(started.expiresIn()));
 * if (outcome instanceof CibaOutcome.Approved approved) {
 *     useInMemoryOnly(approved.accessToken(), approved.authorizationDetails());
 * }
 * }</pre>
 */
public final class CibaClient {

	/** The CIBA grant type (CIBA Core §10.1). */
	public static final String GRANT_TYPE = "urn:openid:params:grant-type:ciba";

	/** CIBA Core §11: on {@code slow_down}, the interval grows by at least 5 s. */
	public static final Duration SLOW_DOWN_INCREMENT = Duration.ofSeconds(5);

	private final CibaOptions options;

	private final FormHttpClient http;

	private final @Nullable String basicAuthorization;

	private volatile @Nullable Endpoints endpoints;

	private CibaClient(CibaOptions options) {
		this.options = options;
		this.http = FormHttpClient.create(options.connectTimeout(), options.readTimeout());
		this.basicAuthorization = (options.clientAuthentication() == ClientAuthentication.CLIENT_SECRET_BASIC)
				? "Basic " + Base64.getEncoder()
					.encodeToString((FormHttpClient.urlEncode(options.clientId()) + ":"
							+ FormHttpClient.urlEncode(options.clientSecret()))
						.getBytes(StandardCharsets.UTF_8))
				: null;
		URI backchannel = options.backchannelAuthenticationEndpoint();
		URI token = options.tokenEndpoint();
		this.endpoints = (backchannel != null && token != null) ? new Endpoints(backchannel, token) : null;
	}

	/**
	 * Create a client. Nothing is sent yet: a standard provider's discovery document is
	 * read on first use (and again after a failed read).
	 * @param options the options
	 * @return the client
	 */
	public static CibaClient create(CibaOptions options) {
		return new CibaClient(Objects.requireNonNull(options, "options must not be null"));
	}

	/**
	 * Start a backchannel authentication request: the user gets one push.
	 * <p>
	 * The request is tried at most {@link CibaOptions#maxStartAttempts()} times, and
	 * again only after a connection was refused (nothing sent), HTTP 429, or HTTP 503
	 * with {@code Retry-After}; the client waits the {@code Retry-After} (when it is at
	 * most {@link CibaOptions#maxRetryAfter()}) or a doubling back-off.
	 * @param request the request
	 * @return the server's acknowledgement with the {@code auth_req_id}
	 * @throws IllegalArgumentException when the Auth0 dialect is asked for a
	 * {@code requested_expiry} above 300 s (Guardian would send an email, not a push)
	 * @throws CibaStartRejectedException when the server refused with an OAuth error,
	 * such as {@code invalid_request} for an Auth0 user without Guardian enrolment
	 * @throws CibaStartOutcomeUnknownException when the request was sent but the answer
	 * was lost: it is NOT retried; send a fresh request later
	 * @throws CibaUnavailableException when nothing was started and the tries ran out
	 * @throws CibaException when the server answered something else unexpected (a 4xx
	 * without an OAuth error, unusable discovery metadata)
	 */
	public BackchannelAuthenticationResponse start(BackchannelAuthenticationRequest request) {
		Objects.requireNonNull(request, "request must not be null");
		Map<String, String> form = startForm(request);
		URI endpoint = endpoints().backchannelAuthentication();
		Duration backoff = this.options.startBackoff();
		for (int attempt = 1;; attempt++) {
			CibaUnavailableException failure;
			Duration wait;
			try {
				HttpAnswer answer = this.http.postForm(endpoint, form, this.basicAuthorization);
				if (answer.successful()) {
					return startResponse(answer);
				}
				Optional<Duration> retryAfter = RetryAfter.parse(answer.retryAfter(), this.options.clock());
				if (answer.status() != 429 && !(answer.status() == 503 && retryAfter.isPresent())) {
					throw startFailure(answer);
				}
				// 429, or 503 with Retry-After: the server says it did not process the
				// request.
				failure = new CibaUnavailableException(
						"backchannel authentication endpoint answered HTTP " + answer.status() + " after " + attempt
								+ ((attempt == 1) ? " try" : " tries") + "; nothing was started",
						OptionalInt.of(answer.status()), retryAfter.orElse(null), null);
				if (retryAfter.isPresent() && retryAfter.get().compareTo(this.options.maxRetryAfter()) > 0) {
					throw failure;
				}
				wait = retryAfter.orElse(backoff);
			}
			catch (TransportException ex) {
				if (ex.requestSent()) {
					throw new CibaStartOutcomeUnknownException(ex.getMessage()
							+ "; the request may have started a push, so it is not retried; send a fresh one later",
							OptionalInt.empty(), ex);
				}
				failure = new CibaUnavailableException(ex.getMessage() + " after " + attempt
						+ ((attempt == 1) ? " try" : " tries") + "; nothing was sent", OptionalInt.empty(), null, ex);
				wait = backoff;
			}
			if (attempt >= this.options.maxStartAttempts() || !sleep(wait)) {
				throw failure;
			}
			backoff = backoff.multipliedBy(2);
		}
	}

	/**
	 * Poll once with the default interval,
	 * {@link BackchannelAuthenticationResponse#DEFAULT_INTERVAL}. Prefer
	 * {@link #pollOnce(String, Duration)} with the interval in force.
	 * @param authReqId the {@code auth_req_id}
	 * @return what the poll found
	 * @throws CibaUnavailableException on a 5xx, a time-out or an unreadable answer
	 */
	public PollResult pollOnce(String authReqId) {
		return pollOnce(authReqId, BackchannelAuthenticationResponse.DEFAULT_INTERVAL);
	}

	/**
	 * Poll the token endpoint once: exactly one HTTP request, never retried by the
	 * client. Any process with the same client credentials may poll a stored
	 * {@code auth_req_id}. The caller waits {@code currentInterval} between polls and
	 * keeps the {@link PollResult.SlowDown#nextInterval()} it is given.
	 * @param authReqId the {@code auth_req_id}
	 * @param currentInterval the interval in force, used to compute the next one
	 * @return {@link PollResult.Pending} ({@code authorization_pending}),
	 * {@link PollResult.SlowDown} ({@code slow_down} or HTTP 429: at least 5 s more, or
	 * the larger {@code interval} or {@code Retry-After} the server asked for), or a
	 * {@link CibaOutcome}: {@link CibaOutcome.Approved}, {@link CibaOutcome.Denied}
	 * ({@code access_denied}, at Auth0 denied OR expired), {@link CibaOutcome.Expired}
	 * ({@code expired_token}) or {@link CibaOutcome.Failed} (any other OAuth error, such
	 * as {@code invalid_grant})
	 * @throws CibaUnavailableException on a 5xx, a time-out or an unreadable answer; the
	 * request keeps its state, poll again later
	 */
	public PollResult pollOnce(String authReqId, Duration currentInterval) {
		Objects.requireNonNull(authReqId, "authReqId must not be null");
		requirePositive(currentInterval, "currentInterval");
		Map<String, String> form = new LinkedHashMap<>();
		form.put("grant_type", GRANT_TYPE);
		form.put("auth_req_id", authReqId);
		addClientCredentials(form);
		URI endpoint = endpoints().token();
		HttpAnswer answer;
		try {
			answer = this.http.postForm(endpoint, form, this.basicAuthorization);
		}
		catch (TransportException ex) {
			throw new CibaUnavailableException(ex.getMessage() + "; poll again later", OptionalInt.empty(), null, ex);
		}
		if (answer.successful()) {
			return approved(answer);
		}
		Optional<Duration> retryAfter = RetryAfter.parse(answer.retryAfter(), this.options.clock());
		Optional<OAuthError> error = (answer.status() >= 400 && answer.status() < 500) ? OAuthError.parse(answer.body())
				: Optional.empty();
		if (error.isPresent()) {
			OAuthError e = error.get();
			switch (e.error()) {
				case "authorization_pending":
					return new PollResult.Pending(max(currentInterval, retryAfter.orElse(Duration.ZERO)));
				case "slow_down":
					return slowDown(currentInterval, e.interval(), retryAfter);
				case "access_denied":
					return new CibaOutcome.Denied(e.description());
				case "expired_token":
					return new CibaOutcome.Expired(e.description());
				case "server_error":
				case "temporarily_unavailable":
					break;
				default:
					return (answer.status() == 429) ? slowDown(currentInterval, e.interval(), retryAfter)
							: new CibaOutcome.Failed(e.error(), e.description(), answer.status());
			}
		}
		else if (answer.status() == 429) {
			return slowDown(currentInterval, null, retryAfter);
		}
		throw new CibaUnavailableException("token endpoint answered HTTP " + answer.status()
				+ error.map((e) -> " " + e.error()).orElse("") + "; poll again later", OptionalInt.of(answer.status()),
				retryAfter.orElse(null), null);
	}

	/**
	 * Poll until the request ends: wait {@code interval} (through the options'
	 * {@link Sleeper}), poll, and repeat with the interval each poll asks for.
	 * @param authReqId the {@code auth_req_id}
	 * @param interval the interval in force (the start answer's, or the one stored when
	 * resuming)
	 * @param deadline when to give up; usually the start time plus {@code expires_in}
	 * @return the outcome; {@link CibaOutcome.Expired} once the next poll would fall
	 * after {@code deadline}
	 * @throws CibaUnavailableException when a poll failed (see {@link #pollOnce}) or the
	 * thread was interrupted; the request keeps its state, resume later
	 */
	public CibaOutcome pollUntilDone(String authReqId, Duration interval, Instant deadline) {
		Objects.requireNonNull(authReqId, "authReqId must not be null");
		Objects.requireNonNull(deadline, "deadline must not be null");
		Duration wait = requirePositive(interval, "interval");
		while (true) {
			if (this.options.clock().instant().plus(wait).isAfter(deadline)) {
				return new CibaOutcome.Expired("the deadline " + deadline + " passed before the user answered");
			}
			if (!sleep(wait)) {
				throw new CibaUnavailableException("interrupted while polling; the request is still pending",
						OptionalInt.empty(), null, null);
			}
			PollResult result = pollOnce(authReqId, wait);
			if (result instanceof CibaOutcome outcome) {
				return outcome;
			}
			if (result instanceof PollResult.SlowDown slowDown) {
				wait = slowDown.nextInterval();
			}
			else if (result instanceof PollResult.Pending pending) {
				wait = pending.nextInterval();
			}
		}
	}

	private Map<String, String> startForm(BackchannelAuthenticationRequest request) {
		Duration expiry = request.requestedExpiry();
		boolean auth0 = this.options.dialect() == CibaDialect.AUTH0;
		if (auth0 && expiry != null && expiry.compareTo(CibaOptions.AUTH0_MAX_REQUESTED_EXPIRY) > 0) {
			throw new IllegalArgumentException("requestedExpiry must be at most 300 s for Auth0 (above that Guardian "
					+ "sends an email instead of a push), but was " + expiry);
		}
		BindingMessageProfile profile = this.options.bindingMessageProfile();
		Map<String, String> form = new LinkedHashMap<>();
		addClientCredentials(form);
		form.put("scope", request.scope());
		form.put("login_hint", auth0 ? auth0LoginHint(request.user()) : request.user());
		form.put("binding_message",
				(profile != null) ? profile.sanitize(request.bindingMessage()) : request.bindingMessage());
		if (request.audience() != null) {
			form.put("audience", request.audience());
		}
		if (expiry != null) {
			form.put("requested_expiry", Long.toString(expiry.getSeconds()));
		}
		if (request.authorizationDetails() != null) {
			form.put("authorization_details", request.authorizationDetails());
		}
		return form;
	}

	private String auth0LoginHint(String user) {
		// Auth0: login_hint is a JSON string in the iss_sub format.
		return "{\"format\":\"iss_sub\",\"iss\":" + Json.quote(Objects.requireNonNull(this.options.auth0Base()))
				+ ",\"sub\":" + Json.quote(user) + "}";
	}

	private void addClientCredentials(Map<String, String> form) {
		if (this.options.clientAuthentication() == ClientAuthentication.CLIENT_SECRET_POST) {
			form.put("client_id", this.options.clientId());
			form.put("client_secret", this.options.clientSecret());
		}
	}

	private static BackchannelAuthenticationResponse startResponse(HttpAnswer answer) {
		Map<String, Object> members = Json.parseObject(answer.body()).orElse(Map.of());
		if (members.get("auth_req_id") instanceof String authReqId && !authReqId.isBlank()
				&& members.get("expires_in") instanceof Number expiresIn && expiresIn.doubleValue() >= 1) {
			Duration interval = (members.get("interval") instanceof Number seconds && seconds.doubleValue() >= 1)
					? Duration.ofSeconds((long) Math.ceil(seconds.doubleValue()))
					: BackchannelAuthenticationResponse.DEFAULT_INTERVAL;
			return new BackchannelAuthenticationResponse(authReqId, Duration.ofSeconds(expiresIn.longValue()),
					interval);
		}
		throw new CibaStartOutcomeUnknownException(
				"backchannel authentication endpoint answered HTTP " + answer.status()
						+ " without a usable auth_req_id and expires_in; a push may have been sent",
				OptionalInt.of(answer.status()), null);
	}

	private static CibaException startFailure(HttpAnswer answer) {
		int status = answer.status();
		if (status >= 400 && status < 500) {
			Optional<OAuthError> error = OAuthError.parse(answer.body());
			if (error.isPresent()) {
				return new CibaStartRejectedException(error.get().error(), error.get().description(), status);
			}
			return new CibaException("backchannel authentication endpoint answered HTTP " + status
					+ " without an OAuth error; check the endpoint and client settings");
		}
		// A 5xx without Retry-After, or a redirect: the request may have been processed.
		return new CibaStartOutcomeUnknownException(
				"backchannel authentication endpoint answered HTTP " + status
						+ "; the request may have started a push, so it is not retried; send a fresh one later",
				OptionalInt.of(status), null);
	}

	private static CibaOutcome approved(HttpAnswer answer) {
		String body = answer.body();
		Map<String, Object> members = Json.parseObject(body).orElse(Map.of());
		if (!(members.get("access_token") instanceof String accessToken) || accessToken.isBlank()) {
			// Never echo the body: it may hold tokens.
			throw new CibaUnavailableException(
					"token endpoint answered HTTP " + answer.status() + " without a usable access_token",
					OptionalInt.of(answer.status()), null, null);
		}
		Duration expiresIn = (members.get("expires_in") instanceof Number seconds && seconds.doubleValue() >= 0)
				? Duration.ofSeconds(seconds.longValue()) : null;
		String authorizationDetails = (members.get("authorization_details") != null)
				? Json.rawMember(body, "authorization_details").orElse(null) : null;
		return new CibaOutcome.Approved(accessToken, stringOrNull(members.get("token_type")), expiresIn,
				stringOrNull(members.get("id_token")), stringOrNull(members.get("scope")), authorizationDetails, body);
	}

	private static PollResult.SlowDown slowDown(Duration current, @Nullable Long interval,
			Optional<Duration> retryAfter) {
		// CIBA Core §11: on slow_down, add at least 5 s; honour a larger interval or
		// Retry-After.
		Duration next = current.plus(SLOW_DOWN_INCREMENT);
		if (interval != null) {
			next = max(next, Duration.ofSeconds(interval));
		}
		return new PollResult.SlowDown(max(next, retryAfter.orElse(Duration.ZERO)));
	}

	private Endpoints endpoints() {
		Endpoints known = this.endpoints;
		if (known != null) {
			return known;
		}
		synchronized (this) {
			if (this.endpoints == null) {
				this.endpoints = discover(Objects.requireNonNull(this.options.issuer()));
			}
			return this.endpoints;
		}
	}

	private Endpoints discover(URI issuer) {
		String base = issuer.toString();
		URI location = URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base)
				+ "/.well-known/openid-configuration");
		HttpAnswer answer;
		try {
			answer = this.http.get(location);
		}
		catch (TransportException ex) {
			throw new CibaUnavailableException(ex.getMessage() + " (discovery); nothing was sent to the provider",
					OptionalInt.empty(), null, ex);
		}
		if (!answer.successful()) {
			throw new CibaUnavailableException("discovery at " + location + " answered HTTP " + answer.status(),
					OptionalInt.of(answer.status()),
					RetryAfter.parse(answer.retryAfter(), this.options.clock()).orElse(null), null);
		}
		OIDCProviderMetadata metadata;
		try {
			metadata = OIDCProviderMetadata.parse(answer.body());
		}
		catch (ParseException ex) {
			throw new CibaException("discovery at " + location + " is not OpenID provider metadata: " + ex.getMessage(),
					ex);
		}
		// OpenID Connect Discovery §4.3: the issuer in the document MUST be the one asked
		// for.
		if (!base.equals(metadata.getIssuer().getValue())) {
			throw new CibaException(
					"discovery at " + location + " names issuer " + metadata.getIssuer() + ", not " + base);
		}
		URI backchannel = metadata.getBackChannelAuthenticationEndpointURI();
		URI token = metadata.getTokenEndpointURI();
		if (backchannel == null || token == null) {
			throw new CibaException("provider " + base
					+ " advertises no backchannel_authentication_endpoint or token_endpoint: it does not offer CIBA");
		}
		List<?> modes = metadata.getBackChannelTokenDeliveryModes();
		if (modes != null && modes.stream().noneMatch((mode) -> "poll".equals(mode.toString()))) {
			throw new CibaException("provider " + base + " does not offer CIBA poll mode, only " + modes);
		}
		return new Endpoints(backchannel, token);
	}

	private boolean sleep(Duration duration) {
		try {
			this.options.sleeper().sleep(duration);
			return true;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	private static @Nullable String stringOrNull(@Nullable Object value) {
		return (value instanceof String text) ? text : null;
	}

	private static Duration max(Duration a, Duration b) {
		return (a.compareTo(b) >= 0) ? a : b;
	}

	private static Duration requirePositive(Duration value, String name) {
		Objects.requireNonNull(value, name + " must not be null");
		if (value.isNegative() || value.isZero()) {
			throw new IllegalArgumentException(name + " must be positive, but was " + value);
		}
		return value;
	}

	private record Endpoints(URI backchannelAuthentication, URI token) {

	}

}
