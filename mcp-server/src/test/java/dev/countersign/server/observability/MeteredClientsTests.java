package dev.countersign.server.observability;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import dev.countersign.ciba.BackchannelAuthenticationRequest;
import dev.countersign.ciba.BackchannelAuthenticationResponse;
import dev.countersign.ciba.CibaOutcome;
import dev.countersign.ciba.PollResult;
import dev.countersign.server.approval.ApprovalChannel;
import dev.countersign.server.tool.ToolCatalog;
import dev.countersign.vault.ConnectionNotLinkedException;
import dev.countersign.vault.ProviderToken;
import dev.countersign.vault.TokenExchangeRequest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class MeteredClientsTests {

	private final MeterRegistry meters = new SimpleMeterRegistry();

	private final CountersignMetrics metrics = new CountersignMetrics(this.meters, ToolCatalog.create());

	@Test
	void exchangesCountedByConnectionAndOutcomeAndErrorsPassThrough() {
		ConnectionNotLinkedException notLinked = new ConnectionNotLinkedException("github", 401, null);
		MeteredTokenVaultClient client = new MeteredTokenVaultClient((request) -> {
			if (request.connection().equals("github")) {
				throw notLinked;
			}
			return new ProviderToken(request.connection(), "ya29.value", Instant.now().plusSeconds(60), Set.of(), null);
		}, this.metrics);
		client.exchange(TokenExchangeRequest.of("subject", "google-oauth2"));
		assertThatExceptionOfType(ConnectionNotLinkedException.class)
			.isThrownBy(() -> client.exchange(TokenExchangeRequest.of("subject", "github")))
			.isSameAs(notLinked);
		client.exchange(TokenExchangeRequest.of("subject", "slack"));
		assertThat(exchanges("google-oauth2", "success")).isEqualTo(1);
		assertThat(exchanges("github", "not_linked")).isEqualTo(1);
		assertThat(exchanges("other", "success")).isEqualTo(1);
	}

	@Test
	void pollsCountedByOutcome() {
		ApprovalChannel channel = new MeteredApprovalChannel(new ApprovalChannel() {
			@Override
			public Mono<BackchannelAuthenticationResponse> start(BackchannelAuthenticationRequest request) {
				return Mono.empty();
			}

			@Override
			public Mono<PollResult> poll(String authReqId, Duration interval) {
				return Mono.just(authReqId.equals("pending") ? new PollResult.Pending(interval)
						: new CibaOutcome.Denied("the user said no"));
			}
		}, this.metrics);
		channel.poll("pending", Duration.ofSeconds(5)).block();
		channel.poll("pending", Duration.ofSeconds(5)).block();
		channel.poll("denied", Duration.ofSeconds(5)).block();
		assertThat(this.meters.get(CountersignMetrics.CIBA_POLLS).tag("outcome", "pending").counter().count())
			.isEqualTo(2);
		assertThat(this.meters.get(CountersignMetrics.CIBA_POLLS).tag("outcome", "denied").counter().count())
			.isEqualTo(1);
	}

	private double exchanges(String connection, String outcome) {
		return this.meters.get(CountersignMetrics.VAULT_EXCHANGES)
			.tags("connection", connection, "outcome", outcome)
			.counter()
			.count();
	}

}
