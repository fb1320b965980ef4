/**
 * The GitHub tools over GitHub's REST API (version 2022-11-28): listing and reading
 * issues and reading pull requests of a repository, with the user's provider token for
 * the {@code github} connection.
 */
@NullMarked
package dev.countersign.server.tool.github;

import org.jspecify.annotations.NullMarked;
