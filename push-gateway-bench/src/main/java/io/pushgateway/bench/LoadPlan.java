package io.pushgateway.bench;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The options of one benchmark invocation and the load they size: how many connections
 * ({@code --connections}, 19,000), over how many {@link LoadWorker} processes
 * ({@code --workers}, by default one per 9,500 connections), and the directory for logs
 * and results ({@code --work-dir}, {@code target/bench}).
 *
 * @param args the command-line options
 * @param workDir where the processes' logs go
 * @param connections the connections a scenario opens unless it asks for fewer
 * @param workers the load generator processes they are spread over
 * @author Push Gateway team
 */
record LoadPlan(Args args, Path workDir, int connections, int workers) {

	static LoadPlan of(Args args) {
		int connections = args.getInt("connections", 19_000);
		return new LoadPlan(args, Path.of(args.get("work-dir", "target/bench")), connections,
				args.getInt("workers", Math.max(1, (connections + 9_499) / 9_500)));
	}

	/* The load generator processes for {@code connections} connections to a server. */
	Workers start(Server server, int connections, int perUser) throws IOException {
		return Workers.start(this.args, server, connections, this.workers, perUser, this.workDir);
	}

	/*
	 * WebSocket connections that leave room for {@code http} HTTP connections within one
	 * server process's 20,000 open files (sockets, jars, epoll and pipe descriptors).
	 */
	int withHttp(int http) {
		return Math.min(this.connections, 18_900 - http);
	}

}
