/**
 * The sandbox: Countersign on its embedded defaults with an EMULATED Auth0 tenant in the
 * same process and port, so it runs with nothing to install or configure. The production
 * code path is unchanged; only the issuer and provider base URLs point here. The
 * emulations bind to loopback only and refuse to start next to a real tenant.
 */
@NullMarked
package dev.countersign.examples.sandbox;

import org.jspecify.annotations.NullMarked;
