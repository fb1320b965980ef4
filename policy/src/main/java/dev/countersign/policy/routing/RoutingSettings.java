package dev.countersign.policy.routing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

import dev.countersign.policy.tool.ToolDescriptor;
import org.jspecify.annotations.Nullable;

/**
 * A user's routing settings (DESIGN §6, §7). Validated when built; an error names the
 * field as the config API spells it.
 *
 * <p>
 * The thresholds that apply to a write are those of its tool's override if there is one,
 * else those of its connection's override, else the global ones
 * ({@link #thresholdsFor(ToolDescriptor)}). Own domains are lower-cased and kept in order
 * without duplicates; a recipient is inside when its domain equals one of them or the
 * domain of the user's email claim exactly (a subdomain is not inside).
 *
 * <pre>{@code
 * RoutingSettings routing = RoutingSettings.defaults()
 *     .withThresholds(new Thresholds(0.9, 0.6))
 *     .withOwnDomains(List.of("analytical.example"))
 *     .withToolOverride("email_send", new Thresholds(0.95, 0.7));
 * }</pre>
 *
 * @param thresholds the global {@code auto_approve_at} and {@code review_below}
 * @param ownDomains {@code own_domains}: the user's domains besides that of their email
 * claim, at most {@value #MAX_OWN_DOMAINS}
 * @param toolOverrides {@code tool_overrides}: thresholds by tool name, at most
 * {@value #MAX_OVERRIDES}
 * @param connectionOverrides {@code connection_overrides}: thresholds by connection, at
 * most {@value #MAX_OVERRIDES}
 */
