/**
 * The write tools' edge (DESIGN §4 steps 1-2): {@code deal_create},
 * {@code github_create_issue}, {@code calendar_create_event} and
 * {@code email_create_draft} validate and normalise their arguments, set the risk and
 * freeze the write as a pending action for the user's approval; the provider writers that
 * run approved actions are wired here too.
 */
@NullMarked
package dev.countersign.server.tool.write;

import org.jspecify.annotations.NullMarked;
