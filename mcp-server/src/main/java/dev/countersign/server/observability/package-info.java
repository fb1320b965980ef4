/**
 * Running Countersign in production (DESIGN §9, §10): the {@code countersign.*}
 * Micrometer meters and the one {@code countersign.tool.call} observation per tool call,
 * fed by decorators and an audit listener rather than by edits to the code they watch;
 * the {@code upstreams} health contributor of the readiness group; the correlation id of
 * every request, in the response header and the log lines; and the drain that lets
 * approved writes finish on shutdown. Nothing here ever sees a token's value in a tag, a
 * log line or a detail.
 */
@NullMarked
package dev.countersign.server.observability;

import org.jspecify.annotations.NullMarked;
