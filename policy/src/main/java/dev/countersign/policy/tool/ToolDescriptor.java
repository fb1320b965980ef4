package dev.countersign.policy.tool;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What Countersign knows about a tool on the server side.
 *
 * @param name the MCP tool name, lower snake case
 * @param kind read, write or governance
 * @param connection the connection the tool uses ({@link #GOOGLE}, {@link #GITHUB},
 * {@link #DEALS} or {@link #GOVERNANCE})
 * @param baseRisk the risk before arguments are looked at; {@link Risk#NONE} for reads
 * and governance tools
 * @param destructive whether the write destroys or sends something that cannot be taken
 * back
 */
public record ToolDescriptor(String name, ToolKind kind, String connection, Risk baseRisk, boolean destructive) {

	/** Google (Calendar v3, Gmail v1) through Token Vault. */
	public static final String GOOGLE = "google-oauth2";

	/** GitHub REST v3 through Token Vault. */
	public static final String GITHUB = "github";

	/** Countersign's own deal and contact store. */
	public static final String DEALS = "deals";

	/** The caller's own actions in Countersign. */
	public static final String GOVERNANCE = "countersign";

	private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,63}");

	public ToolDescriptor {
		Objects.requireNonNull(name, "name must not be null");
		Objects.requireNonNull(kind, "kind must not be null");
		Objects.requireNonNull(connection, "connection must not be null");
		Objects.requireNonNull(baseRisk, "baseRisk must not be null");
		if (!NAME.matcher(name).matches()) {
			throw new IllegalArgumentException("name must be lower snake case, but was " + name);
		}
		if ((kind == ToolKind.WRITE) == (baseRisk == Risk.NONE)) {
			throw new IllegalArgumentException("a write must carry a risk and any other tool must not, but " + name
					+ " is " + kind + "/" + baseRisk);
		}
		if (destructive && kind != ToolKind.WRITE) {
			throw new IllegalArgumentException("only a write can be destructive, but " + name + " is " + kind);
		}
	}

	/**
	 * A read tool.
	 * @param name the tool name
	 * @param connection the connection it reads through
	 * @return the descriptor
	 */
	public static ToolDescriptor read(String name, String connection) {
		return new ToolDescriptor(name, ToolKind.READ, connection, Risk.NONE, false);
	}

	/**
	 * A write tool that can be undone or repeated harmlessly.
	 * @param name the tool name
	 * @param connection the connection it writes through
	 * @param risk its base risk
	 * @return the descriptor
	 */
	public static ToolDescriptor write(String name, String connection, Risk risk) {
		return new ToolDescriptor(name, ToolKind.WRITE, connection, risk, false);
	}

	/**
	 * A write tool whose effect cannot be taken back.
	 * @param name the tool name
	 * @param connection the connection it writes through
	 * @param risk its base risk
	 * @return the descriptor
	 */
	public static ToolDescriptor destructiveWrite(String name, String connection, Risk risk) {
		return new ToolDescriptor(name, ToolKind.WRITE, connection, risk, true);
	}

	/**
	 * A governance tool over the caller's own actions.
	 * @param name the tool name
	 * @param readOnly whether it only reads
	 * @return the descriptor
	 */
	public static ToolDescriptor governance(String name, boolean readOnly) {
		return new ToolDescriptor(name, readOnly ? ToolKind.READ : ToolKind.GOVERNANCE, GOVERNANCE, Risk.NONE, false);
	}

	/**
	 * Whether the tool reaches outside Countersign (a provider API).
	 * @return true for Google and GitHub tools
	 */
	public boolean external() {
		return GOOGLE.equals(this.connection) || GITHUB.equals(this.connection);
	}

}
