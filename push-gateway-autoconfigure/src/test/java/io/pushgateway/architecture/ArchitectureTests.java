package io.pushgateway.architecture;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.syntax.ArchRuleDefinition;
import com.tngtech.archunit.library.dependencies.SlicesRuleDefinition;
import org.junit.jupiter.api.Test;

/**
 * The library's structure, checked by the build as Spring Boot's own build checks package
 * tangles: dependencies between packages point one way, and the application-facing API
 * ({@code core}) depends on no other gateway package. {@code docs/architecture.md} draws
 * the layers these rules keep.
 *
 * @author Push Gateway team
 */
class ArchitectureTests {

	private static final JavaClasses LIBRARY = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages("io.pushgateway");

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