public record RoutingSettings(Thresholds thresholds, List<String> ownDomains, Map<String, Thresholds> toolOverrides,
		Map<String, Thresholds> connectionOverrides) {

	/** The most own domains a user may list. */
	public static final int MAX_OWN_DOMAINS = 50;

	/** The most overrides of each kind. */
	public static final int MAX_OVERRIDES = 100;

	private static final RoutingSettings DEFAULTS = new RoutingSettings(Thresholds.DEFAULTS, List.of(), Map.of(),
			Map.of());

	private static final Pattern DOMAIN = Pattern
		.compile("(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?");

	private static final Pattern TOOL = Pattern.compile("[a-z][a-z0-9_]{0,63}");

	private static final Pattern CONNECTION = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");

	public RoutingSettings {
		if (thresholds == null) {
			throw new InvalidRoutingException("auto_approve_at", "must not be null");
		}
		ownDomains = domains(ownDomains);
		toolOverrides = overrides("tool_overrides", toolOverrides, TOOL, "a tool name in lower snake case");
		connectionOverrides = overrides("connection_overrides", connectionOverrides, CONNECTION,
				"a connection name such as google-oauth2");
	}

	/**
	 * The defaults: {@code auto_approve_at} 0.85, {@code review_below} 0.50, no own
	 * domains, no overrides.
	 * @return the default settings
	 */
	public static RoutingSettings defaults() {
		return DEFAULTS;
	}

	/**
	 * The global {@code auto_approve_at}.
	 * @return the threshold
	 */
	public double autoApproveAt() {
		return this.thresholds.autoApproveAt();
	}

	/**
	 * The global {@code review_below}.
	 * @return the threshold
	 */
	public double reviewBelow() {
		return this.thresholds.reviewBelow();
	}

	/**
	 * The thresholds that apply to a tool: its override, else its connection's, else the
	 * global ones.
	 * @param tool the tool
	 * @return the thresholds
	 */
	public Thresholds thresholdsFor(ToolDescriptor tool) {
		return thresholdsFor(tool.name(), tool.connection());
	}

	/**
	 * The thresholds that apply to a tool of a connection.
	 * @param tool the tool name, or {@code null} for a tool without an override
	 * @param connection the connection, or {@code null} for one without an override
	 * @return the thresholds
	 */
	public Thresholds thresholdsFor(@Nullable String tool, @Nullable String connection) {
		Thresholds byTool = (tool != null) ? this.toolOverrides.get(tool) : null;
		if (byTool != null) {
			return byTool;
		}
		Thresholds byConnection = (connection != null) ? this.connectionOverrides.get(connection) : null;
		return (byConnection != null) ? byConnection : this.thresholds;
	}

	/**
	 * The user's own domains: the domain of their email claim, then {@code own_domains}.
	 * @param userEmail the user's email claim, or {@code null}
	 * @return the lower-cased domains
	 */
	public Set<String> ownDomainsWith(@Nullable String userEmail) {
		Set<String> domains = new LinkedHashSet<>();
		if (userEmail != null) {
			int at = userEmail.lastIndexOf('@');
			if (at >= 0 && at < userEmail.length() - 1) {
				domains.add(userEmail.substring(at + 1).toLowerCase(Locale.ROOT));
			}
		}
		domains.addAll(this.ownDomains);
		return Collections.unmodifiableSet(domains);
	}

	/**
	 * These settings with other global thresholds.
	 * @param global the thresholds
	 * @return the changed copy
	 */
	public RoutingSettings withThresholds(Thresholds global) {
		return new RoutingSettings(global, this.ownDomains, this.toolOverrides, this.connectionOverrides);
	}

	/**
	 * These settings with other own domains.
	 * @param domains the domains
	 * @return the changed copy
	 */
	public RoutingSettings withOwnDomains(List<String> domains) {
		return new RoutingSettings(this.thresholds, domains, this.toolOverrides, this.connectionOverrides);
	}

	/**
	 * These settings with a tool override set or removed.
	 * @param tool the tool name
	 * @param override the thresholds, or {@code null} to remove the override
	 * @return the changed copy
	 */
	public RoutingSettings withToolOverride(String tool, @Nullable Thresholds override) {
		return new RoutingSettings(this.thresholds, this.ownDomains, put(this.toolOverrides, tool, override),
				this.connectionOverrides);
	}

	/**
	 * These settings with a connection override set or removed.
	 * @param connection the connection
	 * @param override the thresholds, or {@code null} to remove the override
	 * @return the changed copy
	 */
	public RoutingSettings withConnectionOverride(String connection, @Nullable Thresholds override) {
		return new RoutingSettings(this.thresholds, this.ownDomains, this.toolOverrides,
				put(this.connectionOverrides, connection, override));
	}

	private static Map<String, Thresholds> put(Map<String, Thresholds> map, String key, @Nullable Thresholds value) {
		Map<String, Thresholds> copy = new TreeMap<>(map);
		if (value != null) {
			copy.put(Objects.requireNonNull(key, "key must not be null"), value);
		}
		else {
			copy.remove(key);
		}
		return copy;
	}

	private static List<String> domains(@Nullable List<String> given) {
		if (given == null) {
			throw new InvalidRoutingException("own_domains", "must not be null");
		}
		if (given.size() > MAX_OWN_DOMAINS) {
			throw new InvalidRoutingException("own_domains",
					"must hold at most " + MAX_OWN_DOMAINS + " domains, but held " + given.size());
		}
		Set<String> domains = new LinkedHashSet<>();
		for (int i = 0; i < given.size(); i++) {
			String domain = given.get(i);
			String lower = (domain != null) ? domain.strip().toLowerCase(Locale.ROOT) : null;
			if (lower == null || !DOMAIN.matcher(lower).matches()) {
				throw new InvalidRoutingException("own_domains[" + i + "]",
						"must be a domain name such as analytical.example, but was "
								+ ((domain != null) ? "\"" + shorten(domain) + "\"" : "null"));
			}
			domains.add(lower);
		}
		return List.copyOf(new ArrayList<>(domains));
	}

	private static Map<String, Thresholds> overrides(String field, @Nullable Map<String, Thresholds> given,
			Pattern keys, String keyShape) {
		if (given == null) {
			throw new InvalidRoutingException(field, "must not be null");
		}
		if (given.size() > MAX_OVERRIDES) {
			throw new InvalidRoutingException(field,
					"must hold at most " + MAX_OVERRIDES + " overrides, but held " + given.size());
		}
		Map<String, Thresholds> sorted = new TreeMap<>();
		for (Map.Entry<String, Thresholds> entry : given.entrySet()) {
			String key = entry.getKey();
			if (key == null || !keys.matcher(key).matches()) {
				throw new InvalidRoutingException(field,
						"keys must each be " + keyShape + ", but one was \"" + shorten(String.valueOf(key)) + "\"");
			}
			if (entry.getValue() == null) {
				throw new InvalidRoutingException(field + "." + key, "must not be null");
			}
			sorted.put(key, entry.getValue());
		}
		return Collections.unmodifiableMap(sorted);
	}

	static String shorten(String text) {
		return (text.length() <= 64) ? text : text.substring(0, 64) + "…";
	}

}
