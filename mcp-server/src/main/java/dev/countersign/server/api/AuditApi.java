package dev.countersign.server.api;

import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.countersign.policy.audit.AuditCheckpoint;
import dev.countersign.policy.audit.AuditEvent;
import dev.countersign.policy.audit.AuditStore;
import dev.countersign.policy.audit.AuditTrail;
import dev.countersign.policy.audit.AuditVerification;
import dev.countersign.server.audit.RecentAnchors;
import dev.countersign.server.auth.Caller;

/**
 * The user's audit chain (DESIGN §8):
 * <ul>
 * <li>{@code GET /api/v1/audit?from=1&limit=100}: a page of entries in chain order
 * ({@code entries}, {@code length}, and {@code next} when more follow);</li>
 * <li>{@code GET /api/v1/audit/export}: every entry, one JSON object a line
 * ({@code application/x-ndjson});</li>
 * <li>{@code GET /api/v1/audit/verify}: {@link AuditTrail#verify}: {@code {ok: true,
 * length, last_hash, anchors}} or {@code {ok: false, broken_at, reason, anchors}} naming
 * the first broken link, checked against the checkpoints kept in the store and the newest
 * one this replica made for the user ({@link RecentAnchors});</li>
 * <li>{@code POST /api/v1/audit/verify} with the application log's anchor lines as the
 * body (one a line, log prefixes allowed; other users' lines are skipped): the same,
 * checked against those anchors too — how a stream deleted or cut off in the store is
 * found after a restart. {@code anchors} counts the caller's anchors that were used.</li>
 * </ul>
 * Entries never hold a token (the trail refuses them).
 */
@RestController
@RequestMapping("/api/v1/audit")
class AuditApi {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final int MAX_LIMIT = 500;

	private static final int EXPORT_PAGE = 500;

	private final AuditStore store;

	private final AuditTrail trail;

	private final RecentAnchors recent;

	AuditApi(AuditStore store, AuditTrail trail, RecentAnchors recent) {
		this.store = store;
		this.trail = trail;
		this.recent = recent;
	}

	@GetMapping
	Mono<Map<String, Object>> page(@AuthenticationPrincipal Caller caller,
			@RequestParam(name = "from", required = false) @Nullable String from,
			@RequestParam(name = "limit", required = false) @Nullable String limit) {
		long first = number(from, "from", 1, Long.MAX_VALUE, 1);
		int max = (int) number(limit, "limit", 1, MAX_LIMIT, 100);
		String user = caller.user();
		return this.store.length(user)
			.flatMap((length) -> this.store.read(user, first, max).map(AuditApi::json).collectList().map((entries) -> {
				Map<String, Object> answer = new LinkedHashMap<>();
				answer.put("entries", entries);
				answer.put("from", first);
				answer.put("length", length);
				long next = first + entries.size();
				if (!entries.isEmpty() && next <= length) {
					answer.put("next", next);
				}
				return answer;
			}));
	}

	@GetMapping("/export")
	ResponseEntity<Flux<String>> export(@AuthenticationPrincipal Caller caller) {
		String user = caller.user();
		Flux<String> lines = this.store.length(user)
			.flatMapMany((length) -> Flux.range(0, (int) ((length + EXPORT_PAGE - 1) / EXPORT_PAGE))
				.concatMap((page) -> this.store.read(user, 1L + (long) page * EXPORT_PAGE, EXPORT_PAGE)))
			.map((event) -> JSON.writeValueAsString(json(event)) + "\n");
		return ResponseEntity.ok().contentType(MediaType.APPLICATION_NDJSON).body(lines);
	}

	@GetMapping("/verify")
	Mono<Map<String, Object>> verify(@AuthenticationPrincipal Caller caller) {
		return verify(caller.user(), List.of());
	}

	@PostMapping("/verify")
	Mono<Map<String, Object>> verifyWithAnchors(@AuthenticationPrincipal Caller caller,
			@RequestBody(required = false) @Nullable String body) {
		return verify(caller.user(), anchors(caller.user(), body));
	}

	private Mono<Map<String, Object>> verify(String user, List<AuditCheckpoint> given) {
		List<AuditCheckpoint> anchors = new ArrayList<>(given);
		anchors.addAll(this.recent.of(user));
		return this.trail.verify(user, anchors).map((verification) -> {
			Map<String, Object> answer = new LinkedHashMap<>();
			answer.put("ok", verification.intact());
			if (verification instanceof AuditVerification.Intact intact) {
				answer.put("length", intact.length());
				answer.put("last_hash", intact.lastHash());
			}
			else if (verification instanceof AuditVerification.Broken broken) {
				answer.put("broken_at", broken.sequence());
				answer.put("reason", broken.reason());
			}
			answer.put("anchors", anchors.stream().distinct().count());
			return answer;
		});
	}

	/** The caller's anchors among the log lines; a line that holds none is an error. */
	private static List<AuditCheckpoint> anchors(String user, @Nullable String body) {
		if (body == null || body.isBlank()) {
			throw ApiException.badField("body",
					"give the anchor lines of the application log (logger countersign.audit.anchor), one a line");
		}
		List<AuditCheckpoint> anchors = new ArrayList<>();
		List<String> lines = body.lines().toList();
		for (int i = 0; i < lines.size(); i++) {
			if (lines.get(i).isBlank()) {
				continue;
			}
			AuditCheckpoint anchor;
			try {
				anchor = AuditCheckpoint.fromJsonLine(lines.get(i));
			}
			catch (IllegalArgumentException ex) {
				throw ApiException.badField("line " + (i + 1), ex.getMessage());
			}
			if (anchor.user().equals(user)) {
				anchors.add(anchor);
			}
		}
		return anchors;
	}

	private static long number(@Nullable String text, String field, long min, long max, long fallback) {
		if (text == null || text.isBlank()) {
			return fallback;
		}
		try {
			long value = Long.parseLong(text.strip());
			if (value >= min && value <= max) {
				return value;
			}
		}
		catch (NumberFormatException ex) {
			// answered below
		}
		throw ApiException.badField(field,
				"it must be a whole number from " + min + ((max < Long.MAX_VALUE) ? " to " + max : " up"));
	}

	static Map<String, Object> json(AuditEvent event) {
		Map<String, Object> json = new LinkedHashMap<>();
		json.put("sequence", event.sequence());
		json.put("type", event.type().name());
		json.put("occurred_at", DateTimeFormatter.ISO_INSTANT.format(event.occurredAt()));
		json.put("actor", event.actor());
		if (event.actionId() != null) {
			json.put("action_id", event.actionId());
		}
		if (event.batchId() != null) {
			json.put("batch_id", event.batchId());
		}
		json.put("details", event.details());
		json.put("previous_hash", event.previousHash());
		json.put("hash", event.hash());
		return json;
	}

}
