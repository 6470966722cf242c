package io.pushgateway.adoption;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What this module's build deployed, as a repository manager would receive it: the BOM at
 * the project's version managing every published module, and each jar with its sources
 * and Javadoc.
 *
 * @author Push Gateway team
 */
class PublishedArtifactsTests {

	private static final List<String> PUBLISHED = List.of("push-gateway-autoconfigure",
			"push-gateway-spring-boot-starter", "push-gateway-test");

	private final Path root = Paths.get(System.getProperty("adoption.root"));

	private final Path repository = Paths.get(System.getProperty("adoption.repository"));

	private final String version = System.getProperty("adoption.version");

	@Test
	void theBomManagesEveryPublishedModuleAtTheProjectsVersion() throws Exception {
		Document bom = read(this.root.resolve("push-gateway-bom/pom.xml"));
		assertThat(text(bom.getDocumentElement(), "version")).isEqualTo(this.version);
		assertThat(bom.getElementsByTagName("parent").getLength())
			.as("a BOM without a parent brings no other dependency management")
			.isZero();
		Map<String, String> managed = new LinkedHashMap<>();
		NodeList dependencies = bom.getElementsByTagName("dependency");
		for (int i = 0; i < dependencies.getLength(); i++) {
			Element dependency = (Element) dependencies.item(i);
			assertThat(text(dependency, "groupId")).isEqualTo("io.pushgateway");
			managed.put(text(dependency, "artifactId"), text(dependency, "version"));
		}
		assertThat(managed.keySet()).containsExactlyInAnyOrderElementsOf(PUBLISHED);
		assertThat(managed.values()).containsOnly(this.version);
	}

	@Test
	void everyPublishedJarHasItsSourcesAndJavadocBesideIt() throws Exception {
		for (String module : List.of("push-gateway-autoconfigure", "push-gateway-test")) {
			assertThat(deployed(module)).as(module)
				.anyMatch((name) -> name.endsWith("-sources.jar"))
				.anyMatch((name) -> name.endsWith("-javadoc.jar"))
				.anyMatch((name) -> name.matches(".*-\\d+\\.jar"))
				.anyMatch((name) -> name.endsWith(".pom"));
		}
		assertThat(deployed("push-gateway-spring-boot-starter")).anyMatch((name) -> name.endsWith(".pom"));
		assertThat(deployed("push-gateway-bom")).anyMatch((name) -> name.endsWith(".pom"));
		assertThat(deployed("push-gateway-parent")).anyMatch((name) -> name.endsWith(".pom"));
	}

	private List<String> deployed(String artifact) throws Exception {
		Path directory = this.repository.resolve("io/pushgateway").resolve(artifact).resolve(this.version);
		try (Stream<Path> files = Files.list(directory)) {
			return files.map((file) -> file.getFileName().toString()).toList();
		}
	}

	private static Document read(Path pom) throws Exception {
		return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile());
	}

	/* The text of a direct child element. */
	private static String text(Element parent, String name) {
		NodeList children = parent.getChildNodes();
		for (int i = 0; i < children.getLength(); i++) {
			if (children.item(i) instanceof Element child && child.getTagName().equals(name)) {
				return child.getTextContent().trim();
			}
		}
		throw new AssertionError("no <" + name + "> in <" + parent.getTagName() + ">");
	}

}
