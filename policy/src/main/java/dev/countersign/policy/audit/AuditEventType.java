package dev.countersign.policy.audit;

/**
 * What an {@link AuditEvent} records, one constant per step of the life of a write
 * (DESIGN §4) and per change of settings.
 */
public enum AuditEventType {

	/** The policy decided how to route a tool call. */
	DECISION,

	/** A write was frozen into a {@code PENDING} action. */
	FROZEN,

	/** Pending actions were closed into a signed batch. */
	BATCHED,

	/** A CIBA request was started for a batch. */
	CIBA_REQUESTED,

	/** The user approved a batch. */
	APPROVED,

	/** The user denied a batch. */
	DENIED,

	/** An action or a batch expired unapproved, or its execution window closed. */
	EXPIRED,

	/** A batch was refused because its actions, digest or signature did not verify. */
	TAMPERING_REFUSED,

	/**
	 * Provider tokens were obtained by token exchange (never the tokens themselves); the
	 * details name the connection and the subject used ({@code ciba-token} or
	 * {@code refresh-token}).
	 */
	EXCHANGE_DONE,

	/** An action ran and the provider confirmed it. */
	EXECUTED,

	/** An action ran and failed, or a precondition did not hold. */
	FAILED,

	/** An action was sent but its outcome is not known (a time-out after sending). */
	UNKNOWN,

	/** An action was cancelled before it ran. */
	CANCELLED,

	/** The user resolved an {@code UNKNOWN} action as succeeded or failed. */
	RESOLVED,

	/** An expired or denied action was resubmitted as a new action. */
	RESUBMITTED,

	/** A read went straight through to a provider. */
	READ,

	/** A setting (rule, routing, trust) was changed or a change was requested. */
	SETTING_CHANGED,

	/**
	 * The user signed in to the console and their refresh token was stored, sealed (never
	 * the token itself).
	 */
	REFRESH_TOKEN_STORED,

	/** The user's stored refresh token was forgotten. */
	REFRESH_TOKEN_FORGOTTEN,

	/**
	 * The user edited the arguments of a {@code PENDING} action (re-frozen, re-digested).
	 */
	EDITED,

	/** A change that loosens governance was requested and waits for the phone. */
	CHANGE_REQUESTED,

	/** A change that loosens governance was approved on the phone and applied. */
	CHANGE_APPLIED,

	/**
	 * A change that loosens governance was denied, expired, or failed and was not
	 * applied.
	 */
	CHANGE_REFUSED

}
