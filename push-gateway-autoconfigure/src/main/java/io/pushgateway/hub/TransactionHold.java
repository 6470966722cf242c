package io.pushgateway.hub;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;
import reactor.util.context.ContextView;

import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.util.ClassUtils;

/**
 * What waits for the end of the Spring-managed transaction a push was issued in: the
 * push, sent once the transaction committed, and what undoes its preparation (an
 * idempotency key) if it rolled back. Only thread-bound transactions count
 * ({@code @Transactional}, {@code TransactionTemplate}), as for Spring's
 * {@code @TransactionalEventListener}; an outcome Spring reports as unknown is taken as a
 * rollback. A task added after the end runs (or is dropped) at once.
 *
 * @author Push Gateway team
 */
final class TransactionHold {

	private static final boolean TRANSACTIONS_PRESENT = ClassUtils.isPresent(
			"org.springframework.transaction.support.TransactionSynchronizationManager",
			TransactionHold.class.getClassLoader());

	/**
	 * The Reactor context key of the hold a push belongs to, chosen where it was issued;
	 * {@link #IMMEDIATE} when it must not wait.
	 */
	static final Class<TransactionHold> KEY = TransactionHold.class;

	/** The pushes issued through {@code PushOperations#immediately()}. */
	static final TransactionHold IMMEDIATE = new TransactionHold();

	private final List<Runnable> onCommit = new ArrayList<>(1);

	private final List<Runnable> onRollback = new ArrayList<>(1);

	/* null while the transaction runs */
	private @Nullable Boolean committed;

	/**
	 * The hold a push issued here belongs to.
	 * @param context the push's subscriber context
	 * @param bound whether pushes wait for transactions at all
	 * @return the hold, or {@code null} when the push goes out now
	 */
	static @Nullable TransactionHold of(ContextView context, boolean bound) {
		TransactionHold chosen = context.getOrDefault(KEY, null);
		if (chosen != null) {
			return (chosen != IMMEDIATE) ? chosen : null;
		}
		return (bound && TRANSACTIONS_PRESENT) ? Synchronization.current() : null;
	}

	/**
	 * Run a task once the transaction committed.
	 * @param task the task
	 */
	void afterCommit(Runnable task) {
		if (whenEnded(task, this.onCommit)) {
			task.run();
		}
	}

	/**
	 * Run a task if the transaction rolled back.
	 * @param task the task
	 */
	void afterRollback(Runnable task) {
		if (whenEnded(task, this.onRollback) && this.committed == Boolean.FALSE) {
			task.run();
		}
	}

	/* Queues the task while the transaction runs; otherwise says whether it committed. */
	private synchronized boolean whenEnded(Runnable task, List<Runnable> tasks) {
		if (this.committed == null) {
			tasks.add(task);
			return false;
		}
		return tasks == this.onRollback || this.committed;
	}

	private void ended(boolean committed) {
		List<Runnable> tasks;
		synchronized (this) {
			this.committed = committed;
			tasks = new ArrayList<>(committed ? this.onCommit : this.onRollback);
			this.onCommit.clear();
			this.onRollback.clear();
		}
		tasks.forEach(Runnable::run);
	}

	/* Loaded only when spring-tx is present. */
	private static final class Synchronization {

		static @Nullable TransactionHold current() {
			if (!TransactionSynchronizationManager.isSynchronizationActive()
					|| !TransactionSynchronizationManager.isActualTransactionActive()) {
				return null;
			}
			TransactionHold hold = new TransactionHold();
			TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {

				@Override
				public void afterCompletion(int status) {
					hold.ended(status == STATUS_COMMITTED);
				}

			});
			return hold;
		}

	}

}
