/**
 * Redis implementations of the policy store ports, over Lettuce's reactive API:
 * {@link dev.countersign.redis.RedisActionStore},
 * {@link dev.countersign.redis.RedisBatchStore} and
 * {@link dev.countersign.redis.RedisDealStore}. Every change of state is one Lua script,
 * so several replicas can share one Redis; every key of one user carries the hash tag
 * {@code {u:<user>}}, so a user's transitions stay on one Redis Cluster slot. The stores
 * share one connection that the caller owns, and are tuned by
 * {@link dev.countersign.redis.RedisStoreOptions}.
 */
@NullMarked
package dev.countersign.redis;

import org.jspecify.annotations.NullMarked;
