package dev.countersign.server.auth;

import java.util.ArrayList;
import java.util.List;

import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/**
 * The authentication Countersign puts in the security context: a validated
 * {@link Caller}. Its credentials are not exposed; the token stays inside the caller.
 */
public final class CallerAuthentication extends AbstractAuthenticationToken {

	private static final long serialVersionUID = 1L;

	private final Caller caller;

	CallerAuthentication(Caller caller) {
		super(authorities(caller));
		this.caller = caller;
		setAuthenticated(true);
	}

	private static List<GrantedAuthority> authorities(Caller caller) {
		List<GrantedAuthority> authorities = new ArrayList<>(caller.scopes().size());
		for (String scope : caller.scopes()) {
			authorities.add(new SimpleGrantedAuthority("SCOPE_" + scope));
		}
		return authorities;
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
