package dev.countersign.server.approval;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import dev.countersign.ciba.BackchannelAuthenticationRequest;
import dev.countersign.ciba.BackchannelAuthenticationResponse;
import dev.countersign.ciba.PollResult;
import dev.countersign.policy.action.Action;
import dev.countersign.vault.ProviderToken;
import dev.countersign.vault.TokenExchangeRequest;
import dev.countersign.vault.TokenVaultClient;
import dev.countersign.vault.UpstreamUnavailableException;

/**
 * Fakes of the engine's ports: a writer that counts calls, a Token Vault that counts
 * exchanges, and a CIBA channel that replays scripted answers.
 */
final class Fakes {

	private Fakes() {
	}

	/** Counts calls per action; answers through a function of the action. */
	static final class CountingWriter implements ProviderWriter {

		final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

		final Map<String, @Nullable String> tokens = new ConcurrentHashMap<>();

		private final Set<String> tools;

		private volatile Function<Action, Mono<Map<String, Object>>> answer = (action) -> Mono
			.just(Map.of("ok", action.id()));

		CountingWriter(String... tools) {
			this.tools = Set.of(tools);
		}

		CountingWriter answering(Function<Action, Mono<Map<String, Object>>> next) {
			this.answer = next;
			return this;
		}

		@Override
		public Set<String> tools() {
			return this.tools;
		}

		@Override
		public Mono<Map<String, Object>> execute(Action action, @Nullable String providerToken) {
			this.calls.computeIfAbsent(action.id(), (id) -> new AtomicInteger()).incrementAndGet();
			this.tokens.put(action.id(), (providerToken != null) ? providerToken : "none");
			return this.answer.apply(action);
		}

		int calls(String actionId) {
			AtomicInteger count = this.calls.get(actionId);
			return (count != null) ? count.get() : 0;
		}

		int totalCalls() {
			return this.calls.values().stream().mapToInt(AtomicInteger::get).sum();
		}

	}

	/**
	 * Exchanges for {@code provider-token-<connection>}, failing the connections told.
	 */
	static final class FakeVault implements TokenVaultClient {

		final List<TokenExchangeRequest> requests = new CopyOnWriteArrayList<>();

		final Set<String> failing = ConcurrentHashMap.newKeySet();

		@Override
		public ProviderToken exchange(TokenExchangeRequest request) {
			this.requests.add(request);
			if (this.failing.contains(request.connection())) {
				throw new UpstreamUnavailableException("HTTP 503", request.connection(), null, 503, null, null);
			}
			return new ProviderToken(request.connection(), "provider-token-" + request.connection(),
					Instant.parse("2030-01-01T00:00:00Z"), Set.of(), null);
		}

		long exchanges(String connection) {
			return this.requests.stream().filter((r) -> r.connection().equals(connection)).count();
		}

	}

	/** Replays scripted answers: a value, or an exception to throw. */
	static final class ScriptedChannel implements ApprovalChannel {

		final List<BackchannelAuthenticationRequest> starts = new CopyOnWriteArrayList<>();

		final List<String> polls = new CopyOnWriteArrayList<>();

		final Map<String, Duration> intervals = new HashMap<>();

		private final Deque<Object> startAnswers = new ArrayDeque<>();

		private final Deque<Object> pollAnswers = new ArrayDeque<>();

		ScriptedChannel starting(Object... answers) {
			this.startAnswers.addAll(List.of(answers));
			return this;
		}

		ScriptedChannel polling(Object... answers) {
			this.pollAnswers.addAll(List.of(answers));
			return this;
		}

		static BackchannelAuthenticationResponse started(String authReqId) {
			return new BackchannelAuthenticationResponse(authReqId, Duration.ofSeconds(300), Duration.ofSeconds(5));
		}

		@Override
		public synchronized Mono<BackchannelAuthenticationResponse> start(BackchannelAuthenticationRequest request) {
			this.starts.add(request);
			Object answer = this.startAnswers.poll();
			if (answer instanceof RuntimeException ex) {
				return Mono.error(ex);
			}
			return Mono.justOrEmpty((BackchannelAuthenticationResponse) answer);
		}

		@Override
		public synchronized Mono<PollResult> poll(String authReqId, Duration interval) {
			this.polls.add(authReqId);
			this.intervals.put(authReqId + "#" + this.polls.size(), interval);
			Object answer = this.pollAnswers.poll();
			if (answer instanceof RuntimeException ex) {
				return Mono.error(ex);
			}
			if (answer instanceof Function<?, ?> function) {
				@SuppressWarnings("unchecked")
				Function<String, PollResult> make = (Function<String, PollResult>) function;
				return Mono.just(make.apply(authReqId));
			}
			return Mono.justOrEmpty((PollResult) answer);
		}

		List<Duration> pollIntervals() {
			List<Duration> list = new ArrayList<>();
			for (int i = 1; i <= this.polls.size(); i++) {
				list.add(this.intervals.get(this.polls.get(i - 1) + "#" + i));
			}
			return list;
		}

	}

}
