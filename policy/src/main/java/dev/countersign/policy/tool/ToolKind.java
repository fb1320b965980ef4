package dev.countersign.policy.tool;

/**
 * What a tool does to the world.
 */
public enum ToolKind {

	/** Reads data; goes straight through. */
	READ,

	/** Changes data at a provider or in Countersign's stores; needs approval. */
	WRITE,

	/** Manages the caller's own queued actions; needs no approval. */
	GOVERNANCE;

}
