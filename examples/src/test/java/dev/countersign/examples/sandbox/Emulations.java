package dev.countersign.examples.sandbox;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The emulated tenant, Token Vault and provider APIs wired as the sandbox wires them, on
 * a {@link MutableClock}, for unit tests that call the router functions directly.
 */
final class Emulations {

	static final Instant START = Instant.parse("2026-11-23T10:00:00Z");

	static final String ISSUER = "http://127.0.0.1:8080/auth0/";

	static final String AUDIENCE = "http://127.0.0.1:8080/mcp";

	static final String CLIENT_ID = "countersign-vault";

	static final String CLIENT_SECRET = "s3cr3t-for-tests";

	static final String CIBA_CLIENT_ID = "countersign-ciba";

	static final String CIBA_CLIENT_SECRET = "ciba-s3cr3t-for-tests";

	static final String CONSOLE_CLIENT_ID = "sandbox-console";

	static final String CONSOLE_CLIENT_SECRET = "console-s3cr3t-for-tests";

	static final URI CONSOLE_REDIRECT_URI = URI.create("http://127.0.0.1:8080/console/callback");

	final MutableClock clock = new MutableClock(START);

	final EmulatedTenant tenant = new EmulatedTenant(ISSUER, AUDIENCE, Duration.ofHours(24), this.clock);

	final EmulatedProviderTokens tokens = new EmulatedProviderTokens(this.clock, Duration.ofHours(1));

	final ProviderFaults faults = new ProviderFaults();

	final SandboxCalendars calendars = new SandboxCalendars(this.clock);

	final SandboxMailboxes mailboxes = new SandboxMailboxes(this.clock);

	final SandboxGitHub github = new SandboxGitHub(this.clock);

	final ProviderWrites writes = new ProviderWrites();

	final CibaRequests cibaRequests = new CibaRequests(this.clock);

	final EmulatedCiba ciba = new EmulatedCiba(this.tenant, CIBA_CLIENT_ID, this.cibaRequests);

	final EmulatedRefreshTokens refreshTokens = new EmulatedRefreshTokens();

	final EmulatedAuthorization authorization = new EmulatedAuthorization(this.tenant, AUDIENCE,
			Map.of(CONSOLE_CLIENT_ID, CONSOLE_REDIRECT_URI), this.refreshTokens, this.clock);

	final EmulatedTokenEndpoint tokenEndpoint = new EmulatedTokenEndpoint(
			Map.of(CLIENT_ID, CLIENT_SECRET, CIBA_CLIENT_ID, CIBA_CLIENT_SECRET, CONSOLE_CLIENT_ID,
					CONSOLE_CLIENT_SECRET),
			Map.of(EmulatedTokenVault.GRANT_TYPE,
					new EmulatedTokenVault(this.tenant, AUDIENCE, this.tokens, this.refreshTokens),
					EmulatedCiba.GRANT_TYPE, this.ciba, EmulatedAuthorization.GRANT_TYPE, this.authorization),
			this.faults.tokenEndpoint());

	final WebTestClient client = WebTestClient
		.bindToRouterFunction(this.tenant.routes()
			.and(this.tokenEndpoint.routes())
			.and(this.authorization.routes())
			.and(this.ciba.routes(this.tokenEndpoint, this.faults.backchannel()))
			.and(new SandboxPhone(this.cibaRequests).routes())
			.and(new EmulatedCalendar(this.calendars, this.tokens, this.faults, this.writes).routes())
			.and(new EmulatedGmail(this.mailboxes, this.tokens, this.faults, this.clock, this.writes).routes())
			.and(new EmulatedGitHub(this.github, this.tokens, this.faults, this.writes).routes()))
		.build();

	String google(String user) {
		return this.tokens.issue(user, EmulatedTokenVault.GOOGLE).token();
	}

	String github(String user) {
		return this.tokens.issue(user, EmulatedTokenVault.GITHUB).token();
	}

	WebTestClient.ResponseSpec get(String path, String token) {
		return this.client.get().uri(URI.create(path)).header("Authorization", "Bearer " + token).exchange();
	}

}
