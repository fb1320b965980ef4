package dev.countersign.server.auth;

/**
 * The three kinds of caller of DESIGN §3. A token is exactly one of them, decided by its
 * {@code azp}; one never passes for another.
 */
public enum CallerKind {

	/** An agent acting for a user: may call {@code /mcp}, never {@code /api/v1}. */
	AGENT,

	/**
	 * The user through a console client: may call {@code /api/v1} with
	 * {@code countersign:manage}, never {@code /mcp}.
	 */
	CONSOLE,

	/**
	 * A token from Countersign's own CIBA approval: used only to run an approved batch,
	 * refused on every inbound surface.
	 */
	APPROVAL;

}
