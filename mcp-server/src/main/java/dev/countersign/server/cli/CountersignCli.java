package dev.countersign.server.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * The laptop commands of the Countersign jar, run without starting Spring:
 *
 * <pre>{@code
 * java -jar countersign.jar login --server http://127.0.0.1:8080/mcp --client-id countersign-desktop
 * java -jar countersign.jar stdio --server http://127.0.0.1:8080/mcp
 * java -jar countersign.jar logout
 * }</pre>
 *
 * Options may also come from the environment: {@code COUNTERSIGN_SERVER},
 * {@code COUNTERSIGN_ISSUER}, {@code COUNTERSIGN_AUDIENCE}, {@code COUNTERSIGN_CLIENT_ID}
 * and {@code COUNTERSIGN_CREDENTIALS}. {@code login} learns the issuer and audience from
 * the server's protected resource metadata unless given. Exit status 0 on success, 1 on a
 * failure (said on stderr), 2 on a usage error.
 */
public final class CountersignCli {

	/** The commands this class runs; anything else starts the server. */
	public static final Set<String> COMMANDS = Set.of("login", "stdio", "logout", "help", "--help");

	private static final Map<String, String> ENVIRONMENT = Map.of("--server", "COUNTERSIGN_SERVER", "--issuer",
			"COUNTERSIGN_ISSUER", "--audience", "COUNTERSIGN_AUDIENCE", "--client-id", "COUNTERSIGN_CLIENT_ID",
			"--credentials", "COUNTERSIGN_CREDENTIALS");

	private static final String USAGE = """
			usage: countersign login [--server URL] [--issuer URL] [--audience ID] --client-id ID [--credentials FILE]
			       countersign stdio --server URL [--credentials FILE]
			       countersign logout [--credentials FILE]
			login   signs you in with the OAuth device flow and keeps the refresh token in FILE
			        (default ~/.config/countersign/credentials.json, mode 600)
			stdio   bridges a stdio MCP client (Claude Desktop) to the Countersign server at URL""";

	private CountersignCli() {
	}

	/**
	 * Whether the arguments name a command of this class.
	 * @param args the program arguments
	 * @return true for {@code login}, {@code stdio}, {@code logout} and {@code help}
	 */
	public static boolean handles(String[] args) {
		return args.length > 0 && COMMANDS.contains(args[0]);
	}

