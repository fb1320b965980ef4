package dev.countersign.ciba.internal;

/**
 * No HTTP answer arrived. {@link #requestSent()} says whether the request may have
 * reached the server: {@code false} only when the connection was never established
 * (refused, or timed out while connecting), so nothing was sent and a retry cannot repeat
 * an effect.
 */
public final class TransportException extends Exception {

	private final boolean requestSent;

	TransportException(String message, boolean requestSent, Throwable cause) {
		super(message, cause);
		this.requestSent = requestSent;
	}

	/**
	 * Whether the request may have reached the server.
	 * @return false only when it certainly did not
	 */
	public boolean requestSent() {
		return this.requestSent;
	}

}
