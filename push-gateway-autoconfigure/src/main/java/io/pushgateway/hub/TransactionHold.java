package io.pushgateway.hub;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

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
	 * Run a task once the transaction committed; at once if it has, never if the push
	 * will not be sent.
	 * @param task the task
	 */
	void afterCommit(Runnable task) {
		synchronized (this) {
			if (this.committed == null) {
				this.onCommit.add(task);
				return;
			}
			if (!this.committed) {
				return;
			}
		}
		task.run();
	}

	/**
	 * Run a task if the push is not sent: the transaction rolled back (or back to a
	 * savepoint set before the push), or the push failed when it was issued after the
	 * commit.
	 * @param task the task
	 */
	void ifNotSent(Runnable task) {
		synchronized (this) {
			if (this.committed == null || this.committed) {
				this.onRollback.add(task);
				return;
			}
		}
		task.run();
	}

	/**
	 * The push failed when it was issued after the commit: what undoes its preparation
	 * runs.
	 */
	void notSent() {
		ended(false);
	}

	private void ended(boolean committed) {
		List<Runnable> tasks;
		synchronized (this) {
			if (this.committed == Boolean.FALSE || (committed && this.committed != null)) {
				return;
			}
			this.committed = committed;
			tasks = new ArrayList<>(committed ? this.onCommit : this.onRollback);
			this.onCommit.clear();
			if (!committed) {
				this.onRollback.clear();
			}
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

				/*
				 * The savepoints set after this push was issued: a rollback to one drops
				 * it.
				 */
				private final Set<Object> setAfter = new HashSet<>();

				@Override
				public void savepoint(Object savepoint) {
					// told of the savepoints set while it is registered, that is after
					// the push
					this.setAfter.add(savepoint);
				}

				@Override
				public void savepointRollback(Object savepoint) {
					if (!this.setAfter.contains(savepoint)) {
						// the savepoint was set before the push: the push is rolled back
						hold.ended(false);
					}
				}

				@Override
				public void afterCompletion(int status) {
					hold.ended(status == STATUS_COMMITTED);
				}

			});
			return hold;
		}

	}

}
