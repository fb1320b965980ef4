/**
 * Token exchange for Countersign: turns a user's Auth0 token into a short-lived provider
 * token through Auth0 Token Vault (the
 * {@link dev.countersign.vault.TokenExchangeDialect#AUTH0 AUTH0} dialect) or any RFC 8693
 * authorization server (the {@link dev.countersign.vault.TokenExchangeDialect#STANDARD
 * STANDARD} dialect, Keycloak for example). Start at
 * {@link dev.countersign.vault.TokenVaultClient}. Failures are unchecked
 * {@link dev.countersign.vault.TokenVaultException}s whose subclasses say what the user
 * has to do; {@link dev.countersign.vault.ReadTokenCache} keeps read tokens in memory,
 * per user and connection. Nothing in this package logs, stores or prints a token or the
 * client secret.
 */
@NullMarked
package dev.countersign.vault;

import org.jspecify.annotations.NullMarked;
