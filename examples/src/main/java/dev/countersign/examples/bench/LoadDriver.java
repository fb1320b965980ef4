package dev.countersign.examples.bench;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

/**
 * An open-loop load driver: request {@code i} is sent at {@code start + i / rate}
 * whatever happened to earlier ones, and its latency counts from that intended time, so a
 * stalled server shows up as latency rather than as a slower schedule (no coordinated
 * omission). Server CPU is read from {@code /proc/PID/stat} before and after a phase.
 *
 * <p>
 * It drives three targets that answer the same read ({@code github_get_issue}): the
 * provider API directly, a bare MCP server, and Countersign.
 */
public final class LoadDriver {

	private static final long CLOCK_TICKS_PER_SECOND = 100;

	private final HttpClient http = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(5))
		.executor(Executors.newFixedThreadPool(4))
		.build();

	/**
	 * What one phase measured.
	 *
	 * @param target the target's name
	 * @param rate the offered rate, calls per second
	 * @param sent how many calls were sent
	 * @param ok how many answered correctly
	 * @param p50Micros median latency
	 * @param p99Micros 99th percentile latency
	 * @param achievedRate correct answers per second of the phase
	 * @param cpuMillisPerCall the server process's CPU time over correct answers, or -1
	 * @param jitMillisPerCall the part of it spent by the JIT compiler's threads, or -1
	 */
	public record Result(String target, int rate, int sent, int ok, long p50Micros, long p99Micros, double achievedRate,
			double cpuMillisPerCall, double jitMillisPerCall) {

		String row() {
			return String.format(Locale.ROOT, "| %-24s | %4d | %6d | %6d | %8.2f | %8.2f | %7.1f | %6s | %6s |",
					this.target, this.rate, this.sent, this.ok, this.p50Micros / 1000.0, this.p99Micros / 1000.0,
					this.achievedRate, millis(this.cpuMillisPerCall), millis(this.jitMillisPerCall));
		}

		private static String millis(double value) {
			return (value < 0) ? "n/a" : String.format(Locale.ROOT, "%.3f", value);
		}

	}

	/**
	 * Runs one phase.
	 * @param target a name for the table
	 * @param rate calls per second
	 * @param duration how long to send
	 * @param requests the request for call {@code i}
	 * @param isCorrect whether an answer body is a correct result
	 * @param serverPid the server process to measure, or 0
	 * @return what it measured
	 */
	public Result run(String target, int rate, Duration duration, IntFunction<HttpRequest> requests,
			java.util.function.Predicate<String> isCorrect, long serverPid) throws InterruptedException {
		int total = (int) (rate * duration.toMillis() / 1000);
		long[] latencies = new long[total];
		Arrays.fill(latencies, -1);
		AtomicLong ok = new AtomicLong();
		List<CompletableFuture<?>> inflight = new ArrayList<>(total);
		long cpuBefore = cpuTicks(serverPid);
		long jitBefore = jitTicks(serverPid);
		long start = System.nanoTime();
		long intervalNanos = 1_000_000_000L / rate;
		Object lock = new Object();
		for (int i = 0; i < total; i++) {
			final int index = i;
			long intended = start + index * intervalNanos;
			long wait = intended - System.nanoTime();
			if (wait > 0) {
				TimeUnit.NANOSECONDS.sleep(wait);
			}
			CompletableFuture<?> call = this.http.sendAsync(requests.apply(index), HttpResponse.BodyHandlers.ofString())
				.orTimeout(10, TimeUnit.SECONDS)
				.handle((response, error) -> {
					long latency = (System.nanoTime() - intended) / 1000;
					if (error == null && response.statusCode() / 100 == 2 && isCorrect.test(response.body())) {
						ok.incrementAndGet();
						synchronized (lock) {
							latencies[index] = latency;
						}
					}
					return null;
				});
			inflight.add(call);
		}
		CompletableFuture.allOf(inflight.toArray(CompletableFuture[]::new)).join();
		long elapsedNanos = System.nanoTime() - start;
		long cpuAfter = cpuTicks(serverPid);
		long jitAfter = jitTicks(serverPid);
		long[] measured;
		synchronized (lock) {
			measured = Arrays.stream(latencies).filter((l) -> l >= 0).sorted().toArray();
		}
		boolean measuredCpu = serverPid > 0 && ok.get() > 0;
		double cpuPerCall = measuredCpu ? (cpuAfter - cpuBefore) * (1000.0 / CLOCK_TICKS_PER_SECOND) / ok.get() : -1;
		double jitPerCall = measuredCpu ? (jitAfter - jitBefore) * (1000.0 / CLOCK_TICKS_PER_SECOND) / ok.get() : -1;
		return new Result(target, rate, total, (int) ok.get(), percentile(measured, 50), percentile(measured, 99),
				ok.get() / (elapsedNanos / 1e9), cpuPerCall, jitPerCall);
	}

	/**
	 * Reads a benchmark's {@code key=value} arguments.
	 * @param argv the command line
	 * @return the values by key
	 */
	static Map<String, String> arguments(String[] argv) {
		Map<String, String> args = new HashMap<>();
		for (String arg : argv) {
			int eq = arg.indexOf('=');
			if (eq < 1) {
				throw new IllegalArgumentException("arguments are key=value, but got " + arg);
			}
			args.put(arg.substring(0, eq), arg.substring(eq + 1));
		}
		return args;
	}

	HttpClient http() {
		return this.http;
	}

	static String header() {
		return "| target                   | rate |   sent |     ok | p50 (ms) | p99 (ms) | calls/s | CPU ms/call | of it JIT |\n"
				+ "|--------------------------|-----:|-------:|-------:|---------:|---------:|--------:|-------:|-------:|";
	}

	private static long percentile(long[] sorted, int p) {
		if (sorted.length == 0) {
			return -1;
		}
		int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
		return sorted[Math.max(0, Math.min(index, sorted.length - 1))];
	}

	/**
	 * User plus system CPU ticks of a process, from {@code /proc/PID/stat} (fields 14 and
	 * 15, counted after the command name, which may contain spaces).
	 */
	static long cpuTicks(long pid) {
		if (pid <= 0) {
			return 0;
		}
		try {
			return ticks(Files.readString(Path.of("/proc/" + pid + "/stat")));
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot read the CPU time of process " + pid, ex);
		}
	}

	/**
	 * User plus system CPU ticks of a process's JIT compiler threads
	 * ({@code C1 CompilerThre…} and {@code C2 CompilerThre…} in
	 * {@code /proc/PID/task/TID/stat}), so a table can show how much of a phase's CPU was
	 * compilation still going on rather than the calls themselves. A thread that ends
	 * during the phase takes its ticks with it, so this is a lower bound.
	 */
	static long jitTicks(long pid) {
		if (pid <= 0) {
			return 0;
		}
		long ticks = 0;
		try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
			for (Path task : (Iterable<Path>) tasks::iterator) {
				try {
					String stat = Files.readString(task.resolve("stat"));
					if (stat.contains("(C1 CompilerThre") || stat.contains("(C2 CompilerThre")) {
						ticks += ticks(stat);
					}
				}
				catch (IOException ex) {
					// the thread ended between the listing and the read
				}
			}
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot read the threads of process " + pid, ex);
		}
		return ticks;
	}

	private static long ticks(String stat) {
		// fields 14 and 15, counted after the command name, which may contain spaces
		String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
		return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
	}

}
