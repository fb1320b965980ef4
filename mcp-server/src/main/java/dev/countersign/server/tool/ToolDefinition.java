package dev.countersign.server.tool;

import java.util.Map;
import java.util.Objects;

import io.modelcontextprotocol.spec.McpSchema;

import dev.countersign.policy.tool.ToolDescriptor;
import dev.countersign.policy.tool.ToolKind;

/**
 * One tool of the catalog: its server-side descriptor plus what a client sees.
 *
 * @param descriptor what Countersign decides on
 * @param title a short human title
 * @param description what the tool does, for the model
 * @param input the input schema
 * @param output the output schema
 * @param idempotent whether calling it again with the same arguments changes nothing more
 */
public record ToolDefinition(ToolDescriptor descriptor, String title, String description, Schema input, Schema output,
		boolean idempotent) {

	public ToolDefinition {
		Objects.requireNonNull(descriptor, "descriptor must not be null");
		Objects.requireNonNull(title, "title must not be null");
		Objects.requireNonNull(description, "description must not be null");
		Objects.requireNonNull(input, "input must not be null");
		Objects.requireNonNull(output, "output must not be null");
	}

	public String name() {
		return this.descriptor.name();
	}

	/**
	 * The MCP tool a client lists. The annotations are derived from the descriptor, all
	 * four set on purpose; they are advisory for clients only.
	 * @return the tool
	 */
	public McpSchema.Tool toMcpTool() {
		boolean readOnly = this.descriptor.kind() == ToolKind.READ;
		McpSchema.ToolAnnotations annotations = new McpSchema.ToolAnnotations(this.title, readOnly,
				this.descriptor.destructive(), readOnly || this.idempotent, this.descriptor.external(), null);
		Map<String, Object> inputSchema = this.input.toMap();
		return McpSchema.Tool.builder()
			.name(name())
			.title(this.title)
			.description(this.description)
			.inputSchema(inputSchema)
			.outputSchema(this.output.toMap())
			.annotations(annotations)
			.build();
	}

}
