package io.pushgateway.hub;

import java.util.List;

import io.pushgateway.core.SlowConsumerPolicy;

import org.springframework.util.PatternMatchUtils;

/**
 * The {@link SlowConsumerPolicy} of each event name: the first rule whose patterns
 * ({@code *} wildcards) match the event decides, otherwise the default. Looked up once
 * per push, not per connection.
 *
 * @author Push Gateway team
 */
public final class SlowConsumerPolicies {

	/** Every push closes a slow connection, as before policies existed. */
	public static final SlowConsumerPolicies CLOSE = new SlowConsumerPolicies(List.of(), SlowConsumerPolicy.CLOSE);

	private final List<Rule> rules;

	private final SlowConsumerPolicy defaultPolicy;

	/**
	 * Create the policies.
	 * @param rules the rules, first match wins
	 * @param defaultPolicy the policy of events no rule matches
	 */
	public SlowConsumerPolicies(List<Rule> rules, SlowConsumerPolicy defaultPolicy) {
		this.rules = List.copyOf(rules);
		this.defaultPolicy = defaultPolicy;
	}

	/**
	 * The policy of an event.
	 * @param event the event name
	 * @return the policy
	 */
	public SlowConsumerPolicy policyOf(String event) {
		for (Rule rule : this.rules) {
			if (PatternMatchUtils.simpleMatch(rule.events(), event)) {
				return rule.policy();
			}
		}
		return this.defaultPolicy;
	}

	/**
	 * Event name patterns and their policy.
	 *
	 * @param events the patterns, {@code *} matching any run of characters
	 * @param policy the policy
	 */
	public record Rule(String[] events, SlowConsumerPolicy policy) {

		public Rule(List<String> events, SlowConsumerPolicy policy) {
			this(events.toArray(new String[0]), policy);
		}

	}

}
