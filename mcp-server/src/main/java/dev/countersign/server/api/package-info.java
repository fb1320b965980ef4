/**
 * The config API under {@code /api/v1} (DESIGN §7): what a user manages with a console
 * token carrying {@code countersign:manage}. Every answer is snake_case JSON; every error
 * is RFC 9457 {@code application/problem+json} naming what was wrong. A user sees and
 * changes only their own: another user's id is answered exactly like an unknown one
 * (404).
 */
@NullMarked
package dev.countersign.server.api;

import org.jspecify.annotations.NullMarked;
