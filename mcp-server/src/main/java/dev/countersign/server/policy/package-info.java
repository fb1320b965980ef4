/**
 * Policy in the server (DESIGN §6): the stores of the user's rules, routing, agents'
 * trust, calibration and pending changes, and the engine that decides every tool call.
 */
@NullMarked
package dev.countersign.server.policy;

import org.jspecify.annotations.NullMarked;
