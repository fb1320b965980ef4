/**
 * An OIDC Client-Initiated Backchannel Authentication (CIBA) client in poll mode: start a
 * request that asks the user on their phone
 * ({@link dev.countersign.ciba.CibaClient#start}), then poll for the answer once
 * ({@link dev.countersign.ciba.CibaClient#pollOnce}, so any replica can resume a stored
 * {@code auth_req_id}) or until done. Two dialects: Auth0 (its {@code iss_sub} login
 * hint, {@code audience}, Rich Authorization Requests) and standard OIDC (endpoints from
 * discovery). Expected answers are values ({@link dev.countersign.ciba.PollResult},
 * {@link dev.countersign.ciba.CibaOutcome}); failures are
 * {@link dev.countersign.ciba.CibaException}s. Plain Java: no Spring, no Reactor.
 */
@NullMarked
package dev.countersign.ciba;

import org.jspecify.annotations.NullMarked;
