/**
 * Inbound identity (DESIGN §3): bearer JWTs validated by Spring Security's reactive
 * resource server, turned into a {@link dev.countersign.server.auth.Caller} of one of
 * three kinds that are never mixed, and the RFC 9728 protected resource metadata that
 * tells an MCP client where to sign in.
 */
@NullMarked
package dev.countersign.server.auth;

import org.jspecify.annotations.NullMarked;
