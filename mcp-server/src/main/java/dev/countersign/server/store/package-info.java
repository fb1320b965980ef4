/**
 * Where Countersign keeps its state (DESIGN §8): {@code countersign.store=memory} (the
 * default) or {@code redis}, which wires every store port to its Lettuce implementation.
 */
@NullMarked
package dev.countersign.server.store;

import org.jspecify.annotations.NullMarked;
