/**
 * The deal tools over Countersign's own deal and contact store.
 */
@NullMarked
package dev.countersign.server.tool.deal;

import org.jspecify.annotations.NullMarked;
