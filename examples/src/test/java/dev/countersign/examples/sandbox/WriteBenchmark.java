package dev.countersign.examples.sandbox;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import tools.jackson.databind.JsonNode;

import dev.countersign.policy.action.ActionStatus;
import dev.countersign.policy.action.ActionStore;
import dev.countersign.policy.approval.Batch;
import dev.countersign.policy.approval.BatchStore;
import dev.countersign.server.tool.ToolCatalog;

/**
 * The write-path figures of the README (run by {@code examples/bench/write-benchmark.sh},
 * not by the tests): a sandbox in this JVM, a real MCP client, the sandbox phone
 * approving every push as soon as it appears.
 * <ol>
 * <li>{@code burst}: 50 writes across 3 connections (deals, GitHub, Google) for one user
 * with a 50 ms delay on every provider call: how many pushes and Token Vault exchanges,
 * and how long from Countersign seeing the approval to the last write done (and from the
 * tap on the phone, which adds the CIBA poll interval);</li>
 * <li>{@code rate}: writes queued faster than they can be approved, for 60 s: how many
 * run per minute for one user under the 5-starts-per-minute CIBA limit.</li>
 * </ol>
 * Usage: {@code WriteBenchmark burst <max-batch-size>} or
 * {@code WriteBenchmark rate <max-batch-size> [seconds]}.
 */
public final class WriteBenchmark {

	private static final Set<ActionStatus> FINAL = EnumSet.of(ActionStatus.SUCCEEDED, ActionStatus.FAILED,
			ActionStatus.UNKNOWN, ActionStatus.DENIED, ActionStatus.EXPIRED, ActionStatus.CANCELLED);

	/** How the emulated tenant names a sandbox user in {@code sub}. */
	private static final String SUB = "auth0|";

