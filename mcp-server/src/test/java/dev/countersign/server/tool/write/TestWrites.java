package dev.countersign.server.tool.write;

import java.net.ServerSocket;
import java.util.Map;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;

import dev.countersign.policy.MutableClock;
import dev.countersign.policy.action.Action;
import dev.countersign.policy.action.IdGenerator;
import dev.countersign.policy.action.InMemoryActionStore;
import dev.countersign.policy.approval.ActionFreezer;
import dev.countersign.policy.approval.ApprovalConfig;
import dev.countersign.policy.approval.SubmitRequest;
import dev.countersign.server.provider.ProviderHttp;
import dev.countersign.server.provider.ToolCalls;
import dev.countersign.server.tool.ToolCatalog;

/**
 * Frozen actions and circuit breakers for the writer tests.
 */
public final class TestWrites {

	private TestWrites() {
	}

	/**
	 * A frozen action of a catalog write, as the freezer makes it.
	 * @param tool the tool name
	 * @param arguments its normalised arguments
	 * @return the action
	 */
	public static Action action(String tool, Map<String, Object> arguments) {
		return actionWithPreconditions(tool, arguments, Map.of());
	}

	/**
	 * A frozen action of a catalog write with the preconditions read when it was called.
	 * @param tool the tool name
	 * @param arguments its normalised arguments
	 * @param preconditions its preconditions (a version, a head SHA)
	 * @return the action
	 */
	public static Action actionWithPreconditions(String tool, Map<String, Object> arguments,
			Map<String, Object> preconditions) {
		MutableClock clock = MutableClock.start();
		ActionFreezer freezer = new ActionFreezer(new InMemoryActionStore(), ApprovalConfig.defaults(), clock,
				IdGenerator.ulid(clock));
		return freezer
			.submit(SubmitRequest.batch(ToolCalls.USER, "claude-desktop",
					ToolCatalog.create().find(tool).orElseThrow().descriptor(), arguments, preconditions, 0.9))
			.block();
	}

	/**
	 * A fresh breaker with the providers' settings.
	 * @param name its name
	 * @return the breaker
	 */
	public static CircuitBreaker breaker(String name) {
		return CircuitBreakerRegistry.of(ProviderHttp.circuitBreakerConfig()).circuitBreaker(name);
	}

	/**
	 * A local port nothing listens on.
	 * @return the port
	 */
	public static int closedPort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (java.io.IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
