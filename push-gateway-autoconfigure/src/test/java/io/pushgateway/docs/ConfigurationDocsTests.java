package io.pushgateway.docs;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The property table in {@code docs/configuration.md} is the configuration metadata the
 * build generates: every {@code push.gateway.*} property with its default and
 * description, nothing else. On a mismatch the expected table is in the failure message,
 * ready to paste.
 *
 * @author Push Gateway team
 */
class ConfigurationDocsTests {

	@Test
	void configurationTableMatchesTheGeneratedMetadata() throws Exception {
		JsonNode metadata;
		try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
			metadata = new JsonMapper().readTree(in);
		}
		List<JsonNode> properties = new ArrayList<>();
		metadata.get("properties").forEach(properties::add);
		List<String> expected = properties.stream()
			.filter((property) -> property.get("name").asString().startsWith("push.gateway."))
			.sorted(Comparator.comparing((JsonNode property) -> property.get("name").asString()))
			.map(ConfigurationDocsTests::row)
			.toList();
		Path doc = Path.of("..", "docs", "configuration.md");
		List<String> documented = Files.readAllLines(doc)
			.stream()
			.filter((line) -> line.startsWith("| `push.gateway."))
			.toList();
		assertThat(documented).as("property rows of %s; expected:%n%s", doc, String.join("\n", expected))
			.isEqualTo(expected);
	}

	private static String row(JsonNode property) {
		JsonNode value = property.get("defaultValue");
		String defaultValue = "";
		if (value != null && value.isArray()) {
			List<String> items = new ArrayList<>();
			value.forEach((item) -> items.add(item.asString()));
			defaultValue = String.join(",", items);
		}
		else if (value != null) {
			defaultValue = value.asString();
		}
		JsonNode description = property.get("description");
		return "| `" + property.get("name").asString() + "` | "
				+ (defaultValue.isEmpty() ? "" : "`" + defaultValue + "`") + " | "
				+ ((description != null) ? description.asString() : "") + " |";
	}

}
