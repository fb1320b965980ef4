/**
 * The audit trail (DESIGN §8, "Audit"): one append-only chain of
 * {@link dev.countersign.policy.audit.AuditEvent}s per user, each holding the SHA-256 of
 * the one before, sealed every so often by an HMAC
 * {@link dev.countersign.policy.audit.AuditCheckpoint} that is also handed to an anchor
 * outside the store (the application log). The
 * {@link dev.countersign.policy.audit.AuditTrail} records, checkpoints and verifies over
 * the {@link dev.countersign.policy.audit.AuditStore} port, whose in-memory default lives
 * here too; verification names the first broken link. Entries never hold a token.
 */
@NullMarked
package dev.countersign.policy.audit;

import org.jspecify.annotations.NullMarked;
