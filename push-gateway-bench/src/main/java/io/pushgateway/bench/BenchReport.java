package io.pushgateway.bench;

/**
 * Runs every scenario against every server and rewrites the results in
 * {@code docs/performance.md}.
 *
 * @author Push Gateway team
 */
final class BenchReport {

	private final Bench bench;

	private final Args args;

	BenchReport(Bench bench, Args args) {
		this.bench = bench;
		this.args = args;
	}

	void runAll() throws Exception {
		for (String target : new String[] { "gateway", "netty", "socketio" }) {
			for (String scenario : new String[] { "idle", "ramp", "broadcast" }) {
				System.out.println(this.bench.run(scenario, target));
			}
		}
	}

}
