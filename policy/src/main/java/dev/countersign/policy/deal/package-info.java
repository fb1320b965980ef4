/**
 * Countersign's own CRM: deals and their contacts, kept per user.
 * {@link dev.countersign.policy.deal.DealStore} is the port;
 * {@link dev.countersign.policy.deal.InMemoryDealStore} the embedded default.
 */
@NullMarked
package dev.countersign.policy.deal;

import org.jspecify.annotations.NullMarked;
