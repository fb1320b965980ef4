/**
 * The Countersign server: a Spring Boot application on WebFlux that serves governed MCP
 * tools at {@code /mcp} to agents and, later, the user's configuration API at
 * {@code /api/v1}.
 */
@NullMarked
package dev.countersign.server;

import org.jspecify.annotations.NullMarked;
