/**
 * The HTTP edge shared by every surface: the public base URL, request size limits and RFC
 * 9457 problem responses.
 */
@NullMarked
package dev.countersign.server.web;

import org.jspecify.annotations.NullMarked;
