/**
 * A user's routing settings (DESIGN §6, §7): the confidence thresholds
 * {@code auto_approve_at} and {@code review_below}, per-tool and per-connection overrides
 * of them, and the user's own email domains.
 * {@link dev.countersign.policy.routing.RoutingJson} reads and writes the config API's
 * snake_case JSON, naming the field of any error;
 * {@link dev.countersign.policy.routing.RoutingStore} keeps them per user.
 */
@NullMarked
package dev.countersign.policy.routing;

import org.jspecify.annotations.NullMarked;
