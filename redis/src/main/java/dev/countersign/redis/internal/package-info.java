/**
 * Key layout, JSON codec and Lua script plumbing shared by the Redis stores. Public only
 * so that the stores can use it: this package is not API and may change without notice.
 */
@NullMarked
package dev.countersign.redis.internal;

import org.jspecify.annotations.NullMarked;
