package dev.countersign.server.auth;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns {@link InvalidConfigurationException} into a start-up report that names the
 * setting instead of a stack trace.
 */
class InvalidConfigurationFailureAnalyzer extends AbstractFailureAnalyzer<InvalidConfigurationException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidConfigurationException cause) {
		return new FailureAnalysis("Countersign cannot start: " + cause.getMessage(),
				"Set " + cause.setting() + " (see the Configuration section of the README).", cause);
	}

}
