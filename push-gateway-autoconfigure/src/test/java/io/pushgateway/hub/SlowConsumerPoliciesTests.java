package io.pushgateway.hub;

import java.util.List;

import io.pushgateway.core.SlowConsumerPolicy;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SlowConsumerPoliciesTests {

	private final SlowConsumerPolicies policies = new SlowConsumerPolicies(
			List.of(new SlowConsumerPolicies.Rule(List.of("price.*", "cursor"), SlowConsumerPolicy.CONFLATE),
					new SlowConsumerPolicies.Rule(List.of("*.feed", "price.*"), SlowConsumerPolicy.DROP_OLDEST)),
			SlowConsumerPolicy.CLOSE);

	@Test
	void theFirstMatchingRuleDecides() {
		assertThat(this.policies.policyOf("price.ACME")).isEqualTo(SlowConsumerPolicy.CONFLATE);
		assertThat(this.policies.policyOf("cursor")).isEqualTo(SlowConsumerPolicy.CONFLATE);
		assertThat(this.policies.policyOf("news.feed")).isEqualTo(SlowConsumerPolicy.DROP_OLDEST);
	}

	@Test
	void eventsNoRuleMatchesGetTheDefault() {
		assertThat(this.policies.policyOf("cursor.moved")).isEqualTo(SlowConsumerPolicy.CLOSE);
		assertThat(SlowConsumerPolicies.CLOSE.policyOf("anything")).isEqualTo(SlowConsumerPolicy.CLOSE);
	}

}
