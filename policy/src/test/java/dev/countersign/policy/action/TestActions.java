package dev.countersign.policy.action;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

import dev.countersign.policy.MutableClock;
import dev.countersign.policy.tool.Risk;
import dev.countersign.policy.tool.ToolDescriptor;
import org.jspecify.annotations.Nullable;

/**
 * Actions for tests, including the store contract tests of other modules. Every built
 * action carries the digest of its fields unless {@link Builder#digest(String)} says
 * otherwise.
 *
 * <pre>{@code
 * Action action = TestActions.action().argument("subject", "Hi").createdAt(now).build();
 * }</pre>
 */
public final class TestActions {

	/** The default user. */
	public static final String USER = "auth0|ada";

	/** Another user. */
	public static final String OTHER_USER = "auth0|mallory";

	/** The default agent. */
	public static final String AGENT = "claude-desktop";

	/** Another agent. */
	public static final String OTHER_AGENT = "cursor";

	private static final AtomicLong SEQUENCE = new AtomicLong();

	private TestActions() {
	}

	/**
	 * A builder of a {@code PENDING} {@code deal_update} action of {@link #USER} and
	 * {@link #AGENT}, MEDIUM risk, confidence 0.7, created at {@link MutableClock#START},
	 * with a unique id and a unique {@code note} argument (so that its digest is unique).
	 * @return the builder
	 */
	public static Builder action() {
		return new Builder();
	}

	/**
	 * A unique, time-ordered-looking action id.
	 * @return the id
	 */
	public static String nextId() {
		return String.format("act_%026d", SEQUENCE.incrementAndGet());
	}

	/** Builds an {@link Action}. */
	public static final class Builder {

		private String id = nextId();

		private String user = USER;

		private String agent = AGENT;

		private String tool = "deal_update";

		private String connection = ToolDescriptor.DEALS;

		private Risk risk = Risk.MEDIUM;

		private boolean destructive;

		private @Nullable Double confidence = 0.7;

		private boolean lowConfidence;

		private boolean reviewNow;

		private final Map<String, @Nullable Object> arguments = new LinkedHashMap<>();

		private final Map<String, @Nullable Object> preconditions = new LinkedHashMap<>();

		private @Nullable String digest;

		private ActionStatus status = ActionStatus.PENDING;

		private @Nullable String batchId;

		private Instant createdAt = MutableClock.START;

		private Duration ttl = Duration.ofMinutes(15);

		private long version;

		private Builder() {
			this.arguments.put("deal_id", "D-1001");
			this.arguments.put("note", this.id);
			this.preconditions.put("deal_version", 3L);
		}

		public Builder id(String value) {
			this.id = value;
			return this;
		}

		public Builder user(String value) {
			this.user = value;
			return this;
		}

		public Builder agent(String value) {
			this.agent = value;
			return this;
		}

		public Builder tool(String name, String conn) {
			this.tool = name;
			this.connection = conn;
			return this;
		}

		public Builder risk(Risk value) {
			this.risk = value;
			return this;
		}

		public Builder destructive() {
			this.destructive = true;
			return this;
		}

		public Builder confidence(@Nullable Double value) {
			this.confidence = value;
			return this;
		}

		public Builder lowConfidence() {
			this.lowConfidence = true;
			this.confidence = 0.2;
			return this;
		}

		public Builder reviewNow() {
			this.reviewNow = true;
			return this;
		}

		public Builder argument(String name, @Nullable Object value) {
			this.arguments.put(name, value);
			return this;
		}

		public Builder precondition(String name, @Nullable Object value) {
			this.preconditions.put(name, value);
			return this;
		}

		/** Stores a digest that may not match the fields, as a tampered store would. */
		public Builder digest(String value) {
			this.digest = value;
			return this;
		}

		public Builder status(ActionStatus value) {
			this.status = value;
			return this;
		}

		public Builder batchId(@Nullable String value) {
			this.batchId = value;
			return this;
		}

		/** Sets the status, with batch id {@code bat_test} when it is BATCHED. */
		public Builder inStatus(ActionStatus value) {
			this.status = value;
			this.batchId = (value == ActionStatus.BATCHED) ? "bat_test" : null;
			return this;
		}

		public Builder createdAt(Instant value) {
			this.createdAt = value;
			return this;
		}

		public Builder ttl(Duration value) {
			this.ttl = value;
			return this;
		}

		public Builder version(long value) {
			this.version = value;
			return this;
		}

		public Action build() {
			String computed = ActionDigest.of(this.tool, this.arguments, this.preconditions, this.user, this.agent);
			return new Action(this.id, this.user, this.agent, this.tool, this.connection, this.risk, this.destructive,
					this.confidence, this.lowConfidence, this.reviewNow, this.arguments, this.preconditions,
					Objects.requireNonNullElse(this.digest, computed), this.status, this.batchId, this.createdAt,
					this.createdAt.plus(this.ttl), this.createdAt, this.version, null, null);
		}

	}

}
