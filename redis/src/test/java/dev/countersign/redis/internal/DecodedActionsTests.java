package dev.countersign.redis.internal;

import org.junit.jupiter.api.Test;

import dev.countersign.policy.action.Action;
import dev.countersign.policy.action.ActionStatus;
import dev.countersign.policy.action.TestActions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * {@link DecodedActions}: the same JSON answers the same action without decoding it
 * again; any other JSON, a tampered one included, is decoded afresh.
 */
class DecodedActionsTests {

	private final JsonCodec codec = new JsonCodec();

	private final DecodedActions decoded = new DecodedActions(this.codec, 64);

	@Test
	void readWhenSameJsonAgainThenSameAction() {
		String json = this.codec.write(TestActions.action().argument("title", "Q3 renewal").build());
		Action first = this.decoded.read(json);
		assertThat(this.decoded.read(new String(json))).isSameAs(first).isEqualTo(this.codec.readAction(json));
	}

	@Test
	void readWhenArgumentsTamperedInStoreThenDecodedAfreshAndCaught() {
		Action action = TestActions.action().argument("amount", 100).build();
		String json = this.codec.write(action);
		assertThat(this.decoded.read(json).digestMatches()).isTrue();
		String tampered = json.replace("\"amount\":100", "\"amount\":100000");
		assertThat(tampered).isNotEqualTo(json);
		Action read = this.decoded.read(tampered);
		assertThat(read.arguments()).containsEntry("amount", 100000L);
		assertThat(read.digestMatches()).isFalse();
	}

	@Test
	void readWhenActionMovedOnThenNewVersionAnswered() {
		Action action = TestActions.action().build();
		this.decoded.read(this.codec.write(action));
		Action cancelled = action.moveTo(ActionStatus.CANCELLED, action.createdAt()).withVersion(1);
		assertThat(this.decoded.read(this.codec.write(cancelled))).isEqualTo(cancelled);
	}

	@Test
	void createWhenCapacityNotPowerOfTwoThenRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> new DecodedActions(this.codec, 100))
			.withMessageContaining("power of two");
	}

}
