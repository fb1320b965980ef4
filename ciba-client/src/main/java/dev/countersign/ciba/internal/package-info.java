/**
 * Plumbing of the CIBA client: the HTTP exchange that tells a request that was never sent
 * from an answer that was lost, form encoding, and the small JSON helpers the client
 * needs. Public only so that {@code dev.countersign.ciba} can use it. NOT an API:
 * anything here may change or disappear in any release.
 */
@NullMarked
package dev.countersign.ciba.internal;

import org.jspecify.annotations.NullMarked;
