package dev.countersign.examples.sandbox;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Page sizes and opaque page tokens of the emulated Google APIs. A token is the offset of
 * the next page; its encoding is nobody's business but the emulation's.
 */
final class Pages {

	private Pages() {
	}

	/**
	 * Reads a page size parameter as Google does: absent means the default, above the
	 * maximum means the maximum, below 1 is an error.
	 * @param value the parameter, or null
	 * @param defaultSize the default
	 * @param maxSize the maximum
	 * @return the size
	 */
	static int size(@Nullable String value, int defaultSize, int maxSize) {
		if (value == null) {
			return defaultSize;
		}
		int parsed;
		try {
			parsed = Integer.parseInt(value);
		}
		catch (NumberFormatException ex) {
			throw ProviderApiException.badRequest("Invalid value '" + value + "'");
		}
		if (parsed < 1) {
			throw ProviderApiException
				.badRequest("Invalid value '" + value + "'. Values must be within the range: [1, " + maxSize + "]");
		}
		return Math.min(parsed, maxSize);
	}

	static int offset(@Nullable String pageToken) {
		if (pageToken == null || pageToken.isEmpty()) {
			return 0;
		}
		try {
			int offset = Integer.parseInt(new String(Base64.getUrlDecoder().decode(pageToken), StandardCharsets.UTF_8));
			if (offset < 0) {
				throw new NumberFormatException();
			}
			return offset;
		}
		catch (IllegalArgumentException ex) {
			throw ProviderApiException.badRequest("Invalid page token value");
		}
	}

	static String token(int offset) {
		return Base64.getUrlEncoder()
			.withoutPadding()
			.encodeToString(Integer.toString(offset).getBytes(StandardCharsets.UTF_8));
	}

	static <T> List<T> page(List<T> all, int offset, int size) {
		int from = Math.min(offset, all.size());
		return all.subList(from, (int) Math.min((long) from + size, all.size()));
	}

}
