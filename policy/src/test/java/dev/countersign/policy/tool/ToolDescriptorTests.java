package dev.countersign.policy.tool;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ToolDescriptorTests {

	@Test
	void readWhenCreatedThenNoRiskAndNotDestructive() {
		ToolDescriptor read = ToolDescriptor.read("deal_list", ToolDescriptor.DEALS);
		assertThat(read.kind()).isEqualTo(ToolKind.READ);
		assertThat(read.baseRisk()).isEqualTo(Risk.NONE);
		assertThat(read.destructive()).isFalse();
		assertThat(read.external()).isFalse();
	}

	@Test
	void writeWhenNoRiskThenRejected() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new ToolDescriptor("deal_create", ToolKind.WRITE, ToolDescriptor.DEALS, Risk.NONE, false))
			.withMessageContaining("deal_create");
	}

	@Test
	void readWhenRiskThenRejected() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new ToolDescriptor("deal_list", ToolKind.READ, ToolDescriptor.DEALS, Risk.LOW, false));
	}

	@Test
	void readWhenDestructiveThenRejected() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new ToolDescriptor("deal_list", ToolKind.READ, ToolDescriptor.DEALS, Risk.NONE, true));
	}

	@Test
	void nameWhenNotSnakeCaseThenRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> ToolDescriptor.read("Deal-List", ToolDescriptor.DEALS))
			.withMessage("name must be lower snake case, but was Deal-List");
	}

	@Test
	void externalWhenProviderConnectionThenTrue() {
		assertThat(ToolDescriptor.destructiveWrite("email_send", ToolDescriptor.GOOGLE, Risk.HIGH).external()).isTrue();
		assertThat(ToolDescriptor.governance("cancel_action", false).kind()).isEqualTo(ToolKind.GOVERNANCE);
		assertThat(ToolDescriptor.governance("action_status", true).kind()).isEqualTo(ToolKind.READ);
	}

}
