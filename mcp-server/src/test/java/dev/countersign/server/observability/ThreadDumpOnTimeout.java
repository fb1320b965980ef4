package dev.countersign.server.observability;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/**
 * When a test fails because a call got no answer in time, prints every thread's stack
 * (into the test's report) before failing it, so that a hang seen once on a CI machine
 * can be read afterwards instead of guessed at.
 */
final class ThreadDumpOnTimeout implements TestExecutionExceptionHandler {

	@Override
	public void handleTestExecutionException(ExtensionContext context, Throwable thrown) throws Throwable {
		if (isTimeout(thrown)) {
			StringBuilder dump = new StringBuilder("Threads when ").append(context.getDisplayName())
				.append(" timed out:\n");
			for (ThreadInfo thread : ManagementFactory.getThreadMXBean().dumpAllThreads(true, true)) {
				dump.append('"')
					.append(thread.getThreadName())
					.append("\" ")
					.append(thread.getThreadState())
					.append('\n');
				for (StackTraceElement frame : thread.getStackTrace()) {
					dump.append("\tat ").append(frame).append('\n');
				}
			}
			System.out.println(dump);
		}
		throw thrown;
	}

	private static boolean isTimeout(Throwable thrown) {
		for (Throwable cause = thrown; cause != null; cause = cause.getCause()) {
			if (cause instanceof TimeoutException
					|| (cause.getMessage() != null && cause.getMessage().startsWith("Timeout on blocking read"))) {
				return true;
			}
		}
		return false;
	}

}
