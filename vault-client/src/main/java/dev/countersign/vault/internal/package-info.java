/**
 * Internals of the token exchange client: the Nimbus grant for Auth0's Token Vault grant
 * type and lenient reading of token endpoint JSON. Public only so that
 * {@code dev.countersign.vault} can use it; NOT an API. Anything here may change or
 * disappear in any release without notice.
 */
@NullMarked
package dev.countersign.vault.internal;

import org.jspecify.annotations.NullMarked;
