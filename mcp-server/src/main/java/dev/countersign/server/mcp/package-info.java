/**
 * The MCP transport: Streamable HTTP at {@code /mcp} on WebFlux, with DNS-rebinding
 * protection, the caller carried in the transport context, and every MCP session bound to
 * the caller that opened it.
 */
@NullMarked
package dev.countersign.server.mcp;

import org.jspecify.annotations.NullMarked;
