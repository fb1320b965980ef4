/**
 * The governance tools over the caller's own queued writes: {@code action_status},
 * {@code list_pending_actions} and {@code cancel_action}. An action of another user or of
 * another agent gets exactly the answer an unknown id gets.
 */
@NullMarked
package dev.countersign.server.tool.governance;

import org.jspecify.annotations.NullMarked;
