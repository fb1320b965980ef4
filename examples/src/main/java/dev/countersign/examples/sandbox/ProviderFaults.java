package dev.countersign.examples.sandbox;

import java.time.Duration;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;
import java.util.function.Supplier;

import reactor.core.publisher.Mono;

/**
 * Faults that tests inject into the emulated services: the next few answers fail with a
 * status, or every answer is late. Each emulation consults its own {@link Faults} before
 * it answers, ahead of its authentication, so an injected failure is what the caller sees
 * whatever it sent. Thread-safe.
 *
 * <pre>{@code
 * faults.github().failNext(2, 503);
 * faults.calendar().delay(Duration.ofSeconds(15));
 * faults.clear();
 * }</pre>
 */
final class ProviderFaults {

	private final Faults calendar = new Faults("calendar");

	private final Faults gmail = new Faults("gmail");

	private final Faults github = new Faults("github");

	private final Faults tokenEndpoint = new Faults("token endpoint");

	private final Faults backchannel = new Faults("bc-authorize");

	/**
	 * The emulated Google Calendar API's faults.
	 * @return its faults
	 */
	public Faults calendar() {
		return this.calendar;
	}

	/**
	 * The emulated Gmail API's faults.
	 * @return its faults
	 */
	public Faults gmail() {
		return this.gmail;
	}

	/**
	 * The emulated GitHub REST API's faults.
	 * @return its faults
	 */
	public Faults github() {
		return this.github;
	}

	/**
	 * The emulated tenant's token endpoint's faults (Token Vault exchanges included).
	 * @return its faults
	 */
	public Faults tokenEndpoint() {
		return this.tokenEndpoint;
	}

	/**
	 * The emulated tenant's {@code /bc-authorize} endpoint's faults.
	 * @return its faults
	 */
	public Faults backchannel() {
		return this.backchannel;
	}

	/**
	 * Clears the faults of every emulated service.
	 */
	public void clear() {
		this.backchannel.clear();
		this.calendar.clear();
		this.gmail.clear();
		this.github.clear();
		this.tokenEndpoint.clear();
	}

	/**
	 * The faults of one emulated service.
	 */
	static final class Faults {

		private final String name;

		private final AtomicReference<Failures> failures = new AtomicReference<>(Failures.NONE);

		private volatile Duration delay = Duration.ZERO;

		Faults(String name) {
			this.name = name;
		}

		/**
		 * Makes the next {@code count} answers fail with {@code httpStatus}, in the
		 * service's own error format. Replaces earlier failures that are still due.
		 * @param count how many answers fail, at least 1
		 * @param httpStatus the status, 400 to 599
		 */
		public void failNext(int count, int httpStatus) {
			if (count < 1) {
				throw new IllegalArgumentException("count must be positive, but was " + count);
			}
			if (httpStatus < 400 || httpStatus > 599) {
				throw new IllegalArgumentException("httpStatus must be 400 to 599, but was " + httpStatus);
			}
			this.failures.set(new Failures(count, httpStatus));
		}

		/**
		 * Delays every answer until {@link #clear()}.
		 * @param delay the delay, zero for none
		 */
		public void delay(Duration delay) {
			if (delay.isNegative()) {
				throw new IllegalArgumentException("delay must not be negative, but was " + delay);
			}
			this.delay = delay;
		}

		/**
		 * Removes this service's faults.
		 */
		public void clear() {
			this.failures.set(Failures.NONE);
			this.delay = Duration.ZERO;
		}

		/**
		 * Takes the next due failure, if any.
		 * @return the status to fail with, or empty to answer normally
		 */
		/**
		 * Whether injected failures remain to be answered.
		 * @return true until the failures set by {@link #failNext} are used up
		 */
		public boolean failing() {
			return this.failures.get().remaining() > 0;
		}

		OptionalInt takeFailure() {
			Failures current = this.failures.getAndUpdate(Failures::next);
			return (current.remaining() > 0) ? OptionalInt.of(current.httpStatus()) : OptionalInt.empty();
		}

		/**
		 * Answers after the configured delay, or with a failure if one is due.
		 * @param failure the response for a failure status
		 * @param answer the normal answer
		 * @param <T> the response type
		 * @return the response
		 */
		<T> Mono<T> apply(IntFunction<Mono<T>> failure, Supplier<Mono<T>> answer) {
			Duration wait = this.delay;
			Mono<T> response = Mono.defer(() -> {
				OptionalInt status = takeFailure();
				return status.isPresent() ? failure.apply(status.getAsInt()) : answer.get();
			});
			return wait.isZero() ? response : Mono.delay(wait).then(response);
		}

		/**
		 * Answers a write: fails before applying it if a failure is due; otherwise
		 * applies it, then delays the answer, as a write that times out after it was
		 * sent.
		 * @param failure the response for a failure status
		 * @param write applies the write and makes the normal answer
		 * @param <T> the response type
		 * @return the response
		 */
		<T> Mono<T> applyWrite(IntFunction<Mono<T>> failure, Supplier<Mono<T>> write) {
			return Mono.defer(() -> {
				OptionalInt status = takeFailure();
				if (status.isPresent()) {
					return failure.apply(status.getAsInt());
				}
				Duration wait = this.delay;
				Mono<T> answer = write.get();
				return wait.isZero() ? answer : answer.delayUntil((response) -> Mono.delay(wait));
			});
		}

		@Override
		public String toString() {
			return "Faults[" + this.name + ", failures=" + this.failures.get() + ", delay=" + this.delay + "]";
		}

	}

	private record Failures(int remaining, int httpStatus) {

		static final Failures NONE = new Failures(0, 0);

		Failures next() {
			return (this.remaining > 1) ? new Failures(this.remaining - 1, this.httpStatus) : NONE;
		}

	}

}