	private WriteBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		String mode = (args.length > 0) ? args[0] : "burst";
		int batchSize = (args.length > 1) ? Integer.parseInt(args[1]) : 9;
		// one agent queues hundreds of writes back to back on purpose: the per-agent rate
		// limit is not what this measures
		RunningSandbox sandbox = RunningSandbox.start("--countersign.approval.max-batch-size=" + batchSize,
				"--countersign.approval.max-pending-per-agent=500", "--countersign.limits.enabled=false",
				"--logging.level.root=WARN");
		try {
			if ("rate".equals(mode)) {
				rate(sandbox, batchSize, (args.length > 2) ? Integer.parseInt(args[2]) : 60);
			}
			else {
				burst(sandbox, batchSize);
			}
		}
		finally {
			sandbox.close();
		}
	}

	private static void burst(RunningSandbox sandbox, int batchSize) throws Exception {
		String user = "burst";
		ProviderFaults faults = sandbox.bean(ProviderFaults.class);
		faults.github().delay(Duration.ofMillis(50));
		faults.calendar().delay(Duration.ofMillis(50));
		faults.gmail().delay(Duration.ofMillis(50));
		EmulatedProviderTokens vault = sandbox.bean(EmulatedProviderTokens.class);
		ActionStore actions = sandbox.bean(ActionStore.class);
		BatchStore batches = sandbox.bean(BatchStore.class);
		Phone phone = new Phone(sandbox);
		List<String> ids = new ArrayList<>();
		try (SandboxAgent agent = SandboxAgent.connect(sandbox, user)) {
			for (int i = 0; i < 50; i++) {
				ids.add(agent.queue(tool(i), arguments(i)));
			}
		}
		long exchangesBefore = vault.exchangeCount(user, "github") + vault.exchangeCount(user, "google-oauth2");
		int pushes = 0;
		List<Long> seenToDone = new ArrayList<>();
		List<Long> tapToDone = new ArrayList<>();
		Set<String> done = new HashSet<>();
		while (done.size() < ids.size()) {
			JsonNode request = phone.awaitRequest(user, Duration.ofSeconds(90));
			pushes++;
			// the phone may list the push a moment before Countersign records it
			String authReqId = request.get("auth_req_id").asString();
			Batch batch = null;
			for (int tries = 0; tries < 400 && (batch == null || !authReqId.equals(batch.authReqId())); tries++) {
				Thread.sleep(5);
				batch = batches.findOpenRequest(SUB + user).block();
			}
			if (batch == null || !authReqId.equals(batch.authReqId())) {
				throw new IllegalStateException("the phone's request is not the open batch's");
			}
			Instant tapped = Instant.now();
			phone.decide(request.get("auth_req_id").asString(), "approve");
			Instant seen = null;
			while (true) {
				List<ActionStatus> statuses = new ArrayList<>();
				for (String id : batch.actionIds()) {
					statuses.add(actions.find(SUB + user, id).block().status());
				}
				if (seen == null && statuses.stream().anyMatch((status) -> status != ActionStatus.BATCHED)) {
					seen = Instant.now();
				}
				if (statuses.stream().allMatch(FINAL::contains)) {
					Instant end = Instant.now();
					done.addAll(batch.actionIds());
					seenToDone.add(Duration.between(Objects.requireNonNull(seen), end).toMillis());
					tapToDone.add(Duration.between(tapped, end).toMillis());
					break;
				}
				Thread.sleep(5);
			}
		}
		long exchanges = vault.exchangeCount(user, "github") + vault.exchangeCount(user, "google-oauth2")
				- exchangesBefore;
		long succeeded = actions.findByUser(SUB + user, EnumSet.of(ActionStatus.SUCCEEDED)).count().block();
		System.out.printf(Locale.ROOT,
				"burst max-batch-size=%d: 50 writes, %d succeeded, %d pushes, %d exchanges;"
						+ " approval seen -> last write done per batch (ms) %s; phone tap -> last write done (ms) %s%n",
				batchSize, succeeded, pushes, exchanges, seenToDone, tapToDone);
	}

	private static void rate(RunningSandbox sandbox, int batchSize, int seconds) throws Exception {
		String user = "steady";
		ActionStore actions = sandbox.bean(ActionStore.class);
		Phone phone = new Phone(sandbox);
		int queued = 0;
		try (SandboxAgent agent = SandboxAgent.connect(sandbox, user)) {
			// more than a minute can run: the limit, not the queue, decides
			int total = batchSize * 5 * (seconds / 60 + 1) + batchSize;
			for (int i = 0; i < total; i++) {
				agent.queue(tool(i), arguments(i));
				queued++;
			}
		}
		Instant start = null;
		Instant end = null;
		while (end == null || Instant.now().isBefore(end)) {
			List<JsonNode> requests = phone.requests(user);
			for (JsonNode request : requests) {
				if (start == null) {
					start = Instant.now();
					end = start.plusSeconds(seconds);
				}
				phone.decide(request.get("auth_req_id").asString(), "approve");
			}
			Thread.sleep(50);
		}
		long succeeded = actions.findByUser(SUB + user, EnumSet.of(ActionStatus.SUCCEEDED)).count().block();
		System.out.printf(Locale.ROOT,
				"rate max-batch-size=%d: %d writes queued, %d succeeded in the %d s after the first push (%.0f per minute)%n",
				batchSize, queued, succeeded, seconds, succeeded * 60.0 / seconds);
	}

	/** Four write tools over three connections: deals, GitHub and Google. */
	private static String tool(int i) {
		return switch (i % 4) {
			case 0 -> "deal_create";
			case 1 -> "github_create_issue";
			case 2 -> "calendar_create_event";
			default -> "email_create_draft";
		};
	}

	/**
	 * A write's arguments, with a middling confidence: a write without one counts as
	 * low-confidence, and those are never folded out of sight, so at most 8 fit a push.
	 */
	private static Map<String, Object> arguments(int i) {
		Map<String, Object> arguments = new HashMap<>(toolArguments(i));
		arguments.put("confidence", 0.7);
		return arguments;
	}

	private static Map<String, Object> toolArguments(int i) {
		return switch (i % 4) {
			case 0 -> Map.of("name", "Bench deal " + i, "company", "Northwind Traders", "amount", 100 + i);
			case 1 -> Map.of("repo", ToolCatalog.EXAMPLE_REPO, "title", "Bench issue " + i);
			case 2 ->
				Map.of("summary", "Bench event " + i, "start", "2026-12-01T15:00:00Z", "end", "2026-12-01T15:30:00Z");
			default ->
				Map.of("to", List.of("bench@countersign.example"), "subject", "Bench draft " + i, "body", "Draft " + i);
		};
	}

}
