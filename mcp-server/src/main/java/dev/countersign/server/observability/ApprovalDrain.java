package dev.countersign.server.observability;

import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;

import dev.countersign.server.approval.ApprovalLoop;

/**
 * Graceful shutdown of the approval loop (DESIGN §10): once the web server has finished
 * its in-flight requests, the loop stops taking new batches and this waits, up to the
 * drain timeout, for the approved batches already executing to finish, so that an
 * approved write is not cut off mid-way. Then it releases every user's lease this replica
 * held, so that another replica takes those users over at once rather than after the
 * lease lapses (DESIGN §8). Actions still {@code PENDING} or {@code BATCHED} stay in the
 * store for the next start (or another replica) to pick up; in the memory store they are
 * lost with the process.
 */
final class ApprovalDrain implements SmartLifecycle {

	/**
	 * After the web server's graceful shutdown ({@code DEFAULT_PHASE - 1024}), before it
	 * stops ({@code DEFAULT_PHASE - 2048}).
	 */
	static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 1536;

	private static final Logger logger = LoggerFactory.getLogger(ApprovalDrain.class);

	private final ApprovalLoop loop;

	private final Duration timeout;

	private volatile boolean running;

	ApprovalDrain(ApprovalLoop loop, Duration timeout) {
		this.loop = loop;
		this.timeout = timeout;
	}

	@Override
	public void start() {
		this.running = true;
	}

	@Override
	public void stop() {
		try {
			this.loop.stop();
			Boolean drained = this.loop.executions()
				.thenReturn(true)
				.timeout(this.timeout, reactor.core.publisher.Mono.just(false))
				.block();
			if (!Boolean.TRUE.equals(drained)) {
				logger.warn("Approved writes still running after {}; stopping anyway (their actions may end UNKNOWN)",
						this.timeout);
			}
			this.loop.releaseLeases().timeout(this.timeout, reactor.core.publisher.Mono.empty()).block();
		}
		finally {
			this.running = false;
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

}
