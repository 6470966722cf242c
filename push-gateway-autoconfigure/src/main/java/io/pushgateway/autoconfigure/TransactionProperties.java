package io.pushgateway.autoconfigure;

/**
 * How pushes relate to Spring-managed transactions, under
 * {@code push.gateway.transactions}.
 *
 * @author Push Gateway team
 */
public class TransactionProperties {

	/**
	 * Whether a push issued inside a Spring-managed transaction (@Transactional,
	 * TransactionTemplate) is sent after the transaction commits and never after a
	 * rollback. PushOperations#immediately() opts out for one call.
	 */
	private boolean enabled = true;

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

}
