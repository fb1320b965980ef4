package dev.countersign.examples.sandbox;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.util.RawValue;

import org.springframework.http.HttpStatus;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * The emulated tenant's Client-Initiated Backchannel Authentication, in Auth0's dialect:
 * {@code POST /auth0/bc-authorize} starts a request in {@link CibaRequests}, and the
 * grant {@value #GRANT_TYPE} of the token endpoint polls it. Only the configured CIBA
 * client may use either. Errors are Auth0's JSON bodies. Thread-safe.
 *
 * <pre>{@code
 * POST /auth0/bc-authorize
 * client_id=countersign-ciba&client_secret=...&scope=openid&audience=http://127.0.0.1:8080/mcp
 * &login_hint={"format":"iss_sub","iss":"http://127.0.0.1:8080/auth0/","sub":"auth0|ada"}
 * &binding_message=Countersign: 2 actions #7K2Q&requested_expiry=300
 * → {"auth_req_id":"…","expires_in":300,"interval":5}
 * }</pre>
 */
final class EmulatedCiba implements EmulatedTokenEndpoint.Grant {

	static final String GRANT_TYPE = "urn:openid:params:grant-type:ciba";

	static final String BC_AUTHORIZE_PATH = EmulatedTenant.BASE_PATH + "/bc-authorize";

	/** The one {@code authorization_details} type a Guardian display takes here. */
	static final String DETAILS_TYPE = "urn:auth0:schemas:authorization-details:v1:countersign-batch";

	/**
	 * The default and largest {@code requested_expiry}: above it Auth0 falls back to
	 * email.
	 */
	static final int MAX_REQUESTED_EXPIRY = 300;

	// Auth0: at most 64 characters, letters, digits, spaces and +-_.,:#
	private static final Pattern BINDING_MESSAGE = Pattern.compile("[A-Za-z0-9 +\\-_.,:#]{1,64}");

	private static final Set<String> GRANT_PARAMETERS = Set.of("grant_type", "auth_req_id");

	private static final ObjectReader JSON = JsonMapper.shared()
		.reader()
		.with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
		.with(StreamReadFeature.STRICT_DUPLICATE_DETECTION);

	private final EmulatedTenant tenant;

	private final String clientId;

	private final CibaRequests requests;

	/**
	 * Creates the emulation.
	 * @param tenant the tenant whose issuer login hints name and which mints the tokens
	 * @param clientId the CIBA client, the only one allowed to start and poll requests
	 * @param requests where requests are kept
	 */
	EmulatedCiba(EmulatedTenant tenant, String clientId, CibaRequests requests) {
		this.tenant = tenant;
		this.clientId = clientId;
		this.requests = requests;
	}

	/**
	 * The {@code /bc-authorize} route, served with the token endpoint's client
	 * authentication.
	 * @param endpoint the tenant's token endpoint
	 * @param faults the faults to consult before answering
	 * @return the route
	 */
	RouterFunction<ServerResponse> routes(EmulatedTokenEndpoint endpoint, ProviderFaults.Faults faults) {
		return endpoint.route(BC_AUTHORIZE_PATH, this::authorize, faults);
	}

	/**
	 * Starts a CIBA request.
	 * @param client the authenticated client
	 * @param parameters the form, without the client's credentials
	 * @return {@code auth_req_id}, {@code expires_in} and {@code interval}
	 * @throws OAuthErrorException for a refused request
	 */
	Map<String, @Nullable Object> authorize(String client, Map<String, String> parameters) {
		requireCibaClient(client);
		String scope = require(parameters, "scope");
		if (!Set.of(scope.split(" ")).contains("openid")) {
			throw OAuthErrorException.invalidRequest("scope must contain openid");
		}
		String user = user(require(parameters, "login_hint"));
		String audience = require(parameters, "audience");
		String bindingMessage = require(parameters, "binding_message");
		if (!BINDING_MESSAGE.matcher(bindingMessage).matches()) {
			throw new OAuthErrorException(HttpStatus.BAD_REQUEST, "invalid_binding_message",
					"binding_message must be 1 to 64 letters, digits, spaces or +-_.,:#");
		}
		int expiry = requestedExpiry(parameters.get("requested_expiry"));
		String details = parameters.get("authorization_details");
		if (details != null) {
			checkDetails(details);
		}
		if (!SandboxUsers.hasGuardian(user)) {
			throw OAuthErrorException.invalidRequest("User does not have a Guardian enrollment");
		}
		Optional<CibaRequests.CibaRequest> started = this.requests.start(user, client, bindingMessage, audience,
				details, Duration.ofSeconds(expiry));
		if (started.isEmpty()) {
			throw new OAuthErrorException(HttpStatus.TOO_MANY_REQUESTS, "too_many_requests",
					"Too many requests for this user: at most " + CibaRequests.MAX_PER_MINUTE + " per minute");
		}
		return Json.object("auth_req_id", started.get().authReqId(), "expires_in", expiry, "interval",
				CibaRequests.INTERVAL.toSeconds());
	}

	@Override
	public Map<String, @Nullable Object> grant(String client, Map<String, String> parameters) {
		requireCibaClient(client);
		for (String name : parameters.keySet()) {
			if (!GRANT_PARAMETERS.contains(name)) {
				throw OAuthErrorException.invalidRequest("Unknown parameter: " + name);
			}
		}
		CibaRequests.Poll poll = this.requests.poll(require(parameters, "auth_req_id"), client);
		CibaRequests.CibaRequest request = poll.request();
		switch (poll.outcome()) {
			case PENDING:
				throw error("authorization_pending", "The end-user authorization is pending");
			case SLOW_DOWN:
				throw error("slow_down", "You are polling faster than allowed. Try again in "
						+ CibaRequests.INTERVAL.toSeconds() + " seconds.");
			case DENIED:
				throw error("access_denied", "The end-user denied the authorization request or it has been expired");
			case EXPIRED:
				throw error("expired_token", "The auth_req_id has expired");
			case REDEEMED:
				if (request != null) {
					return tokens(request);
				}
				throw error("invalid_grant", "Invalid or already used auth_req_id");
			default:
				// Unknown, another client's, or redeemed before: an auth_req_id is
				// redeemed once only.
				throw error("invalid_grant", "Invalid or already used auth_req_id");
		}
	}

	private Map<String, @Nullable Object> tokens(CibaRequests.CibaRequest request) {
		Map<String, @Nullable Object> body = Json.object("access_token",
				this.tenant.cibaAccessToken(request.user(), request.client(), request.audience()), "id_token",
				this.tenant.idToken(request.user(), request.client()), "expires_in",
				this.tenant.tokenLifetime().toSeconds(), "scope", "openid", "token_type", "Bearer");
		String details = request.authorizationDetails();
		if (details != null) {
			// Echoed exactly as requested: it was checked to be one JSON array.
			body.put("authorization_details", new RawValue(details));
		}
		return body;
	}

	private void requireCibaClient(String client) {
		if (!this.clientId.equals(client)) {
			throw new OAuthErrorException(HttpStatus.FORBIDDEN, "unauthorized_client",
					"Grant type '" + GRANT_TYPE + "' not allowed for the client.");
		}
	}

	// login_hint={"format":"iss_sub","iss":"<issuer>","sub":"auth0|<name>"} as a JSON
	// string
	private String user(String loginHint) {
		JsonNode hint = parse(loginHint, "login_hint");
		String prefix = SandboxUsers.subject("");
		String format = text(hint, "format");
		String issuer = text(hint, "iss");
		String subject = text(hint, "sub");
		if (!"iss_sub".equals(format) || !this.tenant.issuer().equals(issuer) || subject == null
				|| !subject.startsWith(prefix)) {
			throw OAuthErrorException.invalidRequest(
					"login_hint must be {\"format\":\"iss_sub\",\"iss\":\"" + this.tenant.issuer() + "\",\"sub\":…}");
		}
		String name = subject.substring(prefix.length());
		try {
			if (!SandboxUsers.checkName("sub", name).equals(name)) {
				throw new IllegalArgumentException("sub must be lower case");
			}
		}
		catch (IllegalArgumentException ex) {
			throw OAuthErrorException.invalidRequest("login_hint names an unknown user");
		}
		return name;
	}

	private static int requestedExpiry(@Nullable String value) {
		if (value == null) {
			return MAX_REQUESTED_EXPIRY;
		}
		try {
			int expiry = Integer.parseInt(value);
			if (expiry >= 1 && expiry <= MAX_REQUESTED_EXPIRY) {
				return expiry;
			}
		}
		catch (NumberFormatException ex) {
			// answered below
		}
		throw OAuthErrorException.invalidRequest("requested_expiry must be 1 to " + MAX_REQUESTED_EXPIRY);
	}

	// Guardian's rich display takes exactly one object of the configured type.
	private static void checkDetails(String details) {
		JsonNode array = parse(details, "authorization_details");
		if (!array.isArray() || array.size() != 1 || !array.get(0).isObject()
				|| !DETAILS_TYPE.equals(text(array.get(0), "type"))) {
			throw OAuthErrorException
				.invalidRequest("authorization_details must be an array of exactly one object of type " + DETAILS_TYPE);
		}
	}

	private static JsonNode parse(String json, String parameter) {
		try {
			return JSON.readTree(json);
		}
		catch (JacksonException ex) {
			throw OAuthErrorException.invalidRequest(parameter + " must be JSON");
		}
	}

	private static @Nullable String text(JsonNode node, String field) {
		JsonNode value = node.get(field);
		return (value != null && value.isString()) ? value.asString() : null;
	}

	private static String require(Map<String, String> parameters, String name) {
		String value = parameters.get(name);
		if (value == null || value.isEmpty()) {
			throw OAuthErrorException.invalidRequest("Missing required parameter: " + name);
		}
		return value;
	}

	private static OAuthErrorException error(String error, String description) {
		return new OAuthErrorException(HttpStatus.BAD_REQUEST, error, description);
	}

}