	/**
	 * Runs a command with the process's streams and environment. For {@code stdio},
	 * {@code System.out} is redirected to stderr first, so that nothing but MCP messages
	 * can reach stdout.
	 * @param args the program arguments, the command first
	 * @return the exit status
	 */
	public static int run(String[] args) {
		PrintStream protocol = new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8);
		PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
		System.setOut(err);
		Clock clock = Clock.systemUTC();
		return run(args, System.in, protocol, err, System.getenv(), clock,
				(duration) -> Thread.sleep(duration.toMillis()));
	}

	static int run(String[] args, InputStream in, PrintStream out, PrintStream err, Map<String, String> environment,
			Clock clock, DeviceLogin.Sleeper sleeper) {
		Map<String, String> options;
		try {
			options = options(args, environment);
		}
		catch (IllegalArgumentException ex) {
			err.println("countersign: " + ex.getMessage());
			err.println(USAGE);
			return 2;
		}
		HttpClient http = HttpClient.newBuilder()
			.connectTimeout(Duration.ofSeconds(10))
			.followRedirects(HttpClient.Redirect.NEVER)
			.build();
		OAuthClient oauth = new OAuthClient(http, OAuthClient.DEFAULT_TIMEOUT);
		CredentialsFile file = new CredentialsFile(credentialsPath(options, environment));
		try {
			switch (args[0]) {
				case "login" -> {
					login(options, oauth, file, clock, sleeper, err);
					return 0;
				}
				case "stdio" -> {
					URI server = checkedUrl("--server", required(options, "--server"));
					AccessTokens tokens = new AccessTokens(file, oauth, clock);
					err.println("countersign stdio: bridging stdio to " + server);
					return new StdioBridge(server, tokens, http, out, err, StdioBridge.DEFAULT_REQUEST_TIMEOUT).run(in);
				}
				case "logout" -> {
					err.println(file.delete()
							? "Deleted " + file.path() + "; revoke the refresh token in your tenant to end it there too"
							: "Not logged in");
					return 0;
				}
				default -> {
					err.println(USAGE);
					return 0;
				}
			}
		}
		catch (CliException ex) {
			err.println("countersign " + args[0] + ": " + ex.getMessage());
			return 1;
		}
		catch (IllegalArgumentException ex) {
			err.println("countersign " + args[0] + ": " + ex.getMessage());
			err.println(USAGE);
			return 2;
		}
		catch (IOException ex) {
			err.println("countersign " + args[0] + ": could not read stdin (" + ex.getMessage() + ")");
			return 1;
		}
	}

	private static void login(Map<String, String> options, OAuthClient oauth, CredentialsFile file, Clock clock,
			DeviceLogin.Sleeper sleeper, PrintStream err) {
		String clientId = required(options, "--client-id");
		String issuer = options.get("--issuer");
		String audience = options.get("--audience");
		if (issuer == null || audience == null) {
			String server = options.get("--server");
			if (server == null) {
				throw new IllegalArgumentException("give --server, or both --issuer and --audience");
			}
			OAuthClient.ProtectedResource resource = oauth.protectedResource(checkedUrl("--server", server));
			issuer = (issuer != null) ? issuer : resource.authorizationServer().toString();
			audience = (audience != null) ? audience : resource.resource();
		}
		Credentials credentials = new DeviceLogin(oauth, clock, sleeper, err).run(checkedUrl("--issuer", issuer),
				clientId, audience);
		file.write(credentials);
		err.println("Signed in. The refresh token is in " + file.path() + " (readable by you only).");
	}

	/**
	 * Parses a URL that tokens will be sent to: {@code https}, or {@code http} on the
	 * loopback interface only, so that no token crosses a network in clear text.
	 */
	static URI checkedUrl(String option, String value) {
		URI uri;
		try {
			uri = new URI(value);
		}
		catch (URISyntaxException ex) {
			throw new IllegalArgumentException(option + " is not a URL: " + value);
		}
		String host = uri.getHost();
		if (host == null || uri.getScheme() == null) {
			throw new IllegalArgumentException(option + " must be an absolute http(s) URL, but was " + value);
		}
		boolean loopback = host.equals("localhost") || host.equals("127.0.0.1") || host.equals("[::1]")
				|| host.equals("::1");
		if (!"https".equalsIgnoreCase(uri.getScheme()) && !("http".equalsIgnoreCase(uri.getScheme()) && loopback)) {
			throw new IllegalArgumentException(option
					+ " must use https (http only for localhost, 127.0.0.1 or [::1]), so tokens never travel in clear text, but was "
					+ value);
		}
		return uri;
	}

	private static Path credentialsPath(Map<String, String> options, Map<String, String> environment) {
		String given = options.get("--credentials");
		if (given != null) {
			return Path.of(given);
		}
		String home = environment.getOrDefault("HOME", System.getProperty("user.home"));
		return CredentialsFile.underHome(Path.of(home)).path();
	}

	static Map<String, String> options(String[] args, Map<String, String> environment) {
		if (args.length == 0) {
			throw new IllegalArgumentException("no command");
		}
		Map<String, String> options = new HashMap<>();
		ENVIRONMENT.forEach((option, variable) -> {
			String value = environment.get(variable);
			if (value != null && !value.isBlank()) {
				options.put(option, value);
			}
		});
		List<String> rest = List.of(args).subList(1, args.length);
		for (int i = 0; i < rest.size(); i++) {
			String arg = rest.get(i);
			String name = arg;
			@Nullable String value = null;
			int equals = arg.indexOf('=');
			if (arg.startsWith("--") && equals > 0) {
				name = arg.substring(0, equals);
				value = arg.substring(equals + 1);
			}
			if (!ENVIRONMENT.containsKey(name)) {
				throw new IllegalArgumentException("unknown option " + name);
			}
			if (value == null) {
				if (i + 1 >= rest.size()) {
					throw new IllegalArgumentException(name + " needs a value");
				}
				value = rest.get(++i);
			}
			options.put(name, value);
		}
		return options;
	}

	private static String required(Map<String, String> options, String name) {
		String value = options.get(name);
		if (value == null || value.isBlank()) {
			throw new IllegalArgumentException(name + " is required (or " + ENVIRONMENT.get(name) + ")");
		}
		return value;
	}

}
