package io.pushgateway.sample;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.jar.JarInputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.openshift.api.model.monitoring.v1.Endpoint;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import io.pushgateway.autoconfigure.NodeProperties.WorkerIdStrategyType;
import io.pushgateway.autoconfigure.PushGatewayProperties;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.actuate.endpoint.web.WebServerNamespace;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.PropertySourcesPlaceholdersResolver;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.health.actuate.endpoint.AdditionalHealthEndpointPath;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroup;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroups;
import org.springframework.boot.loader.tools.Layer;
import org.springframework.boot.loader.tools.Layers;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.core.io.ClassPathResource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Kubernetes manifests in {@code deploy/kubernetes} and the image of
 * {@code deploy/Dockerfile}, read into typed objects and held against the application
 * they deploy: its configuration metadata, its profiles, the probe paths and the
 * Prometheus endpoint of the running sample (the context the other sample tests share),
 * its shutdown timeouts, the layers Spring Boot's Maven plugin writes into its jar, and
 * the sizing and the steps in {@code docs/operations.md}. No cluster runs here.
 *
 * @author Push Gateway team
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class DeploymentManifestsTests {

	private static final Path DEPLOY = Path.of("..", "deploy");

	private static final Path MANIFESTS = DEPLOY.resolve("kubernetes");

	private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z0-9_]+)(:[^}]*)?}");

	private static final YAMLMapper yaml = YAMLMapper.builder().build();

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final List<KubernetesResource> resources = new ArrayList<>();

	private static final Map<KubernetesResource, Path> sources = new IdentityHashMap<>();

	@LocalServerPort
	int port;

	@Autowired
	HealthEndpointGroups healthGroups;

	private final HttpClient http = HttpClient.newHttpClient();

	@BeforeAll
	static void readManifests() throws IOException {
		resources.clear();
		sources.clear();
		try (Stream<Path> files = Files.list(MANIFESTS)) {
			for (Path file : files.filter((path) -> path.toString().endsWith(".yaml")).sorted().toList()) {
				for (JsonNode document : yaml.readerFor(JsonNode.class).<JsonNode>readValues(file.toFile()).readAll()) {
					if (document != null && document.isObject()) {
						KubernetesResource resource = yaml.treeToValue(document, KubernetesResource.class);
						resources.add(resource);
						sources.put(resource, file);
					}
				}
			}
		}
	}

	@Test
	void everyManifestIsATypedObjectWithOnlyFieldsItsKindHas() {
		assertThat(resources).extracting((resource) -> resource.getClass().getSimpleName())
			.containsExactlyInAnyOrder("ConfigMap", "Service", "Service", "StatefulSet", "PodDisruptionBudget",
					"ServiceMonitor");
		for (KubernetesResource resource : resources) {
			HasMetadata object = (HasMetadata) resource;
			String name = sources.get(resource).getFileName() + ": " + object.getKind() + " "
					+ object.getMetadata().getName();
			assertThat(resource).as(name).isNotInstanceOf(GenericKubernetesResource.class);
			// applied into whichever namespace kubectl is given
			assertThat(object.getMetadata().getNamespace()).as(name).isNull();
			assertNoUnknownFields(resource, name);
		}
	}

	@Test
	void portsOfTheConfigAreTheContainersTheServicesAndTheImages() throws IOException {
		Binder pod = podEnvironment(0);
		int serverPort = pod.bind("server.port", Integer.class).get();
		int managementPort = pod.bind("management.server.port", Integer.class).get();
		assertThat(managementPort).isNotEqualTo(serverPort);
		Container container = container();
		assertThat(containerPort(container, "http")).isEqualTo(serverPort);
		assertThat(containerPort(container, "management")).isEqualTo(managementPort);
		assertThat(container.getPorts()).hasSize(2);

		Service clients = service("push-gateway");
		assertThat(clients.getSpec().getPorts()).singleElement()
			.satisfies((port) -> assertThat(targetPort(container, port)).isEqualTo(serverPort));
		Service nodes = service(statefulSet().getSpec().getServiceName());
		assertThat(nodes.getSpec().getClusterIP()).isEqualTo("None");
		assertThat(nodes.getSpec().getPorts()).extracting((port) -> targetPort(container, port))
			.containsExactlyInAnyOrder(serverPort, managementPort);

		assertThat(dockerfile().stream()
			.filter((line) -> line.startsWith("EXPOSE "))
			.flatMap((line) -> Stream.of(line.substring(7).trim().split("\\s+")))
			.map(Integer::valueOf)
			.toList()).containsExactlyInAnyOrder(serverPort, managementPort);
	}

	@Test
	void probesAskTheApplicationsHealthGroupsOnItsServerPort() throws Exception {
		Container container = container();
		int serverPort = podEnvironment(0).bind("server.port", Integer.class).get();
		Map<String, Probe> probes = new LinkedHashMap<>();
		probes.put("startup", container.getStartupProbe());
		probes.put("liveness", container.getLivenessProbe());
		probes.put("readiness", container.getReadinessProbe());
		for (Map.Entry<String, Probe> probe : probes.entrySet()) {
			String path = probe.getValue().getHttpGet().getPath();
			HealthEndpointGroup group = this.healthGroups
				.get(AdditionalHealthEndpointPath.of(WebServerNamespace.SERVER, path));
			assertThat(group).as("the health group Boot serves at %s on the server port", path).isNotNull();
			HealthEndpointGroup expected = this.healthGroups
				.get(probe.getKey().equals("readiness") ? "readiness" : "liveness");
			assertThat(group.getAdditionalPath()).isEqualTo(expected.getAdditionalPath());
			assertThat(portNumber(container, probe.getValue().getHttpGet().getPort())).as(path).isEqualTo(serverPort);
			HttpResponse<String> response = get(path);
			assertThat(response.statusCode()).as(path).isEqualTo(200);
			assertThat(json.readTree(response.body()).path("status").asString()).as(path).isEqualTo("UP");
		}
		HealthEndpointGroup readiness = this.healthGroups.get("readiness");
		assertThat(readiness.isMember("pushGateway")).as("the drain takes a node out of the Services").isTrue();
		// a Redis or Kafka outage must neither restart nor unlist every node at once
		for (String broker : List.of("pushGatewayBus", "pushGatewayRegistry", "redis")) {
			assertThat(readiness.isMember(broker)).as(broker).isFalse();
			assertThat(this.healthGroups.get("liveness").isMember(broker)).as(broker).isFalse();
		}
		// the jar's probe settings, which the tests run with, hold in the pod as well
		assertThat(configMapProperties().keySet()).noneMatch((key) -> key.startsWith("management.endpoint.health"));
	}

	@Test
	void everyPropertyOfTheConfigMapIsOneTheApplicationKnows() throws IOException {
		Map<String, String> known = configurationMetadata();
		Map<String, Object> config = configMapProperties();
		assertThat(config).containsKeys("server.port", "management.server.port", "push.gateway.node.worker-id-strategy",
				"push.gateway.shutdown.timeout", "spring.lifecycle.timeout-per-shutdown-phase");
		for (String key : config.keySet()) {
			String name = key.replaceAll("\\[\\d+]", "");
			assertThat(known).as("configuration metadata on the classpath").containsKey(name);
			if (name.startsWith("push.gateway.")) {
				assertThat(known.get(name)).as(name).startsWith("io.pushgateway.");
			}
		}
		// every placeholder is a variable the container has
		Set<String> env = new TreeSet<>(container().getEnv().stream().map(EnvVar::getName).toList());
		for (Object value : config.values()) {
			Matcher placeholder = PLACEHOLDER.matcher(String.valueOf(value));
			while (placeholder.find()) {
				assertThat(env).as(String.valueOf(value)).contains(placeholder.group(1));
			}
		}
		// the pod runs the jar's cluster profile and the ConfigMap's file as another one
		String profiles = env(container(), "SPRING_PROFILES_ACTIVE").getValue();
		assertThat(new ClassPathResource("application-cluster.yml").exists()).isTrue();
		assertThat(profiles.split(",")).containsExactly("cluster", configMapProfile());
		String location = env(container(), "SPRING_CONFIG_ADDITIONAL_LOCATION").getValue();
		VolumeMount mount = container().getVolumeMounts()
			.stream()
			.filter((candidate) -> candidate.getName()
				.equals(podSpec().getVolumes()
					.stream()
					.filter((volume) -> volume.getConfigMap() != null)
					.findFirst()
					.orElseThrow()
					.getName()))
			.findFirst()
			.orElseThrow();
		assertThat(location).isEqualTo("optional:file:" + mount.getMountPath() + "/");
		assertThat(podSpec().getVolumes()).anySatisfy(
				(volume) -> assertThat(volume.getConfigMap().getName()).isEqualTo(configMap().getMetadata().getName()));
	}

	@Test
	void eachPodsWorkerIdIsItsOrdinal() throws IOException {
		StatefulSet statefulSet = statefulSet();
		EnvVar podName = env(container(), "POD_NAME");
		assertThat(podName.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.name");
		for (int ordinal = 0; ordinal < statefulSet.getSpec().getReplicas(); ordinal++) {
			PushGatewayProperties properties = podEnvironment(ordinal).bind("push.gateway", PushGatewayProperties.class)
				.get();
			assertThat(properties.getNode().getWorkerIdStrategy()).isEqualTo(WorkerIdStrategyType.POD_ORDINAL);
			// the strategy reads the ordinal at the end of this name
			// (docs/configuration.md)
			assertThat(properties.getNode().getHostname())
				.isEqualTo(statefulSet.getMetadata().getName() + "-" + ordinal);
			assertThat(properties.getNode().getId()).isEqualTo(properties.getNode().getHostname());
		}
		// Docker-link variables such as PUSH_GATEWAY_PORT=tcp://... would reach
		// push.gateway.*
		assertThat(podSpec().getEnableServiceLinks()).isFalse();
	}

	@Test
	void theGracePeriodOutlastsThePreStopSleepTheDrainAndTheWebServersShutdown() throws IOException {
		Binder pod = podEnvironment(0);
		Duration drain = pod.bind("push.gateway", PushGatewayProperties.class).get().getShutdown().getTimeout();
		Duration phase = pod.bind("spring.lifecycle.timeout-per-shutdown-phase", Duration.class).get();
		assertThat(pod.bind("server.shutdown", String.class).get()).isEqualTo("graceful");
		// Boot ends a shutdown phase after its timeout, and the drain is one
		assertThat(drain).isLessThanOrEqualTo(phase);
		List<String> preStop = container().getLifecycle().getPreStop().getExec().getCommand();
		assertThat(preStop).hasSize(2).first().isEqualTo("sleep");
		Duration sleep = Duration.ofSeconds(Long.parseLong(preStop.get(1)));
		assertThat(sleep).isPositive();
		long grace = podSpec().getTerminationGracePeriodSeconds();
		assertThat(Duration.ofSeconds(grace)).isGreaterThan(sleep.plus(drain).plus(phase));
	}

	@Test
	void theStatefulSetTheBudgetAndTheServicesSelectTheSamePods() throws IOException {
		StatefulSet statefulSet = statefulSet();
		assertThat(statefulSet.getSpec().getReplicas()).isEqualTo(3);
		assertThat(statefulSet.getSpec().getPodManagementPolicy()).isEqualTo("Parallel");
		Map<String, String> selector = statefulSet.getSpec().getSelector().getMatchLabels();
		Map<String, String> podLabels = statefulSet.getSpec().getTemplate().getMetadata().getLabels();
		assertThat(podLabels).containsAllEntriesOf(selector);
		PodDisruptionBudget budget = only(PodDisruptionBudget.class);
		assertThat(budget.getSpec().getSelector().getMatchLabels()).isEqualTo(selector);
		assertThat(budget.getSpec().getMaxUnavailable()).isEqualTo(new IntOrString(1));
		for (Service service : all(Service.class)) {
			assertThat(podLabels).containsAllEntriesOf(service.getSpec().getSelector());
		}
		// not root, nothing written outside /tmp
		PodSpec pod = podSpec();
		assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
		assertThat(container().getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
		VolumeMount tmp = container().getVolumeMounts()
			.stream()
			.filter((mount) -> mount.getMountPath().equals("/tmp"))
			.findFirst()
			.orElseThrow();
		assertThat(pod.getVolumes()).anySatisfy((volume) -> {
			assertThat(volume.getName()).isEqualTo(tmp.getName());
			assertThat(volume.getEmptyDir()).isNotNull();
		});
		assertThat(env(container(), "JAVA_TOOL_OPTIONS").getValue()).contains("-XX:MaxRAMPercentage=");
	}

	@Test
	void theServiceMonitorScrapesThePrometheusEndpointOfEveryNodeOnce() throws Exception {
		ServiceMonitor monitor = only(ServiceMonitor.class);
		List<Service> scraped = all(Service.class).stream()
			.filter((service) -> service.getMetadata()
				.getLabels()
				.entrySet()
				.containsAll(monitor.getSpec().getSelector().getMatchLabels().entrySet()))
			.toList();
		assertThat(scraped).as("Services the ServiceMonitor selects").hasSize(1);
		Service service = scraped.get(0);
		Endpoint endpoint = monitor.getSpec().getEndpoints().get(0);
		assertThat(monitor.getSpec().getEndpoints()).hasSize(1);
		ServicePort port = service.getSpec()
			.getPorts()
			.stream()
			.filter((candidate) -> candidate.getName().equals(endpoint.getPort()))
			.findFirst()
			.orElseThrow();
		assertThat(targetPort(container(), port))
			.isEqualTo(podEnvironment(0).bind("management.server.port", Integer.class).get());
		assertThat(endpoint.getPath()).isEqualTo("/actuator/prometheus");
		HttpResponse<String> scrape = get(endpoint.getPath());
		assertThat(scrape.statusCode()).isEqualTo(200);
		assertThat(scrape.body()).contains("push_gateway_connections");
		// the job the alert rules and the dashboard query
		Matcher job = Pattern.compile("job=\"([^\"]+)\"")
			.matcher(Files.readString(Path.of("..", "docs", "ops", "prometheus-alerts.yml")));
		assertThat(job.find()).isTrue();
		assertThat(service.getMetadata().getLabels().get(monitor.getSpec().getJobLabel())).isEqualTo(job.group(1));
	}

	@Test
	void resourcesAreThoseTheCapacityModelInTheDocsSizedForThreeNodes() throws IOException {
		String section = operationsSection();
		Matcher mix = Pattern.compile("nodes of ([0-9.]+) cores and ([0-9.]+) GiB").matcher(section);
		assertThat(mix.find()).as("the capacity model's output in docs/operations.md").isTrue();
		Matcher nodes = Pattern.compile("\\| nodes \\| (\\d+) \\|").matcher(section);
		assertThat(nodes.find()).isTrue();
		Map<String, Quantity> requests = container().getResources().getRequests();
		Map<String, Quantity> limits = container().getResources().getLimits();
		assertThat(requests.get("cpu").getNumericalAmount()).isEqualByComparingTo(mix.group(1));
		assertThat(requests.get("memory").getNumericalAmount())
			.isEqualByComparingTo(Quantity.parse(mix.group(2) + "Gi").getNumericalAmount());
		assertThat(statefulSet().getSpec().getReplicas()).isEqualTo(Integer.parseInt(nodes.group(1)));
		// the heap and everything else in the JVM stay within what the pod may use
		assertThat(limits.get("memory")).isEqualTo(requests.get("memory"));
		assertThat(limits.get("cpu").getNumericalAmount())
			.isGreaterThanOrEqualTo(requests.get("cpu").getNumericalAmount());
	}

	@Test
	void theWalkThroughAppliesEveryManifestInOrder() throws IOException {
		Matcher applied = Pattern.compile("kubectl apply -f (deploy/kubernetes/[\\w.-]+\\.yaml)")
			.matcher(operationsSection());
		List<String> files = new ArrayList<>();
		while (applied.find()) {
			files.add(applied.group(1));
		}
		try (Stream<Path> manifests = Files.list(MANIFESTS)) {
			assertThat(files).containsExactlyElementsOf(
					manifests.map((path) -> "deploy/kubernetes/" + path.getFileName()).sorted().toList());
		}
		assertThat(Files.readString(Path.of("..", "docs", "cluster.md")))
			.contains("operations.md#deploying-on-kubernetes");
	}

	@Test
	void theImageHoldsTheLayersSpringBootsMavenPluginWritesInTheirOrder() throws IOException {
		List<String> dockerfile = dockerfile();
		List<String> stages = dockerfile.stream().filter((line) -> line.startsWith("FROM ")).toList();
		assertThat(stages).hasSize(2);
		Matcher builder = Pattern.compile("FROM (\\S+) AS (\\w+)").matcher(stages.get(0));
		assertThat(builder.matches()).isTrue();
		// a JRE of the Java version the project builds for
		String javaVersion = element(Files.readString(Path.of("..", "pom.xml")), "java.version");
		assertThat(stages)
			.allSatisfy((from) -> assertThat(from).startsWith("FROM eclipse-temurin:" + javaVersion + "-jre"));

		// the jar the sample's build writes, extracted with the launcher, into
		// <WORKDIR>/<destination>
		String pom = Files.readString(Path.of("pom.xml"));
		assertThat(pom).doesNotContain("<layers>");
		assertThat(dockerfile).contains("ARG JAR_FILE=" + element(pom, "finalName") + ".jar");
		String extract = dockerfile.stream().filter((line) -> line.startsWith("RUN ")).findFirst().orElseThrow();
		List<String> arguments = List.of(extract.substring(4).trim().split("\\s+"));
		assertThat(arguments).containsSubsequence("java", "-Djarmode=tools", "-jar", "application.jar", "extract",
				"--layers", "--launcher", "--destination");
		String workdir = dockerfile.subList(dockerfile.indexOf(stages.get(0)), dockerfile.indexOf(stages.get(1)))
			.stream()
			.filter((line) -> line.startsWith("WORKDIR "))
			.findFirst()
			.orElseThrow()
			.substring(8);
		String extracted = workdir + "/" + arguments.get(arguments.indexOf("--destination") + 1) + "/";

		Pattern copy = Pattern
			.compile("COPY --from=" + builder.group(2) + " " + Pattern.quote(extracted) + "([\\w-]+)/ \\./");
		List<String> copied = new ArrayList<>();
		for (String line : dockerfile) {
			Matcher layer = copy.matcher(line);
			if (layer.matches()) {
				copied.add(layer.group(1));
			}
		}
		assertThat(copied).containsExactlyElementsOf(implicitLayers());

		// the launcher that the spring-boot-loader layer holds, as a user the pod accepts
		String entrypoint = dockerfile.stream()
			.filter((line) -> line.startsWith("ENTRYPOINT "))
			.findFirst()
			.orElseThrow();
		List<String> command = json.readerForListOf(String.class).readValue(entrypoint.substring(11));
		assertThat(command).hasSize(2).first().isEqualTo("java");
		assertThat(loaderClasses()).contains(command.get(1).replace('.', '/') + ".class");
		String user = dockerfile.stream().filter((line) -> line.startsWith("USER ")).findFirst().orElseThrow();
		assertThat(user.substring(5).split(":")[0])
			.isEqualTo(String.valueOf(podSpec().getSecurityContext().getRunAsUser()));
		assertThat(podSpec().getSecurityContext().getRunAsUser()).isPositive();
	}

	@Test
	void theSampleJarHasTheLayersTheImageCopies() throws IOException {
		Path jar = Path.of("target", element(Files.readString(Path.of("pom.xml")), "finalName") + ".jar");
		// the test phase runs before the jar is packaged: a build from a clean tree has
		// none yet
		Assumptions.assumeTrue(Files.exists(jar), "no packaged sample jar yet");
		try (JarFile file = new JarFile(jar.toFile())) {
			ZipEntry index = file.getEntry("BOOT-INF/layers.idx");
			assertThat(index).isNotNull();
			String layers = new String(file.getInputStream(index).readAllBytes(), StandardCharsets.UTF_8);
			List<String> names = new ArrayList<>();
			Matcher layer = Pattern.compile("(?m)^- \"([^\"]+)\":$").matcher(layers);
			while (layer.find()) {
				names.add(layer.group(1));
			}
			assertThat(names).containsExactlyElementsOf(implicitLayers());
			String entrypoint = dockerfile().stream()
				.filter((line) -> line.startsWith("ENTRYPOINT "))
				.findFirst()
				.orElseThrow();
			assertThat(entrypoint)
				.contains("\"" + file.getManifest().getMainAttributes().getValue("Main-Class") + "\"");
		}
	}

	private static List<String> implicitLayers() {
		List<String> names = new ArrayList<>();
		for (Layer layer : Layers.IMPLICIT) {
			names.add(layer.toString());
		}
		assertThat(names).isNotEmpty();
		return names;
	}

	private static Set<String> loaderClasses() throws IOException {
		Set<String> names = new TreeSet<>();
		try (InputStream loader = new ClassPathResource("META-INF/loader/spring-boot-loader.jar").getInputStream();
				JarInputStream entries = new JarInputStream(loader)) {
			for (ZipEntry entry = entries.getNextEntry(); entry != null; entry = entries.getNextEntry()) {
				names.add(entry.getName());
			}
		}
		return names;
	}

	/**
	 * The pod's view of its configuration: the container's environment (a pod name for
	 * the downward API, stand-ins for the Secret's values), then the ConfigMap's file,
	 * then the jar's cluster profile and its {@code application.yml}, in Spring Boot's
	 * order.
	 * @param ordinal the pod's ordinal
	 * @return a binder over them, placeholders resolved
	 */
	private Binder podEnvironment(int ordinal) throws IOException {
		MutablePropertySources sources = new MutablePropertySources();
		Map<String, Object> env = new LinkedHashMap<>();
		for (EnvVar variable : container().getEnv()) {
			if (variable.getValue() != null) {
				env.put(variable.getName(), variable.getValue());
			}
			else if (variable.getValueFrom().getFieldRef() != null) {
				assertThat(variable.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.name");
				env.put(variable.getName(), statefulSet().getMetadata().getName() + "-" + ordinal);
			}
			else {
				env.put(variable.getName(), "from-secret-" + variable.getValueFrom().getSecretKeyRef().getKey());
			}
		}
		sources.addLast(new SystemEnvironmentPropertySource("systemEnvironment", env));
		YamlPropertySourceLoader loader = new YamlPropertySourceLoader();
		configMapSources(loader).forEach(sources::addLast);
		loader.load("application-cluster.yml", new ClassPathResource("application-cluster.yml"))
			.forEach(sources::addLast);
		loader.load("application.yml", new ClassPathResource("application.yml")).forEach(sources::addLast);
		return new Binder(ConfigurationPropertySources.from(sources), new PropertySourcesPlaceholdersResolver(sources));
	}

	private List<PropertySource<?>> configMapSources(YamlPropertySourceLoader loader) throws IOException {
		Map<String, String> data = configMap().getData();
		assertThat(data).hasSize(1);
		Map.Entry<String, String> file = data.entrySet().iterator().next();
		return loader.load(file.getKey(), new ByteArrayResource(file.getValue().getBytes(StandardCharsets.UTF_8)));
	}

	private Map<String, Object> configMapProperties() throws IOException {
		Map<String, Object> properties = new LinkedHashMap<>();
		for (PropertySource<?> source : configMapSources(new YamlPropertySourceLoader())) {
			EnumerablePropertySource<?> enumerable = (EnumerablePropertySource<?>) source;
			for (String name : enumerable.getPropertyNames()) {
				properties.put(name, enumerable.getProperty(name));
			}
		}
		return properties;
	}

	private String configMapProfile() {
		Matcher profile = Pattern.compile("application-([\\w-]+)\\.yml")
			.matcher(configMap().getData().keySet().iterator().next());
		assertThat(profile.matches()).isTrue();
		return profile.group(1);
	}

	/**
	 * Every property the classpath's configuration metadata describes: Spring Boot's and
	 * the gateway's.
	 * @return each property's name and the type that declares it
	 */
	private static Map<String, String> configurationMetadata() throws IOException {
		Map<String, String> properties = new HashMap<>();
		Enumeration<URL> files = DeploymentManifestsTests.class.getClassLoader()
			.getResources("META-INF/spring-configuration-metadata.json");
		while (files.hasMoreElements()) {
			try (InputStream in = files.nextElement().openStream()) {
				for (JsonNode property : json.readTree(in).path("properties")) {
					properties.put(property.path("name").asString(), property.path("sourceType").asString(""));
				}
			}
		}
		assertThat(properties).containsKey("push.gateway.shutdown.timeout");
		return properties;
	}

	private String operationsSection() throws IOException {
		String doc = Files.readString(Path.of("..", "docs", "operations.md"));
		int start = doc.indexOf("\n## Deploying on Kubernetes\n");
		assertThat(start).as("docs/operations.md, section 'Deploying on Kubernetes'").isNotNegative();
		int end = doc.indexOf("\n## ", start + 1);
		return doc.substring(start, (end > 0) ? end : doc.length());
	}

	private static List<String> dockerfile() throws IOException {
		// instructions, one a line, continuation lines joined
		String text = Files.readString(DEPLOY.resolve("Dockerfile")).replaceAll("\\\\\n\\s*", " ");
		return text.lines().map(String::trim).filter((line) -> !line.isEmpty() && !line.startsWith("#")).toList();
	}

	private static String element(String xml, String name) {
		Matcher element = Pattern.compile("<" + name + ">([^<]+)</" + name + ">").matcher(xml);
		assertThat(element.find()).as(name).isTrue();
		return element.group(1).trim();
	}

	private HttpResponse<String> get(String path) throws Exception {
		return this.http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path)).build(),
				HttpResponse.BodyHandlers.ofString());
	}

	private static <T> List<T> all(Class<T> type) {
		return resources.stream().filter(type::isInstance).map(type::cast).toList();
	}

	private static <T> T only(Class<T> type) {
		List<T> all = all(type);
		assertThat(all).as(type.getSimpleName()).hasSize(1);
		return all.get(0);
	}

	private static ConfigMap configMap() {
		return only(ConfigMap.class);
	}

	private static StatefulSet statefulSet() {
		return only(StatefulSet.class);
	}

	private static PodSpec podSpec() {
		return statefulSet().getSpec().getTemplate().getSpec();
	}

	private static Container container() {
		assertThat(podSpec().getContainers()).hasSize(1);
		return podSpec().getContainers().get(0);
	}

	private static Service service(String name) {
		return all(Service.class).stream()
			.filter((service) -> service.getMetadata().getName().equals(name))
			.findFirst()
			.orElseThrow();
	}

	private static EnvVar env(Container container, String name) {
		return container.getEnv()
			.stream()
			.filter((variable) -> variable.getName().equals(name))
			.findFirst()
			.orElseThrow();
	}

	private static int containerPort(Container container, String name) {
		return container.getPorts()
			.stream()
			.filter((port) -> name.equals(port.getName()))
			.map(ContainerPort::getContainerPort)
			.findFirst()
			.orElseThrow(() -> new AssertionError("no container port named " + name));
	}

	private static int portNumber(Container container, IntOrString port) {
		return (port.getIntVal() != null) ? port.getIntVal() : containerPort(container, port.getStrVal());
	}

	private static int targetPort(Container container, ServicePort port) {
		return portNumber(container,
				(port.getTargetPort() != null) ? port.getTargetPort() : new IntOrString(port.getPort()));
	}

	/**
	 * Fails on any field the object's kind does not have (a typo, a field at the wrong
	 * level): the model keeps such fields aside as additional properties instead of
	 * failing.
	 * @param value the object
	 * @param path where it is, for the failure's message
	 */
	private static void assertNoUnknownFields(Object value, String path) {
		if (value instanceof Collection<?> collection) {
			int index = 0;
			for (Object element : collection) {
				assertNoUnknownFields(element, path + "[" + index++ + "]");
			}
		}
		else if (value instanceof Map<?, ?> map) {
			map.forEach((key, element) -> assertNoUnknownFields(element, path + "." + key));
		}
		else if (value != null && value.getClass().getPackageName().startsWith("io.fabric8.")) {
			for (Method getter : value.getClass().getMethods()) {
				if (getter.getParameterCount() == 0 && getter.getName().startsWith("get")
						&& getter.getDeclaringClass().getPackageName().startsWith("io.fabric8.")) {
					Object child = invoke(getter, value);
					if (getter.getName().equals("getAdditionalProperties")) {
						assertThat((Map<?, ?>) child).as("fields %s does not know", path).isEmpty();
					}
					else {
						assertNoUnknownFields(child, path + "." + getter.getName().substring(3));
					}
				}
			}
		}
	}

	private static Object invoke(Method getter, Object target) {
		try {
			return getter.invoke(target);
		}
		catch (IllegalAccessException | InvocationTargetException ex) {
			throw new IllegalStateException(getter.toString(), ex);
		}
	}

}
