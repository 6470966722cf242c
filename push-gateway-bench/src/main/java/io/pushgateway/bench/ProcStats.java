package io.pushgateway.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * What Linux accounts for a process: resident memory ({@code VmRSS} in
 * {@code /proc/<pid>/status}) and CPU time (user plus system clock ticks in
 * {@code /proc/<pid>/stat}), and for the machine ({@code /proc/stat}). Read from outside,
 * so it measures every server the same way whatever its runtime.
 *
 * @author Push Gateway team
 */
final class ProcStats {

	/** {@code sysconf(_SC_CLK_TCK)}: 100 on every Linux this runs on. */
	private static final long NANOS_PER_TICK = 10_000_000L;

	private ProcStats() {
	}

	/**
	 * Resident memory.
	 * @param pid the process
	 * @return bytes
	 */
	static long rssBytes(long pid) {
		try {
			for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
				if (line.startsWith("VmRSS:")) {
					return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
				}
			}
			throw new IllegalStateException("no VmRSS for " + pid);
		}
		catch (IOException ex) {
			throw new IllegalStateException("process " + pid + " is gone", ex);
		}
	}

	/**
	 * The machine's CPU time so far, all cores, and the idle part of it
	 * ({@code /proc/stat}).
	 * @return clock ticks: total and idle
	 */
	static long[] machineTicks() {
		try {
			String[] cpu = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
			long total = 0;
			for (int i = 1; i < cpu.length && i <= 8; i++) {
				total += Long.parseLong(cpu[i]);
			}
			// idle and waiting for I/O
			return new long[] { total, Long.parseLong(cpu[4]) + Long.parseLong(cpu[5]) };
		}
		catch (IOException ex) {
			throw new IllegalStateException("no /proc/stat", ex);
		}
	}

	/**
	 * CPU time used so far, user plus system.
	 * @param pid the process
	 * @return nanoseconds, at clock-tick (10 ms) resolution
	 */
	static long cpuNanos(long pid) {
		try {
			return ticks(Files.readString(Path.of("/proc", Long.toString(pid), "stat"))) * NANOS_PER_TICK;
		}
		catch (IOException ex) {
			throw new IllegalStateException("process " + pid + " is gone", ex);
		}
	}

	/**
	 * CPU time used so far by the JIT compiler's threads ({@code C1 CompilerThread} and
	 * {@code C2 CompilerThread}): what a handshake measured on a JVM still compiling its
	 * path costs beside the handshake itself.
	 * @param pid the process
	 * @return nanoseconds, at clock-tick (10 ms) resolution; 0 for a process without such
	 * threads (Node)
	 */
	static long compilerCpuNanos(long pid) {
		long compiling = 0;
		try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
			for (Path task : tasks.toList()) {
				String stat;
				try {
					stat = Files.readString(task.resolve("stat"));
				}
				catch (IOException ex) {
					continue; // the thread ended meanwhile
				}
				String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
				if (name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler")) {
					compiling += ticks(stat);
				}
			}
		}
		catch (IOException ex) {
			throw new IllegalStateException("process " + pid + " is gone", ex);
		}
		return compiling * NANOS_PER_TICK;
	}

	/*
	 * User plus system clock ticks of a process's or a thread's stat line. The command
	 * name may contain spaces; fields count from after its closing ')'.
	 */
	private static long ticks(String stat) {
		String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
		return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
	}

	/**
	 * Open file descriptors.
	 * @param pid the process
	 * @return the count
	 */
	static long openFiles(long pid) {
		try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
			return fds.count();
		}
		catch (IOException ex) {
			throw new IllegalStateException("process " + pid + " is gone", ex);
		}
	}

}
