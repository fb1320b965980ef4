package dev.countersign.ciba;

import java.time.Duration;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * How a backchannel authentication request ended: {@link Approved}, {@link Denied},
 * {@link Expired} or {@link Failed}. Terminal: polling the same {@code auth_req_id} again
 * is pointless.
 */
public sealed interface CibaOutcome extends PollResult
		permits CibaOutcome.Approved, CibaOutcome.Denied, CibaOutcome.Expired, CibaOutcome.Failed {

	/**
	 * The user approved; the token endpoint answered with tokens (CIBA Core §10.1.1).
	 * {@link #toString()} shows no token; keep the value in memory only.
	 *
	 * @param accessToken the {@code access_token}
	 * @param tokenType the {@code token_type}, or {@code null}: Auth0 may omit it
	 * @param expiresIn the {@code expires_in}, or {@code null} when absent
	 * @param idToken the {@code id_token}, or {@code null} when absent
	 * @param scope the {@code scope}, or {@code null} when absent
	 * @param authorizationDetails the echoed {@code authorization_details} exactly as
	 * they appear in the response (a JSON array), or {@code null} when absent
	 * @param rawResponse the whole token response body, exactly as received; it holds the
	 * tokens
	 */
	record Approved(String accessToken, @Nullable String tokenType, @Nullable Duration expiresIn,
			@Nullable String idToken, @Nullable String scope, @Nullable String authorizationDetails,
			String rawResponse) implements CibaOutcome {

		public Approved {
			Objects.requireNonNull(accessToken, "accessToken must not be null");
			Objects.requireNonNull(rawResponse, "rawResponse must not be null");
			if (accessToken.isBlank()) {
				throw new IllegalArgumentException("accessToken must not be blank");
			}
		}

		@Override
		public String toString() {
			// NEVER a token: not the access token, not the id token, not the raw
			// response.
			return "Approved[tokenType=" + this.tokenType + ", expiresIn=" + this.expiresIn + ", idToken="
					+ ((this.idToken != null) ? "present" : "absent") + ", scope=" + this.scope
					+ ", authorizationDetails=" + ((this.authorizationDetails != null) ? "present" : "absent") + "]";
		}

	}

	/**
	 * The server answered {@code access_denied}. At Auth0 this means the user denied the
	 * request OR it expired: Auth0 does not tell the two apart, so neither can this.
	 *
	 * @param errorDescription the server's {@code error_description}, or {@code null}
	 */
	record Denied(@Nullable String errorDescription) implements CibaOutcome {

	}

	/**
	 * The request expired before the user answered: the server answered
	 * {@code expired_token}, or {@link CibaClient#pollUntilDone} reached its deadline.
	 *
	 * @param errorDescription the server's {@code error_description}, or a sentence
	 * saying the deadline passed, or {@code null}
	 */
	record Expired(@Nullable String errorDescription) implements CibaOutcome {

	}

	/**
	 * The token endpoint refused the poll with another OAuth error, such as
	 * {@code invalid_grant} (an unknown or already redeemed {@code auth_req_id}),
	 * {@code invalid_client} or {@code unauthorized_client}.
	 *
	 * @param error the OAuth error code
	 * @param errorDescription the server's {@code error_description}, or {@code null}
	 * @param httpStatus the HTTP status of the answer
	 */
	record Failed(String error, @Nullable String errorDescription, int httpStatus) implements CibaOutcome {

		public Failed {
			Objects.requireNonNull(error, "error must not be null");
		}

	}

}
