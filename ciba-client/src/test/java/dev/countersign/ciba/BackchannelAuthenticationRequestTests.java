package dev.countersign.ciba;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

class BackchannelAuthenticationRequestTests {

	@Test
	void builderWhenOnlyRequiredValuesThenScopeOpenidAndNothingElse() {
		BackchannelAuthenticationRequest request = BackchannelAuthenticationRequest.builder("auth0|ada", "hi").build();

		assertThat(request.scope()).isEqualTo("openid");
		assertThat(request.audience()).isNull();
		assertThat(request.requestedExpiry()).isNull();
		assertThat(request.authorizationDetails()).isNull();
	}

	@Test
	void scopeWhenWithoutOpenidThenRejected() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> BackchannelAuthenticationRequest.builder("ada", "hi").scope("openidx email").build())
			.withMessage("scope must contain openid, but was openidx email");
		assertThat(BackchannelAuthenticationRequest.builder("ada", "hi").scope("email openid").build().scope())
			.isEqualTo("email openid");
	}

	@Test
	void requestedExpiryWhenNotPositiveWholeSecondsThenRejected() {
		assertThatIllegalArgumentException().isThrownBy(
				() -> BackchannelAuthenticationRequest.builder("ada", "hi").requestedExpiry(Duration.ZERO).build());
		assertThatIllegalArgumentException()
			.isThrownBy(() -> BackchannelAuthenticationRequest.builder("ada", "hi")
				.requestedExpiry(Duration.ofMillis(1500))
				.build())
			.withMessage("requestedExpiry must be a positive whole number of seconds, but was PT1.5S");
	}

	@Test
	void authorizationDetailsWhenNotJsonArrayThenRejected() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> BackchannelAuthenticationRequest.builder("ada", "hi")
				.authorizationDetails("{\"type\":\"x\"}")
				.build())
			.withMessageStartingWith("authorizationDetails must be a JSON array");
	}

	@Test
	void requestWhenUserMissingOrBlankThenRejected() {
		assertThatNullPointerException()
			.isThrownBy(() -> new BackchannelAuthenticationRequest(null, "hi", "openid", null, null, null))
			.withMessage("user must not be null");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> BackchannelAuthenticationRequest.builder(" ", "hi").build());
	}

	@Test
	void responseWhenValuesInvalidThenRejected() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new BackchannelAuthenticationResponse("ar", Duration.ZERO, Duration.ofSeconds(5)))
			.withMessage("expiresIn must be positive, but was PT0S");
		assertThatNullPointerException()
			.isThrownBy(() -> new BackchannelAuthenticationResponse(null, Duration.ofSeconds(1), Duration.ofSeconds(5)))
			.withMessage("authReqId must not be null");
	}

	@Test
	void pollResultWhenIntervalNotPositiveThenRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> new PollResult.Pending(Duration.ZERO))
			.withMessage("nextInterval must be positive, but was PT0S");
		assertThatNullPointerException().isThrownBy(() -> new CibaOutcome.Failed(null, null, 400))
			.withMessage("error must not be null");
	}

}
