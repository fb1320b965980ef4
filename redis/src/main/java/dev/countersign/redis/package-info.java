/**
 * Redis implementations of the policy store ports, over Lettuce's reactive API:
 * {@link dev.countersign.redis.RedisActionStore},
 * {@link dev.countersign.redis.RedisBatchStore},
 * {@link dev.countersign.redis.RedisDealStore},
 * {@link dev.countersign.redis.RedisAuditStore},
 * {@link dev.countersign.redis.RedisRuleStore},
 * {@link dev.countersign.redis.RedisRoutingStore},
 * {@link dev.countersign.redis.RedisTrustStore},
 * {@link dev.countersign.redis.RedisCalibrationStore},
 * {@link dev.countersign.redis.RedisRefreshTokenStore},
 * {@link dev.countersign.redis.RedisChangeStore} and
 * {@link dev.countersign.redis.RedisApprovalLeases}. Every change of state is one Lua
 * script (a compare-and-set; where the new state is computed in Java from the one read, a
 * lost race is read and tried again a bounded number of times), so several replicas can
 * share one Redis; every key of one user carries the hash tag {@code {u:<user>}}, so a
 * user's transitions stay on one Redis Cluster slot. The stores share one connection that
 * the caller owns, and are tuned by {@link dev.countersign.redis.RedisStoreOptions}.
 */
@NullMarked
package dev.countersign.redis;

import org.jspecify.annotations.NullMarked;
