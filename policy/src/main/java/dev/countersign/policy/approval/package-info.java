/**
 * The approval loop between freezing a write and running it: the
 * {@link dev.countersign.policy.approval.ActionFreezer} turns a submitted write into a
 * {@code PENDING} action (deduplicated, capped per agent, expiring), the
 * {@link dev.countersign.policy.approval.Batcher} closes pending actions into signed
 * {@link dev.countersign.policy.approval.Batch}es and paces the CIBA requests, and the
 * {@link dev.countersign.policy.approval.BatchVerifier} checks, before anything runs,
 * that the stored actions are still exactly what was signed and approved. Tuned by
 * {@link dev.countersign.policy.approval.ApprovalConfig}. With several replicas on one
 * store, {@link dev.countersign.policy.approval.ApprovalLeases} says which replica does a
 * user's approval work.
 */
@NullMarked
package dev.countersign.policy.approval;

import org.jspecify.annotations.NullMarked;
