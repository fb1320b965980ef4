package dev.countersign.policy.routing;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import dev.countersign.policy.tool.Risk;
import dev.countersign.policy.tool.ToolDescriptor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link RoutingSettings}, {@link Thresholds} and {@link RoutingJson}.
 */
class RoutingSettingsTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final ToolDescriptor SEND = ToolDescriptor.destructiveWrite("email_send", ToolDescriptor.GOOGLE,
			Risk.HIGH);

	private static final ToolDescriptor DRAFT = ToolDescriptor.write("email_create_draft", ToolDescriptor.GOOGLE,
			Risk.LOW);

	private static final ToolDescriptor MERGE = ToolDescriptor.destructiveWrite("github_merge_pull_request",
			ToolDescriptor.GITHUB, Risk.HIGH);

	@Test
	void defaultsWhenNothingSavedThenDesignValues() {
		RoutingSettings defaults = RoutingSettings.defaults();
		assertThat(defaults.autoApproveAt()).isEqualTo(0.85);
		assertThat(defaults.reviewBelow()).isEqualTo(0.50);
		assertThat(defaults.ownDomains()).isEmpty();
	}

	@Test
	void thresholdsForWhenOverridesThenToolBeforeConnectionBeforeGlobal() {
		RoutingSettings routing = RoutingSettings.defaults()
			.withConnectionOverride(ToolDescriptor.GOOGLE, new Thresholds(0.9, 0.55))
			.withToolOverride("email_send", new Thresholds(0.97, 0.7));
		assertThat(routing.thresholdsFor(SEND)).isEqualTo(new Thresholds(0.97, 0.7));
		assertThat(routing.thresholdsFor(DRAFT)).isEqualTo(new Thresholds(0.9, 0.55));
		assertThat(routing.thresholdsFor(MERGE)).isEqualTo(Thresholds.DEFAULTS);
		assertThat(routing.withToolOverride("email_send", null).thresholdsFor(SEND))
			.isEqualTo(new Thresholds(0.9, 0.55));
	}

	@Test
	void ownDomainsWithWhenEmailClaimThenItsDomainFirstLowerCased() {
		RoutingSettings routing = RoutingSettings.defaults().withOwnDomains(List.of("Northwind.Example", "a.example"));
		assertThat(routing.ownDomains()).containsExactly("northwind.example", "a.example");
		assertThat(routing.ownDomainsWith("Ada@Analytical.Example")).containsExactly("analytical.example",
				"northwind.example", "a.example");
		assertThat(routing.ownDomainsWith(null)).containsExactly("northwind.example", "a.example");
	}

	static Stream<Arguments> invalid() {
		return Stream.of(Arguments.of("{'auto_approve_at':1.5}", "auto_approve_at"),
				Arguments.of("{'review_below':-0.1}", "review_below"),
				Arguments.of("{'auto_approve_at':0.6,'review_below':0.6}", "review_below"),
				Arguments.of("{'auto_approve_at':0.4}", "review_below"),
				Arguments.of("{'auto_approve_at':'high'}", "auto_approve_at"),
				Arguments.of("{'own_domains':['ok.example','not a domain']}", "own_domains[1]"),
				Arguments.of("{'own_domains':['localhost']}", "own_domains[0]"),
				Arguments.of("{'own_domains':'a.example'}", "own_domains"), Arguments.of("{'colour':'red'}", "colour"),
				Arguments.of("{'tool_overrides':{'email_send':{'auto_approve_at':0.9}}}",
						"tool_overrides.email_send.review_below"),
				Arguments.of("{'tool_overrides':{'email_send':{'auto_approve_at':0.5,'review_below':0.7}}}",
						"tool_overrides.email_send.review_below"),
				Arguments.of("{'tool_overrides':{'email_send':{'auto_approve_at':0.9,'review_below':0.5,'x':1}}}",
						"tool_overrides.email_send.x"),
				Arguments.of("{'connection_overrides':{'github':{'auto_approve_at':2,'review_below':0.5}}}",
						"connection_overrides.github.auto_approve_at"),
				Arguments.of("{'tool_overrides':{'Email Send':{'auto_approve_at':0.9,'review_below':0.5}}}",
						"tool_overrides"));
	}

	@ParameterizedTest(name = "{1}")
	@MethodSource("invalid")
	void readWhenInvalidThenExceptionNamesTheField(String document, String field) {
		assertThatExceptionOfType(InvalidRoutingException.class)
			.isThrownBy(() -> RoutingJson.read(JSON.readTree(document.replace('\'', '"'))))
			.satisfies((ex) -> {
				assertThat(ex.field()).isEqualTo(field);
				assertThat(ex.getMessage()).startsWith(field + " ");
			});
	}

	@Test
	void writeThenReadGivesEqualSettings() {
		RoutingSettings routing = new RoutingSettings(new Thresholds(0.9, 0.4), List.of("northwind.example"),
				Map.of("email_send", new Thresholds(0.97, 0.7)), Map.of("github", new Thresholds(0.95, 0.5)));
		assertThat(RoutingJson.read(RoutingJson.write(routing))).isEqualTo(routing);
		assertThat(RoutingJson.read(JSON.readTree("{}"))).isEqualTo(RoutingSettings.defaults());
	}

}
