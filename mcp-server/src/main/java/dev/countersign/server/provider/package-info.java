/**
 * Provider access: the short-lived provider tokens Countersign obtains from Token Vault
 * for a user, and where the provider APIs are.
 */
@NullMarked
package dev.countersign.server.provider;

import org.jspecify.annotations.NullMarked;
