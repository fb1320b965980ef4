package dev.countersign.policy.routing;

import java.util.Objects;

/**
 * A user's routing settings with the version a compare-and-set expects.
 *
 * @param settings the settings
 * @param version 0 for a user who never saved any (the defaults), then incremented by
 * every save
 */
public record StoredRouting(RoutingSettings settings, long version) {

	public StoredRouting {
		Objects.requireNonNull(settings, "settings must not be null");
		if (version < 0) {
			throw new IllegalArgumentException("version must not be negative, but was " + version);
		}
	}

}
