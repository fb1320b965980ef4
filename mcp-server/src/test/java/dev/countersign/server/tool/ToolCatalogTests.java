package dev.countersign.server.tool;

import java.util.List;
import java.util.Map;

import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.Test;

import dev.countersign.policy.tool.Risk;
import dev.countersign.policy.tool.ToolKind;

import static org.assertj.core.api.Assertions.assertThat;

class ToolCatalogTests {

	private final ToolCatalog catalog = ToolCatalog.create();

	@Test
	void catalogHasTheTwentyTwoToolsOfTheDesign() {
		assertThat(this.catalog.tools()).extracting(ToolDefinition::name)
			.containsExactly("calendar_list_events", "calendar_find_free_time", "calendar_create_event",
					"calendar_delete_event", "email_search", "email_get", "email_create_draft", "email_send",
					"deal_list", "deal_get", "deal_create", "deal_update", "contact_search", "github_list_issues",
					"github_get_issue", "github_get_pull_request", "github_create_issue", "github_comment",
					"github_merge_pull_request", "action_status", "list_pending_actions", "cancel_action");
	}

	@Test
	void descriptorsCarryTheDesignsKindConnectionAndRisk() {
		assertThat(risk("email_send")).isEqualTo(Risk.HIGH);
		assertThat(risk("github_merge_pull_request")).isEqualTo(Risk.HIGH);
		assertThat(risk("calendar_delete_event")).isEqualTo(Risk.MEDIUM);
		assertThat(risk("deal_update")).isEqualTo(Risk.MEDIUM);
		assertThat(risk("calendar_create_event")).isEqualTo(Risk.LOW);
		assertThat(risk("deal_create")).isEqualTo(Risk.LOW);
		assertThat(this.catalog.find("email_send").orElseThrow().descriptor().destructive()).isTrue();
		assertThat(this.catalog.find("cancel_action").orElseThrow().descriptor().kind()).isEqualTo(ToolKind.GOVERNANCE);
		assertThat(this.catalog.tools().stream().filter((t) -> t.descriptor().kind() == ToolKind.WRITE)).hasSize(9);
		assertThat(this.catalog.tools().stream().filter((t) -> t.descriptor().kind() == ToolKind.READ)).hasSize(12);
	}

	@Test
	void everyRequiredArgumentCarriesExamplesAndEveryPropertyADescription() {
		for (ToolDefinition tool : this.catalog.tools()) {
			Map<String, Object> input = tool.input().toMap();
			Map<String, Map<String, Object>> properties = properties(input);
			for (String required : required(input)) {
				assertThat(properties.get(required)).as(tool.name() + "." + required).containsKey("examples");
			}
			properties.forEach(
					(name, property) -> assertThat(property).as(tool.name() + "." + name).containsKey("description"));
			assertThat(input).as(tool.name()).containsEntry("additionalProperties", false);
		}
	}

	@Test
	void outputSchemasAreObjectsThatListTheirProperties() {
		for (ToolDefinition tool : this.catalog.tools()) {
			Map<String, Object> output = tool.output().toMap();
			assertThat(output).as(tool.name()).containsEntry("type", "object");
			assertThat(properties(output)).as(tool.name()).isNotEmpty();
		}
	}

	@Test
	void writesTakeConfidenceAndRequireOnlyStatus() {
		for (ToolDefinition tool : this.catalog.tools()) {
			if (tool.descriptor().kind() != ToolKind.WRITE) {
				assertThat(properties(tool.input().toMap())).as(tool.name()).doesNotContainKey("confidence");
				continue;
			}
			Map<String, Object> confidence = properties(tool.input().toMap()).get("confidence");
			assertThat(confidence).as(tool.name()).containsEntry("minimum", 0).containsEntry("maximum", 1);
			Map<String, Object> output = tool.output().toMap();
			assertThat(required(output)).as(tool.name()).containsExactly("status");
			assertThat(properties(output)).as(tool.name())
				.containsKeys("status", "action_id", "batch_id", "approve_by", "result");
			assertThat(properties(output)).as(tool.name()).containsKeys("decision", "decision_reason", "reason");
			assertThat(properties(output).get("status")).containsEntry("enum",
					List.of("pending_approval", "approved", "executing", "succeeded", "failed", "unknown"));
		}
	}

	@Test
	void annotationsFollowTheDescriptor() {
		McpSchema.Tool read = this.catalog.find("github_get_issue").orElseThrow().toMcpTool();
		assertThat(read.annotations().readOnlyHint()).isTrue();
		assertThat(read.annotations().destructiveHint()).isFalse();
		assertThat(read.annotations().idempotentHint()).isTrue();
		assertThat(read.annotations().openWorldHint()).isTrue();
		McpSchema.Tool send = this.catalog.find("email_send").orElseThrow().toMcpTool();
		assertThat(send.annotations().readOnlyHint()).isFalse();
		assertThat(send.annotations().destructiveHint()).isTrue();
		assertThat(send.annotations().idempotentHint()).isFalse();
		McpSchema.Tool deal = this.catalog.find("deal_create").orElseThrow().toMcpTool();
		assertThat(deal.annotations().openWorldHint()).isFalse();
		McpSchema.Tool cancel = this.catalog.find("cancel_action").orElseThrow().toMcpTool();
		assertThat(cancel.annotations().readOnlyHint()).isFalse();
		assertThat(cancel.annotations().destructiveHint()).isFalse();
	}

	private Risk risk(String name) {
		return this.catalog.find(name).orElseThrow().descriptor().baseRisk();
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Map<String, Object>> properties(Map<String, Object> schema) {
		return (Map<String, Map<String, Object>>) schema.get("properties");
	}

	@SuppressWarnings("unchecked")
	private static List<String> required(Map<String, Object> schema) {
		return (List<String>) schema.getOrDefault("required", List.of());
	}

}
