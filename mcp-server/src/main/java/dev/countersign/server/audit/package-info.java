/**
 * The audit trail of the approval loop (DESIGN §4 step 7, §8): {@link AuditConfiguration}
 * wires the store, the checkpoint signer over the batch signing keys and the trail whose
 * checkpoints are anchored in the {@code countersign.audit.anchor} log;
 * {@link ApprovalAudit} records each step of the life of a write, never a token.
 */
@NullMarked
package dev.countersign.server.audit;

import org.jspecify.annotations.NullMarked;
