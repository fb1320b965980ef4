/**
 * Countersign's governance core: the tool descriptors that policy decides on, the stores
 * Countersign owns, and (later) actions, decisions and the audit chain. Pure Java; I/O
 * ports return Reactor types, logic stays synchronous.
 */
@NullMarked
package dev.countersign.policy;

import org.jspecify.annotations.NullMarked;
