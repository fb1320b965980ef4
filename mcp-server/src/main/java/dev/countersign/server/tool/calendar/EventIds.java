package dev.countersign.server.tool.calendar;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The deterministic Google Calendar event id of an approved action (DESIGN §4 step 2):
 * the lowercase base32hex (RFC 4648 §7) of SHA-256 of the action id, its first
 * {@value #LENGTH} characters. Calendar v3 accepts client-supplied ids of 5 to 1024
 * characters from {@code a-v} and {@code 0-9}, so these are valid, and a repeat of the
 * same action can only meet the event it made before.
 */
public final class EventIds {

	/** The length of an id: 130 bits of the digest. */
	public static final int LENGTH = 26;

	private static final char[] BASE32HEX = "0123456789abcdefghijklmnopqrstuv".toCharArray();

	private EventIds() {
	}

	/**
	 * The event id of an action.
	 * @param actionId the action id
	 * @return {@value #LENGTH} characters from {@code 0-9a-v}
	 */
	public static String forAction(String actionId) {
		byte[] digest = sha256(actionId.getBytes(StandardCharsets.UTF_8));
		StringBuilder id = new StringBuilder(LENGTH);
		int buffer = 0;
		int bits = 0;
		for (byte b : digest) {
			buffer = (buffer << 8) | (b & 0xFF);
			bits += 8;
			while (bits >= 5 && id.length() < LENGTH) {
				id.append(BASE32HEX[(buffer >>> (bits - 5)) & 31]);
				bits -= 5;
			}
			if (id.length() == LENGTH) {
				break;
			}
		}
		return id.toString();
	}

	private static byte[] sha256(byte[] input) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(input);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is missing from this Java runtime", ex);
		}
	}

}
