/**
 * The tool catalog: every MCP tool Countersign serves, built from its server-side
 * {@link dev.countersign.policy.tool.ToolDescriptor} plus schemas and descriptions, and
 * the registry that turns it into MCP tool specifications with one error contract.
 */
@NullMarked
package dev.countersign.server.tool;

import org.jspecify.annotations.NullMarked;
