package dev.countersign.policy.deal;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Where a deal stands. The wire name is lower snake case ({@code closed_won}).
 */
public enum DealStage {

	LEAD, QUALIFIED, PROPOSAL, NEGOTIATION, CLOSED_WON, CLOSED_LOST;

	/**
	 * The lower snake case name used in JSON and tool arguments.
	 * @return the wire name
	 */
	public String wireName() {
		return name().toLowerCase(Locale.ROOT);
	}

	/**
	 * Whether the deal is finished, won or lost.
	 * @return true for the closed stages
	 */
	public boolean closed() {
		return this == CLOSED_WON || this == CLOSED_LOST;
	}

	/**
	 * Finds a stage by its wire name.
	 * @param wireName for example {@code proposal}
	 * @return the stage, or empty when no stage has that name
	 */
	public static Optional<DealStage> fromWireName(String wireName) {
		return Arrays.stream(values()).filter((stage) -> stage.wireName().equals(wireName)).findFirst();
	}

	/**
	 * Every wire name, in pipeline order.
	 * @return the wire names
	 */
	public static List<String> wireNames() {
		return Arrays.stream(values()).map(DealStage::wireName).toList();
	}

}
