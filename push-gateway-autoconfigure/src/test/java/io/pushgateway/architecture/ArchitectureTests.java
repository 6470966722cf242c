package io.pushgateway.architecture;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.syntax.ArchRuleDefinition;
import com.tngtech.archunit.library.dependencies.SlicesRuleDefinition;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The library's structure, checked by the build as Spring Boot's own build checks package
 * tangles: dependencies between packages point one way, and the application-facing API
 * ({@code core}) depends on no other gateway package, and each package uses exactly the
 * packages its row of the table in {@code docs/architecture.md} names: the doc is the
 * rule, so it cannot drift from the code.
 *
 * @author Push Gateway team
 */
class ArchitectureTests {

	private static final JavaClasses LIBRARY = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages("io.pushgateway");

	private static final String PREFIX = "io.pushgateway.";

	@Test
	void eachPackageUsesExactlyThePackagesDocsArchitectureNames() throws IOException {
		Map<String, Set<String>> documented = documentedDependencies();
		Map<String, Set<String>> actual = new TreeMap<>();
		for (JavaClass type : LIBRARY) {
			String from = type.getPackageName();
			if (!from.startsWith(PREFIX)) {
				continue;
			}
			Set<String> uses = actual.computeIfAbsent(from.substring(PREFIX.length()), (name) -> new TreeSet<>());
			for (Dependency dependency : type.getDirectDependenciesFromSelf()) {
				String to = dependency.getTargetClass().getPackageName();
				if (to.startsWith(PREFIX) && !to.equals(from)) {
					uses.add(to.substring(PREFIX.length()));
				}
			}
		}
		assertThat(documented.keySet()).as("the packages of docs/architecture.md's table")
			.containsExactlyInAnyOrderElementsOf(actual.keySet());
		actual.forEach((name, uses) -> {
			Set<String> allowed = documented.get(name);
			if (allowed.contains("every other package")) {
				return;
			}
			assertThat(uses).as("what %s uses (docs/architecture.md's row for it)", name)
				.containsExactlyInAnyOrderElementsOf(allowed);
		});
	}

	@Test
	void theDrawingOfDocsArchitectureLayersThePackagesOfItsTable() throws IOException {
		Map<String, Set<String>> documented = documentedDependencies();
		Map<String, Integer> lines = drawnLayers();
		assertThat(lines.keySet()).as("the packages drawn in docs/architecture.md")
			.containsExactlyInAnyOrderElementsOf(documented.keySet());
		documented.forEach((name, uses) -> uses.stream()
			.filter(lines::containsKey)
			.forEach((used) -> assertThat(lines.get(used))
				.as("%s uses %s, so the drawing puts %s on a line below it", name, used, used)
				.isGreaterThan(lines.get(name))));
	}

	/*
	 * The drawing under "## Packages": a line a layer, packages separated by " · ", a
	 * parenthetical or a description (after two spaces) ignored. Each package's line
	 * number, from the top.
	 */
	private static Map<String, Integer> drawnLayers() throws IOException {
		String doc = Files.readString(Path.of("../docs/architecture.md"));
		String section = doc.substring(doc.indexOf("## Packages"));
		int start = section.indexOf("```\n") + 4;
		String drawing = section.substring(start, section.indexOf("```", start));
		Map<String, Integer> lines = new TreeMap<>();
		String[] layers = drawing.strip().split("\n");
		for (int line = 0; line < layers.length; line++) {
			String names = layers[line].strip().split("\\s{2,}")[0];
			for (String drawn : names.split(" · ")) {
				String name = drawn.replaceAll("\\s*\\(.*?\\)", "").strip();
				assertThat(lines.put(name, line)).as("%s drawn once", name).isNull();
			}
		}
		return lines;
	}

	/* The rows between the table's markers: `package` | `a`, `b` */
	private static Map<String, Set<String>> documentedDependencies() throws IOException {
		String doc = Files.readString(Path.of("../docs/architecture.md"));
		String table = doc.substring(doc.indexOf("<!-- package dependencies"),
				doc.indexOf("<!-- end of package dependencies -->"));
		Map<String, Set<String>> rows = new TreeMap<>();
		for (String line : table.split("\n")) {
			String[] cells = line.split("\\|");
			if (cells.length < 2 || !cells[1].trim().startsWith("`")) {
				continue;
			}
			Set<String> uses = new TreeSet<>();
			if (cells.length > 2) {
				for (String used : cells[2].split(",")) {
					String value = used.trim().replace("`", "");
					if (!value.isEmpty()) {
						uses.add(value);
					}
				}
			}
			rows.put(cells[1].trim().replace("`", ""), uses);
		}
		return rows;
	}

	@Test
	void packagesAreFreeOfCycles() {
		SlicesRuleDefinition.slices().matching("io.pushgateway.(**)").should().beFreeOfCycles().check(LIBRARY);
	}

	@Test
	void theApiDependsOnNoOtherGatewayPackage() {
		ArchRuleDefinition.noClasses()
			.that()
			.resideInAPackage("io.pushgateway.core..")
			.should()
			.dependOnClassesThat(JavaClass.Predicates.resideInAPackage("io.pushgateway..")
				.and(JavaClass.Predicates.resideOutsideOfPackage("io.pushgateway.core..")))
			.check(LIBRARY);
	}

	@Test
	void theSpiDependsOnTheApiOnly() {
		ArchRuleDefinition.noClasses()
			.that()
			.resideInAPackage("io.pushgateway.spi..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("io.pushgateway.hub..", "io.pushgateway.transport..", "io.pushgateway.cluster..",
					"io.pushgateway.registry..", "io.pushgateway.codec..", "io.pushgateway.metrics..",
					"io.pushgateway.autoconfigure..", "io.pushgateway.http..", "io.pushgateway.actuate..")
			.check(LIBRARY);
	}

	@Test
	void backendImplementationsKnowTheSpiNotTheEngine() {
		ArchRuleDefinition.noClasses()
			.that()
			.resideInAnyPackage("io.pushgateway.registry..", "io.pushgateway.cluster..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("io.pushgateway.hub..", "io.pushgateway.transport..")
			.check(LIBRARY);
	}

	@Test
	void onlyTheAutoConfigurationKnowsSpringBootsAutoConfiguration() {
		ArchRuleDefinition.noClasses()
			.that()
			.resideOutsideOfPackage("io.pushgateway.autoconfigure..")
			.should()
			.dependOnClassesThat()
			.resideInAPackage("io.pushgateway.autoconfigure..")
			.check(LIBRARY);
	}

}
