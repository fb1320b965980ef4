/**
 * Changes of a user's settings through the config API (DESIGN §7): a tightening is
 * applied at once; a change that loosens governance is held as a
 * {@link dev.countersign.policy.change.PendingChange}, asked for with a CIBA request of
 * its own ({@link dev.countersign.server.change.ChangeApprovals}) and applied by
 * compare-and-set only once the user approved it on the phone
 * ({@link dev.countersign.server.change.ChangeApplier}). Every step is recorded in the
 * user's audit chain ({@link dev.countersign.server.change.SettingsAudit}).
 */
@NullMarked
package dev.countersign.server.change;

import org.jspecify.annotations.NullMarked;
