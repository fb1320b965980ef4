/**
 * Server-side tool descriptors: what kind of tool it is, which connection it uses and its
 * base risk. Countersign's own decisions come from these, never from the advisory
 * annotations a client sees.
 */
@NullMarked
package dev.countersign.policy.tool;

import org.jspecify.annotations.NullMarked;
