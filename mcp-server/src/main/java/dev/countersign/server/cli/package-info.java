/**
 * The laptop side of Countersign, run without Spring: {@code countersign login} (the
 * OAuth device authorization grant, RFC 8628, for a public desktop client) keeps the
 * user's refresh token in a file only the user can read, and {@code countersign stdio}
 * bridges a stdio MCP client such as Claude Desktop to a Countersign server over
 * Streamable HTTP with the user's access token. The laptop holds no client secret and no
 * provider token.
 */
@NullMarked
package dev.countersign.server.cli;

import org.jspecify.annotations.NullMarked;
