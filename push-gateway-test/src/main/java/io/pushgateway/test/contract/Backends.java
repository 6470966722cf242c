package io.pushgateway.test.contract;

import java.util.ArrayDeque;
import java.util.Deque;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.Lifecycle;

/**
 * What the contract suites do with the backends a test creates, as the application
 * context would with the beans: start a {@link Lifecycle} that is not running, and after
 * the test stop it and destroy a {@link DisposableBean}, the last created first.
 *
 * @author Push Gateway team
 */
final class Backends {

	private final Deque<DisposableBean> stops = new ArrayDeque<>();

	<T> T start(T backend) {
		if (backend instanceof DisposableBean disposable) {
			this.stops.push(disposable);
		}
		if (backend instanceof Lifecycle lifecycle) {
			if (!lifecycle.isRunning()) {
				lifecycle.start();
			}
			// stopped before it is destroyed
			this.stops.push(() -> {
				if (lifecycle.isRunning()) {
					lifecycle.stop();
				}
			});
		}
		return backend;
	}

	void stopAll() throws Exception {
		Exception failure = null;
		while (!this.stops.isEmpty()) {
			try {
				this.stops.pop().destroy();
			}
			catch (Exception ex) {
				if (failure == null) {
					failure = ex;
				}
				else {
					failure.addSuppressed(ex);
				}
			}
		}
		if (failure != null) {
			throw failure;
		}
	}

}
