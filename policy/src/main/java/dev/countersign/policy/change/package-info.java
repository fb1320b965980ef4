/**
 * Changes that loosen governance (DESIGN §7).
 * {@link dev.countersign.policy.change.Loosening} says, as pure functions, whether a
 * change to routing, rules or trust would let some write through with less approval; such
 * a change is held as a {@link dev.countersign.policy.change.PendingChange} in the
 * {@link dev.countersign.policy.change.ChangeStore} until the user approves it on the
 * phone.
 */
@NullMarked
package dev.countersign.policy.change;

import org.jspecify.annotations.NullMarked;
