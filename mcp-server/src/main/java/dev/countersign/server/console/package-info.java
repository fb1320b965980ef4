/**
 * The console sign-in that gives Countersign the user's Auth0 refresh token when
 * {@code countersign.vault.write-subject=refresh-token} (DESIGN §3, Writes):
 * {@code GET /console/login} (authorization code with PKCE, {@code offline_access}),
 * {@code GET /console/callback} (redeems the code, validates the tokens, stores the
 * refresh token sealed), {@code DELETE /api/v1/console/refresh-token} (forgets it), and
 * the {@link dev.countersign.server.console.RefreshTokenSubject} that opens it to run an
 * approved batch. The refresh token is a standing credential: it is never logged,
 * audited, returned or stored in clear, and every use is audited.
 */
@NullMarked
package dev.countersign.server.console;

import org.jspecify.annotations.NullMarked;
