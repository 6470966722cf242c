package io.pushgateway.autoconfigure;

import java.util.ArrayList;
import java.util.List;

import io.pushgateway.core.SlowConsumerPolicy;

/**
 * What pushes do to a WebSocket connection that reads too slowly, by event name, under
 * {@code push.gateway.slow-consumer}.
 *
 * @author Push Gateway team
 */
public class SlowConsumerProperties {

	/**
	 * Policy of the pushes no rule matches: 'close' (the connection is closed with 4002
	 * when its queue is full), 'drop-oldest' or 'conflate'.
	 */
	private SlowConsumerPolicy defaultPolicy = SlowConsumerPolicy.CLOSE;

	/**
	 * Rules, each event name patterns ('*' wildcards) and a policy; the first rule that
	 * matches a push's event decides.
	 */
	private List<Rule> rules = new ArrayList<>();

	public SlowConsumerPolicy getDefaultPolicy() {
		return this.defaultPolicy;
	}

	public void setDefaultPolicy(SlowConsumerPolicy defaultPolicy) {
		this.defaultPolicy = defaultPolicy;
	}

	public List<Rule> getRules() {
		return this.rules;
	}

	public void setRules(List<Rule> rules) {
		this.rules = rules;
	}

	/**
	 * Event name patterns and their policy.
	 */
	public static class Rule {

		/**
		 * Event name patterns, '*' matching any run of characters.
		 */
		private List<String> events = new ArrayList<>();

		/**
		 * Policy of the matching pushes.
		 */
		private SlowConsumerPolicy policy = SlowConsumerPolicy.CLOSE;

		public List<String> getEvents() {
			return this.events;
		}

		public void setEvents(List<String> events) {
			this.events = events;
		}

		public SlowConsumerPolicy getPolicy() {
			return this.policy;
		}

		public void setPolicy(SlowConsumerPolicy policy) {
			this.policy = policy;
		}

	}

}
