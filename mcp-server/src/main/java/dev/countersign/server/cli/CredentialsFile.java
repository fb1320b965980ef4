package dev.countersign.server.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The file that holds the user's {@link Credentials}, by default
 * {@code ~/.config/countersign/credentials.json}. It is written with POSIX mode 600 in a
 * directory created with mode 700, through a temporary file moved into place, so it is
 * never readable by others, not even for a moment. Reading REFUSES a file that its group
 * or others may read or write, naming the file and the {@code chmod} to run: a refresh
 * token others could read is one they may already have. On a file system without POSIX
 * permissions (Windows) the file is kept in the user's profile, which only its owner can
 * read by default. Not thread-safe for concurrent writers in several processes; the last
 * write wins.
 */
final class CredentialsFile {

	/** The file's place under the user's home directory. */
	static final String DEFAULT_RELATIVE_PATH = ".config/countersign/credentials.json";

	private static final Set<PosixFilePermission> OWNER_ONLY = EnumSet.of(PosixFilePermission.OWNER_READ,
			PosixFilePermission.OWNER_WRITE);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final Path path;

	CredentialsFile(Path path) {
		this.path = path;
	}

	/**
	 * The default file under a home directory.
	 * @param home the user's home directory
	 * @return the file
	 */
	static CredentialsFile underHome(Path home) {
		return new CredentialsFile(home.resolve(DEFAULT_RELATIVE_PATH));
	}

	Path path() {
		return this.path;
	}

	/**
	 * Reads the credentials.
	 * @return the credentials
	 * @throws CliException when there is no file (not logged in), when others may read
	 * it, or when it is not a credentials file
	 */
	Credentials read() {
		if (!Files.exists(this.path, LinkOption.NOFOLLOW_LINKS)) {
			throw new CliException("Not logged in: " + this.path + " does not exist; run countersign login first");
		}
		if (!Files.isRegularFile(this.path, LinkOption.NOFOLLOW_LINKS)) {
			throw new CliException(this.path + " is not a regular file (a link or a directory); remove it and run "
					+ "countersign login again");
		}
		checkOwnerOnly();
		JsonNode node;
		try {
			node = JSON.readTree(Files.readString(this.path));
		}
		catch (IOException | JacksonException ex) {
			throw new CliException(this.path + " could not be read as a credentials file; run countersign login again",
					ex);
		}
		try {
			return new Credentials(URI.create(text(node, "issuer")), URI.create(text(node, "token_endpoint")),
					text(node, "client_id"), text(node, "audience"), text(node, "refresh_token"));
		}
		catch (IllegalArgumentException ex) {
			throw new CliException(this.path + " is incomplete (" + ex.getMessage() + "); run countersign login again");
		}
	}

	private void checkOwnerOnly() {
		PosixFileAttributeView view = Files.getFileAttributeView(this.path, PosixFileAttributeView.class,
				LinkOption.NOFOLLOW_LINKS);
		if (view == null) {
			return;
		}
		Set<PosixFilePermission> permissions;
		try {
			permissions = view.readAttributes().permissions();
		}
		catch (IOException ex) {
			throw new CliException("Could not read the permissions of " + this.path, ex);
		}
		EnumSet<PosixFilePermission> others = EnumSet.copyOf(permissions);
		others.removeAll(EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
				PosixFilePermission.OWNER_EXECUTE));
		if (!others.isEmpty()) {
			throw new CliException(this.path + " may be read or changed by other users (mode "
					+ PosixFilePermissions.toString(permissions) + "), so it is refused: run chmod 600 " + this.path
					+ " and, if someone else may have read it, countersign login again");
		}
	}

	private static String text(JsonNode node, String field) {
		JsonNode value = node.get(field);
		if (value == null || !value.isString() || value.asString().isBlank()) {
			throw new IllegalArgumentException(field + " is missing");
		}
		return value.asString();
	}

	/**
	 * Writes the credentials, replacing the file, with mode 600.
	 * @param credentials the credentials
	 * @throws CliException when the file cannot be written
	 */
	void write(Credentials credentials) {
		Map<String, String> body = new LinkedHashMap<>();
		body.put("issuer", credentials.issuer().toString());
		body.put("token_endpoint", credentials.tokenEndpoint().toString());
		body.put("client_id", credentials.clientId());
		body.put("audience", credentials.audience());
		body.put("refresh_token", credentials.refreshToken());
		byte[] bytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(body);
		Path directory = this.path.toAbsolutePath().getParent();
		boolean posix = Files.getFileAttributeView(directory.getRoot(), PosixFileAttributeView.class) != null;
		Path temporary = directory.resolve(this.path.getFileName() + ".tmp");
		try {
			if (posix) {
				createDirectories(directory);
				Files.deleteIfExists(temporary);
				Files.createFile(temporary, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
			}
			else {
				Files.createDirectories(directory);
				Files.deleteIfExists(temporary);
				Files.createFile(temporary);
			}
			try (OutputStream out = Files.newOutputStream(temporary, StandardOpenOption.WRITE,
					StandardOpenOption.TRUNCATE_EXISTING)) {
				out.write(bytes);
			}
			try {
				Files.move(temporary, this.path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
			}
			catch (AtomicMoveNotSupportedException ex) {
				Files.move(temporary, this.path, StandardCopyOption.REPLACE_EXISTING);
			}
		}
		catch (IOException ex) {
			throw new CliException("Could not write " + this.path + ": " + ex.getMessage(), ex);
		}
	}

	private static void createDirectories(Path directory) throws IOException {
		if (Files.isDirectory(directory)) {
			return;
		}
		Path parent = directory.getParent();
		if (parent != null) {
			createDirectories(parent);
		}
		try {
			Files.createDirectory(directory,
					PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
		}
		catch (FileAlreadyExistsException ex) {
			// made meanwhile
		}
	}

	/**
	 * Deletes the file.
	 * @return true when there was one
	 */
	boolean delete() {
		try {
			return Files.deleteIfExists(this.path);
		}
		catch (NoSuchFileException ex) {
			return false;
		}
		catch (IOException ex) {
			throw new CliException("Could not delete " + this.path + ": " + ex.getMessage(), ex);
		}
	}

}
