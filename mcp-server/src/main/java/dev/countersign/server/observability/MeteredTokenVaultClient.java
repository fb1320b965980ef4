package dev.countersign.server.observability;

import dev.countersign.vault.ConnectionNotLinkedException;
import dev.countersign.vault.ProviderToken;
import dev.countersign.vault.ReauthorizationRequiredException;
import dev.countersign.vault.SubjectTokenRejectedException;
import dev.countersign.vault.TokenExchangeRequest;
import dev.countersign.vault.TokenVaultClient;
import dev.countersign.vault.TokenVaultException;
import dev.countersign.vault.UpstreamUnavailableException;

/**
 * Counts each exchange of a {@link TokenVaultClient} by connection and outcome, reads and
 * writes alike; answers and errors pass through unchanged.
 */
final class MeteredTokenVaultClient implements TokenVaultClient {

	private final TokenVaultClient delegate;

	private final CountersignMetrics metrics;

	MeteredTokenVaultClient(TokenVaultClient delegate, CountersignMetrics metrics) {
		this.delegate = delegate;
		this.metrics = metrics;
	}

	@Override
	public ProviderToken exchange(TokenExchangeRequest request) {
		String outcome = "error";
		try {
			ProviderToken token = this.delegate.exchange(request);
			outcome = "success";
			return token;
		}
		catch (RuntimeException ex) {
			outcome = outcome(ex);
			throw ex;
		}
		finally {
			this.metrics.exchange(request.connection(), outcome);
		}
	}

	static String outcome(RuntimeException ex) {
		if (ex instanceof ConnectionNotLinkedException) {
			return "not_linked";
		}
		if (ex instanceof ReauthorizationRequiredException) {
			return "reauthorization_required";
		}
		if (ex instanceof SubjectTokenRejectedException) {
			return "subject_rejected";
		}
		if (ex instanceof UpstreamUnavailableException) {
			return "unavailable";
		}
		return (ex instanceof TokenVaultException) ? "refused" : "error";
	}

	@Override
	public String toString() {
		return "MeteredTokenVaultClient[" + this.delegate + "]";
	}

}
