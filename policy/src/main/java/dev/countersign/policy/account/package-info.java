/**
 * The user's standing credential for running approved writes (DESIGN §3, Writes, with
 * {@code countersign.vault.write-subject=refresh-token}): the Auth0 refresh token from
 * the console sign-in, sealed by
 * {@link dev.countersign.policy.account.RefreshTokenCipher} (AES-256-GCM, bound to the
 * user) and kept as ciphertext only in a
 * {@link dev.countersign.policy.account.RefreshTokenStore};
 * {@link dev.countersign.policy.account.InMemoryRefreshTokenStore} is the embedded
 * default.
 */
@NullMarked
package dev.countersign.policy.account;

import org.jspecify.annotations.NullMarked;
