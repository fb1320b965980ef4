/**
 * Frozen writes: the {@link dev.countersign.policy.action.Action} an agent asked for, its
 * state machine ({@link dev.countersign.policy.action.ActionStatus}), its digest over the
 * RFC 8785 canonical JSON of what will run
 * ({@link dev.countersign.policy.action.ActionDigest}), and the
 * {@link dev.countersign.policy.action.ActionStore} port with its in-memory default.
 * Every change of state goes through one compare-and-set, so an approved action runs at
 * most once.
 */
@NullMarked
package dev.countersign.policy.action;

import org.jspecify.annotations.NullMarked;
