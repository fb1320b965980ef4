/**
 * The read benchmark: an open-loop load driver and a bare MCP server that is the floor
 * for one Java MCP hop. Run through {@code examples/bench/read-benchmark.sh}; see the
 * README's Benchmarks section.
 */
@NullMarked
package dev.countersign.examples.bench;

import org.jspecify.annotations.NullMarked;
