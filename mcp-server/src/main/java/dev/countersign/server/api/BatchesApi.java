package dev.countersign.server.api;

import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import reactor.core.publisher.Mono;

import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.countersign.policy.approval.Batch;
import dev.countersign.policy.approval.BatchStatus;
import dev.countersign.policy.approval.BatchStore;
import dev.countersign.policy.approval.Batcher;
import dev.countersign.server.audit.ApprovalAudit;
import dev.countersign.server.auth.Caller;

/**
 * The user's batches (DESIGN §4 step 3): {@code GET /api/v1/batches} lists them newest
 * first ({@code batch_id}, {@code status}, {@code action_ids}, {@code created_at},
 * {@code closed_at}, {@code requested_at} once asked for, {@code short_code});
 * {@code POST /api/v1/batches/flush} closes all of the user's pending actions into
 * batches now ({@link Batcher#flush}), each audited as BATCHED; the approval loop asks
 * for them at its next tick.
 */
@RestController
@RequestMapping("/api/v1/batches")
class BatchesApi {

	private final BatchStore batches;

	private final Batcher batcher;

	private final ApprovalAudit audit;

	BatchesApi(BatchStore batches, Batcher batcher, ApprovalAudit audit) {
		this.batches = batches;
		this.batcher = batcher;
		this.audit = audit;
	}

	@GetMapping
	Mono<Map<String, Object>> list(@AuthenticationPrincipal Caller caller) {
		return this.batches.findByUser(caller.user(), EnumSet.allOf(BatchStatus.class))
			.sort(Comparator.comparing(Batch::closedAt).reversed().thenComparing(Batch::id))
			.map(BatchesApi::json)
			.collectList()
			.map(BatchesApi::answer);
	}

	@PostMapping("/flush")
	Mono<Map<String, Object>> flush(@AuthenticationPrincipal Caller caller) {
		return this.batcher.flush(caller.user())
			.concatMap((batch) -> this.audit.batched(batch).thenReturn(batch))
			.map(BatchesApi::json)
			.collectList()
			.map(BatchesApi::answer);
	}

	private static Map<String, Object> answer(List<Map<String, Object>> list) {
		Map<String, Object> answer = new LinkedHashMap<>();
		answer.put("batches", list);
		answer.put("count", list.size());
		return answer;
	}

	static Map<String, Object> json(Batch batch) {
		Map<String, Object> json = new LinkedHashMap<>();
		json.put("batch_id", batch.id());
		json.put("status", batch.status().name().toLowerCase(Locale.ROOT));
		json.put("action_ids", batch.actionIds());
		json.put("created_at", DateTimeFormatter.ISO_INSTANT.format(batch.createdAt()));
		json.put("closed_at", DateTimeFormatter.ISO_INSTANT.format(batch.closedAt()));
		if (batch.requestedAt() != null) {
			json.put("requested_at", DateTimeFormatter.ISO_INSTANT.format(batch.requestedAt()));
		}
		json.put("short_code", batch.shortCode());
		return json;
	}

}
