/**
 * The trust ledger (DESIGN §6): per user and agent, points earned by writes that went
 * well and lost by writes that did not, decayed with time, turned into a level
 * ({@link dev.countersign.policy.trust.TrustLevel}) that caps which risks may auto-run.
 * Every figure is a default in {@link dev.countersign.policy.trust.TrustFigures}; the
 * arithmetic lives in {@link dev.countersign.policy.trust.AgentTrust}, the state behind
 * the {@link dev.countersign.policy.trust.TrustStore} port, and
 * {@link dev.countersign.policy.trust.TrustLedger} puts them together with a clock.
 */
@NullMarked
package dev.countersign.policy.trust;

import org.jspecify.annotations.NullMarked;
