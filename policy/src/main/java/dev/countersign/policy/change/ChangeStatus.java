package dev.countersign.policy.change;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * Where a pending change stands. The wire name is lower snake case
 * ({@code pending_approval}). Only {@code PENDING_APPROVAL} may move, to one of the four
 * others (or to itself, to record the CIBA {@code auth_req_id}).
 */
public enum ChangeStatus {

	/** Waiting for the user's approval on the phone. */
	PENDING_APPROVAL,

	/** Approved and applied. */
	APPLIED,

	/** The user denied it (or the approval failed). */
	DENIED,

	/** Not approved in time. */
	EXPIRED,

	/**
	 * Approved (or being asked for) but not applied: the settings it was based on moved
	 * meanwhile, or the approval could not be requested or checked. The change's
	 * {@code reason} says which.
	 */
	FAILED;

	/**
	 * The wire name.
	 * @return for example {@code pending_approval}
	 */
	public String wireName() {
		return name().toLowerCase(Locale.ROOT);
	}

	/**
	 * Whether the change is decided.
	 * @return true for {@code APPLIED}, {@code DENIED}, {@code EXPIRED}, {@code FAILED}
	 */
	public boolean terminal() {
		return this != PENDING_APPROVAL;
	}

	/**
	 * Whether a change in this status may move to another.
	 * @param next the next status
	 * @return true from {@code PENDING_APPROVAL} to any status
	 */
	public boolean canMoveTo(ChangeStatus next) {
		return this == PENDING_APPROVAL;
	}

	/**
	 * Finds a status by its wire name.
	 * @param wireName for example {@code applied}
	 * @return the status, or empty
	 */
	public static Optional<ChangeStatus> fromWireName(String wireName) {
		return Arrays.stream(values()).filter((status) -> status.wireName().equals(wireName)).findFirst();
	}

}
