/**
 * Per-agent rate limits on MCP tool calls (DESIGN §9): token buckets keyed by (user,
 * agent), one budget for the tools and a separate, larger one for the governance tools,
 * so that an agent polling {@code action_status} is never held back by its own writes.
 * The {@code countersign.limits.*} settings, checked at start-up.
 */
@NullMarked
package dev.countersign.server.limit;

import org.jspecify.annotations.NullMarked;
