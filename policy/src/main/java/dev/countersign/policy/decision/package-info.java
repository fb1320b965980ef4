/**
 * Routing decisions (DESIGN §6): the {@link dev.countersign.policy.decision.PolicyEngine}
 * maps a call's {@link dev.countersign.policy.decision.WriteContext} or
 * {@link dev.countersign.policy.decision.ReadContext} to a sealed
 * {@link dev.countersign.policy.decision.Decision} with a reason a person can read. Pure
 * and synchronous: the caller loads rules, routing settings and the trust level first.
 */
@NullMarked
package dev.countersign.policy.decision;

import org.jspecify.annotations.NullMarked;
