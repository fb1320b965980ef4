package dev.countersign.server.cli;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The credentials file is only ever the user's: written with mode 600 in a 700 directory,
 * and refused when its group or others may read or change it.
 */
class CredentialsFileTests {

	static final Credentials CREDENTIALS = new Credentials(URI.create("https://tenant.example/"),
			URI.create("https://tenant.example/oauth/token"), "desktop", "https://countersign.example/mcp",
			"refresh-canary-7d1f");

	@TempDir
	Path home;

	@Test
	void writeWhenNoFileThenOwnerOnlyFileInOwnerOnlyDirectoryAndReadsBack() throws IOException {
		CredentialsFile file = CredentialsFile.underHome(this.home);
		file.write(CREDENTIALS);
		assertThat(file.path()).isEqualTo(this.home.resolve(".config/countersign/credentials.json"));
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.path()))).isEqualTo("rw-------");
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.path().getParent())))
			.isEqualTo("rwx------");
		assertThat(file.read()).isEqualTo(CREDENTIALS);
		assertThat(Files.readString(file.path())).doesNotContain("access_token");
	}

	@Test
	void writeWhenAFileOthersCouldReadExistsThenReplacedByAnOwnerOnlyOne() throws IOException {
		Path path = this.home.resolve("credentials.json");
		Files.writeString(path, "{}");
		Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-r--r--"));
		new CredentialsFile(path).write(CREDENTIALS);
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(path))).isEqualTo("rw-------");
		assertThat(new CredentialsFile(path).read().refreshToken()).isEqualTo("refresh-canary-7d1f");
	}

	@Test
	void readWhenGroupReadableThenRefusedNamingTheFileAndTheFix() throws IOException {
		CredentialsFile file = new CredentialsFile(this.home.resolve("credentials.json"));
		file.write(CREDENTIALS);
		Files.setPosixFilePermissions(file.path(), PosixFilePermissions.fromString("rw-r-----"));
		assertThatExceptionOfType(CliException.class).isThrownBy(file::read)
			.withMessageContaining(file.path().toString())
			.withMessageContaining("rw-r-----")
			.withMessageContaining("chmod 600")
			.withMessageNotContaining("refresh-canary");
	}

	@Test
	void readWhenWorldReadableThenRefused() throws IOException {
		CredentialsFile file = new CredentialsFile(this.home.resolve("credentials.json"));
		file.write(CREDENTIALS);
		Files.setPosixFilePermissions(file.path(), PosixFilePermissions.fromString("rw----r--"));
		assertThatExceptionOfType(CliException.class).isThrownBy(file::read).withMessageContaining("other users");
	}

	@Test
	void readWhenGroupWritableThenRefused() throws IOException {
		CredentialsFile file = new CredentialsFile(this.home.resolve("credentials.json"));
		file.write(CREDENTIALS);
		Files.setPosixFilePermissions(file.path(), PosixFilePermissions.fromString("rw--w----"));
		assertThatExceptionOfType(CliException.class).isThrownBy(file::read).withMessageContaining("chmod 600");
	}

	@Test
	void readWhenSymbolicLinkThenRefused() throws IOException {
		CredentialsFile target = new CredentialsFile(this.home.resolve("real.json"));
		target.write(CREDENTIALS);
		Path link = Files.createSymbolicLink(this.home.resolve("credentials.json"), target.path());
		assertThatExceptionOfType(CliException.class).isThrownBy(() -> new CredentialsFile(link).read())
			.withMessageContaining("not a regular file");
	}

	@Test
	void readWhenNoFileThenSaysToLogIn() {
		CredentialsFile file = CredentialsFile.underHome(this.home);
		assertThatExceptionOfType(CliException.class).isThrownBy(file::read)
			.withMessageContaining("Not logged in")
			.withMessageContaining("countersign login");
	}

	@Test
	void readWhenIncompleteThenSaysWhatIsMissing() throws IOException {
		CredentialsFile file = new CredentialsFile(this.home.resolve("credentials.json"));
		file.write(CREDENTIALS);
		Files.writeString(file.path(), "{\"issuer\":\"https://tenant.example/\"}");
		assertThatExceptionOfType(CliException.class).isThrownBy(file::read).withMessageContaining("is missing");
	}

	@Test
	void toStringWhenPrintedThenNoRefreshToken() {
		assertThat(CREDENTIALS.toString()).doesNotContain("refresh-canary");
	}

}
