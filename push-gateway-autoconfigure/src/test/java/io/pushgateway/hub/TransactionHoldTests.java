package io.pushgateway.hub;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.util.context.Context;

import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.embedded.EmbeddedDatabase;
import org.springframework.jdbc.datasource.embedded.EmbeddedDatabaseBuilder;
import org.springframework.jdbc.datasource.embedded.EmbeddedDatabaseType;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What waits for a transaction's end, with a real transaction manager.
 *
 * @author Push Gateway team
 */
class TransactionHoldTests {

	private final EmbeddedDatabase database = new EmbeddedDatabaseBuilder().setType(EmbeddedDatabaseType.H2)
		.generateUniqueName(true)
		.build();

	private final DataSourceTransactionManager manager = new DataSourceTransactionManager(this.database);

	private final TransactionTemplate transactions = new TransactionTemplate(this.manager);

	private final List<String> ran = new ArrayList<>();

	@AfterEach
	void shutdown() {
		this.database.shutdown();
	}

	@Test
	void outsideATransactionNothingWaits() {
		assertThat(TransactionHold.of(Context.empty(), true)).isNull();
	}

	@Test
	void commitRunsWhatWaitedForItInOrderAndARollbackWhatUndoesIt() {
		TransactionHold[] hold = new TransactionHold[1];
		this.transactions.executeWithoutResult((status) -> {
			hold[0] = TransactionHold.of(Context.empty(), true);
			hold[0].afterCommit(() -> this.ran.add("first"));
			hold[0].afterCommit(() -> this.ran.add("second"));
			hold[0].ifNotSent(() -> this.ran.add("undone"));
			assertThat(this.ran).as("nothing before the commit").isEmpty();
		});
		assertThat(this.ran).containsExactly("first", "second");
		hold[0].afterCommit(() -> this.ran.add("late"));
		hold[0].ifNotSent(() -> this.ran.add("late undo"));
		assertThat(this.ran).as("added after the commit: run at once").containsExactly("first", "second", "late");
	}

	@Test
	void aRollbackDropsWhatWaitedForTheCommit() {
		TransactionHold[] hold = new TransactionHold[1];
		this.transactions.executeWithoutResult((status) -> {
			hold[0] = TransactionHold.of(Context.empty(), true);
			hold[0].afterCommit(() -> this.ran.add("pushed"));
			hold[0].ifNotSent(() -> this.ran.add("undone"));
			status.setRollbackOnly();
		});
		hold[0].afterCommit(() -> this.ran.add("late push"));
		hold[0].ifNotSent(() -> this.ran.add("late undo"));
		assertThat(this.ran).containsExactly("undone", "late undo");
	}

	@Test
	void aPushThatFailsAfterTheCommitUndoesItsPreparation() {
		TransactionHold[] hold = new TransactionHold[1];
		this.transactions.executeWithoutResult((status) -> {
			hold[0] = TransactionHold.of(Context.empty(), true);
			hold[0].ifNotSent(() -> this.ran.add("key released"));
		});
		assertThat(this.ran).isEmpty();
		hold[0].notSent();
		hold[0].notSent();
		assertThat(this.ran).containsExactly("key released");
	}

	@Test
	void aRollbackToASavepointSetBeforeThePushDropsItAndNothingElse() {
		TransactionTemplate nested = new TransactionTemplate(this.manager);
		nested.setPropagationBehavior(TransactionDefinition.PROPAGATION_NESTED);
		this.transactions.executeWithoutResult((status) -> {
			TransactionHold.of(Context.empty(), true).afterCommit(() -> this.ran.add("before the savepoint"));
			nested.executeWithoutResult((inner) -> {
				TransactionHold hold = TransactionHold.of(Context.empty(), true);
				hold.afterCommit(() -> this.ran.add("rolled back"));
				hold.ifNotSent(() -> this.ran.add("undone"));
				inner.setRollbackOnly();
			});
			nested.executeWithoutResult((inner) -> TransactionHold.of(Context.empty(), true)
				.afterCommit(() -> this.ran.add("in a savepoint released")));
		});
		assertThat(this.ran).containsExactly("undone", "before the savepoint", "in a savepoint released");
	}

	@Test
	void immediatePushesAndUnboundTemplatesDoNotWait() {
		this.transactions.executeWithoutResult((status) -> {
			assertThat(TransactionHold.of(Context.of(TransactionHold.KEY, TransactionHold.IMMEDIATE), true)).isNull();
			assertThat(TransactionHold.of(Context.empty(), false)).isNull();
			TransactionHold chosen = TransactionHold.of(Context.empty(), true);
			assertThat(TransactionHold.of(Context.of(TransactionHold.KEY, chosen), false)).isSameAs(chosen);
		});
	}

}
