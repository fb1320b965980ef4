package dev.countersign.server.auth;

import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.authentication.AbstractAuthenticationToken;

/**
 * The authentication Countersign puts in the security context: a validated
 * {@link Caller}. Its credentials are not exposed; the token stays inside the caller.
 */
public final class CallerAuthentication extends AbstractAuthenticationToken {

	private static final long serialVersionUID = 1L;

	private final Caller caller;

	CallerAuthentication(Caller caller) {
		super(AuthorityUtils
			.createAuthorityList(caller.scopes().stream().map((scope) -> "SCOPE_" + scope).toArray(String[]::new)));
		this.caller = caller;
		setAuthenticated(true);
	}

	@Override
	public Object getCredentials() {
		return "";
	}

	@Override
	public Caller getPrincipal() {
		return this.caller;
	}

	@Override
	public String getName() {
		return this.caller.user();
	}

	/**
	 * The caller.
	 * @return the caller
	 */
	public Caller caller() {
		return this.caller;
	}

}
