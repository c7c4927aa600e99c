package dev.flashsale.server.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.flashsale.gateway.auth.Credentials;
import dev.flashsale.replication.ClusterNodeConfig;
import dev.flashsale.server.config.FlashsaleConfig;
import dev.flashsale.server.config.Setting;
import dev.flashsale.server.node.ClusterGatewayNode;
import dev.flashsale.server.node.GatewayNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import org.agrona.concurrent.SystemEpochClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The files of {@code deploy/} against the code they deploy. Nothing here runs Docker or Kubernetes (neither is
 * on the build machine); instead the manifests are parsed into the Kubernetes object model and the environment
 * they give the container is loaded by {@link FlashsaleConfig} itself, so a renamed key, a probe on the wrong
 * path or port, a volume that does not hold the data directory, or a grace period shorter than the shutdown
 * fails here. The alert rules and the dashboard are checked against the {@code /metrics} pages of a live
 * standalone node and a live (one-member) cluster member, so a renamed metric or label value fails here too.
 */
@Timeout(180)
class DeploymentFilesTest
{
    private static final Path DEPLOY = Path.of("..", "deploy").toAbsolutePath().normalize();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String POD_INDEX = "metadata.labels['apps.kubernetes.io/pod-index']";
    /** Variables other than the configuration's that the container may get: the JVM's own. */
    private static final Set<String> JVM_VARIABLES = Set.of("JAVA_TOOL_OPTIONS");
    /** Beyond pipeline.shutdown-timeout-ms: closing the gateway, the read stores, the journals (and the cluster). */
    private static final long GRACE_MARGIN_MS = 10_000;
    /** Labels Prometheus adds to a target's series; not on the page itself. */
    private static final Set<String> TARGET_LABELS = Set.of("job", "instance", "namespace", "pod");
    private static final Pattern SELECTOR = Pattern.compile("\\b((?:flashsale|jvm|process)_[a-zA-Z0-9_]*)(\\s*\\{([^}]*)})?");
    private static final Pattern MATCHER = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})?\\s+\\S+$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    @TempDir
    Path work;

    @Test
    void theStandaloneStatefulSetGivesTheNodeTheConfigurationItsProbesAndVolumesExpect() throws IOException
    {
        final Manifests manifests = Manifests.load(DEPLOY.resolve("k8s/standalone.yaml"));
        final StatefulSet set = manifests.statefulSet("flashsale");
        assertThat(set.getSpec().getReplicas()).as("one node owns the inventory").isEqualTo(1);
        final FlashsaleConfig config = checkPod(manifests, set, null);
        assertThat(config.cluster()).as("no cluster.* keys: a standalone node").isNull();
        final Service service = manifests.service("flashsale");
        assertThat(service.getSpec().getPorts()).extracting(p -> p.getTargetPort().getStrVal()).containsExactly("http");
        assertThat(service.getSpec().getSelector()).isEqualTo(set.getSpec().getTemplate().getMetadata().getLabels());
    }

    @Test
    void theClusterStatefulSetMakesEachPodTheMemberOfItsOrdinalAtTheHeadlessServicesNames() throws IOException
    {
        final Manifests manifests = Manifests.load(DEPLOY.resolve("k8s/cluster.yaml"));
        final StatefulSet set = manifests.statefulSet("flashsale");
        final int replicas = set.getSpec().getReplicas();
        assertThat(replicas).as("three members: a quorum survives one").isEqualTo(3);
        assertThat(set.getSpec().getPodManagementPolicy())
            .as("a member is ready only once there is a leader, which takes two running members: start them together")
            .isEqualTo("Parallel");
        final Service members = manifests.service(set.getSpec().getServiceName());
        assertThat(members.getSpec().getClusterIP()).as("headless: a DNS name per pod").isEqualTo("None");
        assertThat(members.getSpec().getPublishNotReadyAddresses()).as("members resolve each other before any is ready")
            .isTrue();
        assertThat(members.getSpec().getSelector()).isEqualTo(set.getSpec().getTemplate().getMetadata().getLabels());

        final Set<Integer> expectedUdp = new TreeSet<>();
        for (int ordinal = 0; ordinal < replicas; ordinal++)
        {
            final FlashsaleConfig config = checkPod(manifests, set, Integer.toString(ordinal));
            final ClusterNodeConfig cluster = config.cluster();
            assertThat(cluster).as("cluster.* keys set").isNotNull();
            assertThat(cluster.memberId()).as("member id of pod %d", ordinal).isEqualTo(ordinal);
            final Map<Integer, String> hosts = new LinkedHashMap<>();
            cluster.members().forEach(m -> hosts.put(m.id(), m.host()));
            final Map<Integer, String> podNames = new LinkedHashMap<>();
            for (int id = 0; id < replicas; id++)
            {
                podNames.put(id, set.getMetadata().getName() + "-" + id + "." + set.getSpec().getServiceName());
            }
            assertThat(hosts).as("cluster.members: every pod, by ordinal, at its name in the headless service")
                .isEqualTo(podNames);
            for (final ClusterNodeConfig.Member member : cluster.members())
            {
                for (int offset = ClusterNodeConfig.ARCHIVE_CONTROL_PORT_OFFSET; offset <= ClusterNodeConfig.CATCHUP_PORT_OFFSET;
                    offset++)
                {
                    expectedUdp.add(cluster.port(member.id(), offset));
                }
            }
        }
        final Container container = set.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(udpPorts(container.getPorts().stream().filter(p -> "UDP".equals(p.getProtocol()))
            .map(ContainerPort::getContainerPort).toList())).as("the container's UDP ports: cluster.base-port's").isEqualTo(expectedUdp);
        assertThat(udpPorts(members.getSpec().getPorts().stream().filter(p -> "UDP".equals(p.getProtocol()))
            .map(ServicePort::getPort).toList())).as("the headless service's UDP ports").isEqualTo(expectedUdp);

        final PodDisruptionBudget budget = manifests.of(PodDisruptionBudget.class).get(0);
        assertThat(budget.getSpec().getMaxUnavailable().getIntVal()).as("one member down at a time").isEqualTo(1);
        assertThat(budget.getSpec().getSelector().getMatchLabels()).isEqualTo(set.getSpec().getTemplate().getMetadata().getLabels());
        assertThat(manifests.service("flashsale").getSpec().getClusterIP()).as("clients' service").isNotEqualTo("None");
    }

    @Test
    void theDockerfileRunsTheNodeAsTheTestsAndTheManifestsDo() throws IOException
    {
        final Dockerfile docker = Dockerfile.load(DEPLOY.resolve("Dockerfile"));
        assertThat(docker.all("FROM")).as("a build stage and a run stage").hasSizeGreaterThanOrEqualTo(2);
        assertThat(docker.all("RUN")).as("the build uses the Maven wrapper").anyMatch(r -> r.contains("./mvnw") && r.contains("package"));
        final Path root = DEPLOY.getParent();
        final Matcher module = Pattern.compile("<module>([^<]+)</module>").matcher(Files.readString(root.resolve("pom.xml")));
        while (module.find())
        {
            final String name = module.group(1).strip();
            assertThat(docker.all("COPY")).as("the build stage copies module " + name).contains(name + "/ " + name + "/");
            final Matcher outside = Pattern.compile("\\$\\{project.basedir}/\\.\\./([^<]+)</directory>\\s*<includes>\\s*<include>([^<]+)</include>")
                .matcher(Files.readString(root.resolve(name).resolve("pom.xml")));
            while (outside.find())
            {
                final String file = outside.group(1) + "/" + outside.group(2);
                assertThat(docker.all("COPY")).as(name + " packages " + file + " from outside its directory: copied too")
                    .contains(file + " " + file);
            }
        }
        assertThat(docker.all("RUN")).as("Chronicle Map compiles classes at run time: the runtime keeps jdk.compiler")
            .anyMatch(r -> r.startsWith("jlink") && r.contains("jdk.compiler"));
        assertThat(docker.one("STOPSIGNAL")).isEqualTo("SIGTERM");

        final String user = docker.one("USER");
        final long uid = Long.parseLong(user.split(":")[0]);
        assertThat(uid).as("USER is numeric and not root, so runAsNonRoot can check it").isPositive();
        for (final String manifest : List.of("standalone.yaml", "cluster.yaml"))
        {
            final PodSpec pod = Manifests.load(DEPLOY.resolve("k8s").resolve(manifest)).statefulSet("flashsale").getSpec()
                .getTemplate().getSpec();
            assertThat(pod.getSecurityContext().getRunAsUser()).as(manifest + " runs as the image's user").isEqualTo(uid);
        }

        final Map<String, String> env = docker.environment();
        final Map<String, String> flashsale = new HashMap<>(env);
        flashsale.keySet().removeIf(name -> !name.startsWith("FLASHSALE_"));
        assertThat(env.keySet()).as("ENV: configuration keys, the JVM's variables, the runtime's path")
            .allMatch(name -> name.startsWith("FLASHSALE_") || JVM_VARIABLES.contains(name) || Set.of("JAVA_HOME", "PATH").contains(name));
        final FlashsaleConfig config = FlashsaleConfig.load(null, flashsale);
        final List<String> volumes = docker.jsonArray("VOLUME");
        assertThat(volumes).as("VOLUME holds the data directory").anyMatch(v -> isInside(config.dataDirectory(), Path.of(v)));
        final PodSpec standalone = Manifests.load(DEPLOY.resolve("k8s/standalone.yaml")).statefulSet("flashsale").getSpec()
            .getTemplate().getSpec();
        assertThat(volumes).as("the same path as the manifests' data volume")
            .contains(mountOf(standalone.getContainers().get(0), "data").getMountPath());
        assertThat(docker.one("EXPOSE")).isEqualTo(Integer.toString(config.gateway().port()));

        final String health = docker.one("HEALTHCHECK");
        assertThat(health).contains("CMD curl", "/health/live", "${FLASHSALE_GATEWAY_PORT}");
        assertThat(docker.finalStage("RUN")).as("curl is installed in the run stage").anyMatch(r -> r.contains("install") && r.contains(" curl"));

        final Matcher stop = Pattern.compile("--stop-timeout (\\d+)").matcher(docker.text());
        assertThat(stop.find()).as("the run example gives docker stop more than its default 10 s").isTrue();
        assertThat(Long.parseLong(stop.group(1)) * 1000).isGreaterThanOrEqualTo(config.pipeline().shutdownTimeoutMs() + GRACE_MARGIN_MS);

        final List<String> entrypoint = docker.jsonArray("ENTRYPOINT");
        assertThat(entrypoint.get(0)).isEqualTo("java");
        final int jar = entrypoint.indexOf("-jar");
        assertThat(jar).isPositive();
        assertThat(entrypoint.subList(1, jar)).as("the JVM flags the tests run with (the parent pom's flashsale.jvm.flags)")
            .isEqualTo(testJvmFlags());
        assertThat(docker.jsonArray("CMD")).containsExactly("run");
    }

    @Test
    void everyAlertAndPanelUsesMetricsThatALiveNodeAndClusterMemberShowAndEveryRuleHasARunbook() throws Exception
    {
        final List<Sample> live = new ArrayList<>();
        live.addAll(standaloneMetrics());
        live.addAll(clusterMemberMetrics());

        final JsonNode rules = YAML.readTree(DEPLOY.resolve("prometheus/alerts.yaml").toFile());
        final List<String> ruleExpressions = new ArrayList<>();
        final Set<String> names = new LinkedHashSet<>();
        for (final JsonNode group : rules.path("groups"))
        {
            assertThat(group.path("name").asText()).isNotBlank();
            for (final JsonNode rule : group.path("rules"))
            {
                final String alert = rule.path("alert").asText();
                assertThat(alert).as("an alerting rule").isNotBlank();
                assertThat(names.add(alert)).as("alert %s named once", alert).isTrue();
                assertThat(rule.path("expr").asText()).as(alert).isNotBlank();
                assertThat(rule.path("labels").path("severity").asText()).as(alert + " severity").isIn("page", "ticket");
                assertThat(rule.path("annotations").path("summary").asText()).as(alert + " summary").isNotBlank();
                assertThat(rule.path("annotations").path("runbook").asText().split("\\s+"))
                    .as(alert + ": a runbook that says what to check and what to do").hasSizeGreaterThan(20);
                ruleExpressions.add(rule.path("expr").asText());
            }
        }
        assertThat(names).as("the rules an on-call engineer needs").contains("FlashsaleNodeDown", "FlashsaleNodeNotReady",
            "FlashsaleHttp500", "FlashsaleHttp503High", "FlashsaleLatencyP99High", "FlashsaleInputRingFilling",
            "FlashsaleJournalLagging", "FlashsaleDiskLow", "FlashsaleProjectionLag", "FlashsaleClockStepped",
            "FlashsaleCapacityExhausted", "FlashsaleGcTimeHigh", "FlashsaleClusterNoLeader", "FlashsaleClusterLeaderChanges");

        final JsonNode dashboard = JSON.readTree(DEPLOY.resolve("grafana/flashsale.json").toFile());
        final List<String> panelExpressions = new ArrayList<>();
        collectExpressions(dashboard, panelExpressions);
        assertThat(panelExpressions).hasSizeGreaterThan(20);

        final Set<String> ruleMetrics = checkAgainstLivePage(ruleExpressions, live, "alerts.yaml");
        final Set<String> panelMetrics = checkAgainstLivePage(panelExpressions, live, "flashsale.json");
        assertThat(ruleMetrics).as("metrics found in the rules").contains("flashsale_node_ready", "flashsale_journal_free_bytes",
            "flashsale_cluster_member_leader", "jvm_gc_collection_seconds_sum");
        assertThat(panelMetrics).as("the dashboard shows every metric an alert watches").containsAll(ruleMetrics);
    }

    // ---- the pod template -----------------------------------------------------------------------------------

    /** Checks what both StatefulSets share; returns the configuration the container would load as pod {@code ordinal}. */
    private static FlashsaleConfig checkPod(final Manifests manifests, final StatefulSet set, final String ordinal)
    {
        final PodSpec pod = set.getSpec().getTemplate().getSpec();
        noUnknownFields(set.getSpec(), pod, pod.getSecurityContext());
        assertThat(pod.getContainers()).hasSize(1);
        final Container container = pod.getContainers().get(0);
        noUnknownFields(container, container.getSecurityContext(), container.getResources(), container.getReadinessProbe(),
            container.getLivenessProbe(), container.getStartupProbe());
        container.getVolumeMounts().forEach(DeploymentFilesTest::noUnknownFields);
        pod.getVolumes().forEach(DeploymentFilesTest::noUnknownFields);
        container.getEnv().forEach(DeploymentFilesTest::noUnknownFields);

        assertThat(pod.getEnableServiceLinks()).as("service links put FLASHSALE_PORT and the like into the environment," +
            " which the node refuses as unknown keys").isFalse();
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getRunAsUser()).isPositive();
        assertThat(pod.getSecurityContext().getFsGroup()).as("the volume writable by the node's group").isNotNull();
        assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(container.getResources().getRequests()).containsKeys("cpu", "memory");
        assertThat(container.getResources().getLimits()).containsKeys("memory");

        final Map<String, String> env = environment(container, ordinal);
        assertThat(env.keySet()).as("every variable is a configuration key's or the JVM's")
            .allMatch(name -> isSettingVariable(name) || JVM_VARIABLES.contains(name));
        final Map<String, String> configuration = new HashMap<>(env);
        configuration.keySet().removeIf(name -> !name.startsWith("FLASHSALE_"));
        final FlashsaleConfig config = FlashsaleConfig.load(null, configuration); // throws as the node would exit 2

        final ContainerPort http = container.getPorts().stream().filter(p -> "http".equals(p.getName())).findFirst()
            .orElseThrow(() -> new AssertionError("no container port named http"));
        assertThat(http.getContainerPort()).as("the http port is gateway.port").isEqualTo(config.gateway().port());
        assertThat(config.gateway().bindAddress()).as("reachable from the kubelet and the service").isEqualTo("0.0.0.0");
        checkHttpProbe(container.getReadinessProbe(), "/health/ready", container);
        checkHttpProbe(container.getLivenessProbe(), "/health/live", container);
        checkHttpProbe(container.getStartupProbe(), "/health/live", container);

        final long graceMs = pod.getTerminationGracePeriodSeconds() * 1000;
        assertThat(graceMs).as("terminationGracePeriodSeconds against pipeline.shutdown-timeout-ms = %d + %d ms to close",
            config.pipeline().shutdownTimeoutMs(), GRACE_MARGIN_MS)
            .isGreaterThanOrEqualTo(config.pipeline().shutdownTimeoutMs() + GRACE_MARGIN_MS);

        assertThat(set.getSpec().getVolumeClaimTemplates()).as("a persistent volume per pod").hasSize(1);
        final String claim = set.getSpec().getVolumeClaimTemplates().get(0).getMetadata().getName();
        final VolumeMount data = mountOf(container, claim);
        assertThat(isInside(config.dataDirectory(), Path.of(data.getMountPath()))).as("journal.data-dir %s on the volume at %s",
            config.dataDirectory(), data.getMountPath()).isTrue();
        assertThat(config.dataDirectory()).as("a directory the node makes (rwx------) inside the volume, whose root" +
            " belongs to root and fsGroup").isNotEqualTo(Path.of(data.getMountPath()));
        assertThat(isInside(config.readStoreDirectory(), Path.of(data.getMountPath()))).as("read stores on the volume").isTrue();

        final Path credentials = config.credentialsFile();
        final VolumeMount secretMount = container.getVolumeMounts().stream()
            .filter(m -> credentials.getParent().equals(Path.of(m.getMountPath()))).findFirst()
            .orElseThrow(() -> new AssertionError("gateway.credentials-file " + credentials + " is on no mount"));
        assertThat(secretMount.getReadOnly()).isTrue();
        final Volume secret = volume(pod, secretMount.getName());
        assertThat(secret.getSecret()).as("the credentials come from a Secret").isNotNull();
        assertThat(secret.getSecret().getItems()).as("the Secret's item is the file gateway.credentials-file names")
            .anyMatch(item -> item.getPath().equals(credentials.getFileName().toString()));

        if (Boolean.TRUE.equals(container.getSecurityContext().getReadOnlyRootFilesystem()))
        {
            assertThat(volume(pod, mountOf(container, "/tmp").getName()).getEmptyDir())
                .as("a writable /tmp (Netty unpacks its native library there)").isNotNull();
        }
        return config;
    }

    private static void checkHttpProbe(final Probe probe, final String path, final Container container)
    {
        assertThat(probe).as(path + " probe").isNotNull();
        assertThat(probe.getHttpGet().getPath()).isEqualTo(path);
        final String port = probe.getHttpGet().getPort().getStrVal();
        assertThat(container.getPorts()).as("the probe's port %s is the container's", port).anyMatch(p -> p.getName().equals(port));
        assertThat(port).isEqualTo("http");
    }

    /** The container's environment as pod {@code ordinal} gets it; only the member id may come from the pod. */
    private static Map<String, String> environment(final Container container, final String ordinal)
    {
        final Map<String, String> env = new LinkedHashMap<>();
        for (final EnvVar variable : container.getEnv())
        {
            assertThat(env.containsKey(variable.getName())).as(variable.getName() + " set once").isFalse();
            if (variable.getValueFrom() == null)
            {
                assertThat(variable.getValue()).as(variable.getName()).isNotNull().doesNotContain("$(");
                env.put(variable.getName(), variable.getValue());
                continue;
            }
            assertThat(variable.getName()).as("only the member id comes from the pod").isEqualTo("FLASHSALE_CLUSTER_MEMBER_ID");
            assertThat(variable.getValueFrom().getFieldRef().getFieldPath()).isEqualTo(POD_INDEX);
            assertThat(ordinal).as("a pod index for " + variable.getName()).isNotNull();
            env.put(variable.getName(), ordinal);
        }
        return env;
    }

    private static boolean isSettingVariable(final String name)
    {
        return FlashsaleConfig.SETTINGS.stream().map(Setting::environmentVariable).anyMatch(name::equals);
    }

    private static VolumeMount mountOf(final Container container, final String nameOrPath)
    {
        return container.getVolumeMounts().stream()
            .filter(m -> m.getName().equals(nameOrPath) || m.getMountPath().equals(nameOrPath)).findFirst()
            .orElseThrow(() -> new AssertionError("no volume mount " + nameOrPath));
    }

    private static Volume volume(final PodSpec pod, final String name)
    {
        return pod.getVolumes().stream().filter(v -> v.getName().equals(name)).findFirst()
            .orElseThrow(() -> new AssertionError("no volume " + name));
    }

    private static boolean isInside(final Path path, final Path directory)
    {
        return path.toAbsolutePath().normalize().startsWith(directory.toAbsolutePath().normalize());
    }

    private static Set<Integer> udpPorts(final List<Integer> ports)
    {
        assertThat(ports).doesNotHaveDuplicates();
        return new TreeSet<>(ports);
    }

    /** The model keeps fields it does not know in additionalProperties: a misspelt field would pass unseen. */
    private static void noUnknownFields(final Object... objects)
    {
        for (final Object object : objects)
        {
            if (object == null)
            {
                continue;
            }
            try
            {
                final Object unknown = object.getClass().getMethod("getAdditionalProperties").invoke(object);
                assertThat((Map<?, ?>)unknown).as("fields the Kubernetes model does not know in a " +
                    object.getClass().getSimpleName()).isEmpty();
            }
            catch (final ReflectiveOperationException ex)
            {
                throw new AssertionError(object.getClass() + " has no getAdditionalProperties", ex);
            }
        }
    }

    /** The module flags of the surefire JVM (the parent pom's flashsale.jvm.flags), as NodeProcess passes them on. */
    private static List<String> testJvmFlags()
    {
        final List<String> flags = ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
            .filter(a -> a.startsWith("--add-") || a.startsWith("--enable-native-access") || a.startsWith("-Dchronicle"))
            .toList(); // --sun-misc-unsafe-memory-access is JDK 24+ only; the image runs Java 17, which refuses it
        assertThat(flags).as("the tests run with the module flags").isNotEmpty();
        return flags;
    }

    // ---- alerts and dashboard against live pages -------------------------------------------------------------

    private static void collectExpressions(final JsonNode node, final List<String> out)
    {
        if (node.isObject())
        {
            node.fields().forEachRemaining(field ->
            {
                if ((field.getKey().equals("expr") || field.getKey().equals("definition")) && field.getValue().isTextual())
                {
                    out.add(field.getValue().asText());
                }
                else
                {
                    collectExpressions(field.getValue(), out);
                }
            });
        }
        else if (node.isArray())
        {
            node.forEach(element -> collectExpressions(element, out));
        }
    }

    /** @return the metric names the expressions use, each checked, with its label matchers, against the live samples. */
    private static Set<String> checkAgainstLivePage(final List<String> expressions, final List<Sample> live, final String file)
    {
        final Set<String> used = new TreeSet<>();
        for (final String expression : expressions)
        {
            final Matcher selector = SELECTOR.matcher(expression);
            while (selector.find())
            {
                final String name = selector.group(1);
                used.add(name);
                final List<Sample> samples = live.stream().filter(s -> s.name().equals(name)).toList();
                if (samples.isEmpty())
                {
                    fail(file + ": " + name + " is on no live /metrics page (renamed?), in: " + expression);
                }
                if (selector.group(3) == null)
                {
                    continue;
                }
                final Matcher matcher = MATCHER.matcher(selector.group(3));
                while (matcher.find())
                {
                    final String label = matcher.group(1);
                    final String value = matcher.group(3);
                    if (TARGET_LABELS.contains(label))
                    {
                        continue;
                    }
                    final boolean found = switch (matcher.group(2))
                    {
                        case "=" -> samples.stream().anyMatch(s -> value.equals(s.labels().get(label)));
                        case "=~" -> samples.stream().anyMatch(s -> s.labels().containsKey(label) &&
                            s.labels().get(label).matches(value));
                        default -> samples.stream().anyMatch(s -> s.labels().containsKey(label));
                    };
                    assertThat(found).as("%s: %s{%s%s\"%s\"} matches no live series, in: %s", file, name, label,
                        matcher.group(2), value, expression).isTrue();
                    if (matcher.group(2).equals("=~"))
                    {
                        for (final String alternative : value.split("\\|"))
                        {
                            assertThat(samples).as("%s: %s has no %s=\"%s\"", file, name, label, alternative)
                                .anyMatch(s -> alternative.equals(s.labels().get(label)));
                        }
                    }
                }
            }
        }
        return used;
    }

    private List<Sample> standaloneMetrics() throws Exception
    {
        final FlashsaleConfig config = FlashsaleConfig.load(null, smallNode(Map.of()));
        config.dataDirectory(work.resolve("standalone"));
        final Credentials.Generated credentials = Credentials.generate();
        try (GatewayNode node = GatewayNode.start(config, credentials.credentials(), new SystemEpochClock(), List.of()))
        {
            // flashsale_sku_units has a series per SKU on sale: put one on sale.
            final HttpResponse<String> put = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + node.gateway().port() + "/v1/admin/skus/TEE"))
                .header("X-Api-Key", credentials.adminKey()).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"totalStock\":5,\"perCustomerLimit\":5,\"priceMinor\":1999," +
                    "\"currency\":\"EUR\"}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
            return scrape(node.gateway().port());
        }
    }

    private List<Sample> clusterMemberMetrics() throws Exception
    {
        final FlashsaleConfig config = FlashsaleConfig.load(null, smallNode(Map.of("FLASHSALE_CLUSTER_MEMBER_ID", "0",
            "FLASHSALE_CLUSTER_MEMBERS", "0=localhost", "FLASHSALE_CLUSTER_BASE_PORT", Integer.toString(freeBasePort()),
            "FLASHSALE_CLUSTER_TERM_LENGTH_BYTES", Integer.toString(256 * 1024))));
        config.dataDirectory(work.resolve("member"));
        try (ClusterGatewayNode node = ClusterGatewayNode.start(config, Credentials.generate().credentials(), new SystemEpochClock()))
        {
            return scrape(node.gateway().port());
        }
    }

    private static Map<String, String> smallNode(final Map<String, String> extra)
    {
        final Map<String, String> env = new HashMap<>(Map.of("FLASHSALE_ENGINE_CUSTOMER_CAPACITY", "1000",
            "FLASHSALE_ENGINE_CHECKOUT_CAPACITY", "1000", "FLASHSALE_ENGINE_IDEMPOTENCY_CAPACITY", "1000",
            "FLASHSALE_ENGINE_MAX_SKUS", "100", "FLASHSALE_READ_CUSTOMERS", "100", "FLASHSALE_GATEWAY_BIND_ADDRESS", "127.0.0.1",
            "FLASHSALE_GATEWAY_PORT", "0", "FLASHSALE_JOURNAL_MIN_FREE_BYTES", "1048576"));
        env.putAll(extra);
        return env;
    }

    /** A cluster.base-port in this test's range (23000-23999) whose member-0 ports are free now. */
    private static int freeBasePort() throws IOException
    {
        search:
        for (int base = 23_100; base < 23_990; base += ClusterNodeConfig.PORTS_PER_MEMBER)
        {
            for (int port = base + 1; port < base + ClusterNodeConfig.PORTS_PER_MEMBER; port++)
            {
                try (DatagramSocket socket = new DatagramSocket(port, InetAddress.getLoopbackAddress()))
                {
                    socket.getLocalPort();
                }
                catch (final SocketException ex)
                {
                    continue search;
                }
            }
            return base;
        }
        throw new IOException("no free UDP port range in 23100..23999");
    }

    private static List<Sample> scrape(final int port) throws Exception
    {
        final HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + port + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        final List<Sample> samples = new ArrayList<>();
        for (final String line : page.body().split("\n"))
        {
            if (line.isBlank() || line.startsWith("#"))
            {
                continue;
            }
            final Matcher sample = SAMPLE.matcher(line);
            assertThat(sample.matches()).as("a sample line: " + line).isTrue();
            final Map<String, String> labels = new HashMap<>();
            if (sample.group(3) != null)
            {
                final Matcher label = LABEL.matcher(sample.group(3));
                while (label.find())
                {
                    labels.put(label.group(1), label.group(2));
                }
            }
            samples.add(new Sample(sample.group(1), labels));
        }
        assertThat(samples).isNotEmpty();
        return samples;
    }

    private record Sample(String name, Map<String, String> labels)
    {
    }

    // ---- file readers ---------------------------------------------------------------------------------------

    /** The documents of a multi-document manifest, typed by their kind. */
    private record Manifests(List<Object> objects)
    {
        static Manifests load(final Path file) throws IOException
        {
            final List<Object> objects = new ArrayList<>();
            try (var documents = YAML.readerFor(JsonNode.class).<JsonNode>readValues(file.toFile()))
            {
                while (documents.hasNext())
                {
                    final JsonNode document = documents.next();
                    if (document == null || document.isNull() || document.isMissingNode())
                    {
                        continue;
                    }
                    final String kind = document.path("kind").asText();
                    final Class<?> type = switch (kind)
                    {
                        case "Service" -> Service.class;
                        case "StatefulSet" -> StatefulSet.class;
                        case "PodDisruptionBudget" -> PodDisruptionBudget.class;
                        default -> throw new AssertionError(file + ": a " + kind + " this test does not check");
                    };
                    objects.add(YAML.treeToValue(document, type));
                }
            }
            return new Manifests(objects);
        }

        <T> List<T> of(final Class<T> type)
        {
            return objects.stream().filter(type::isInstance).map(type::cast).toList();
        }

        StatefulSet statefulSet(final String name)
        {
            return of(StatefulSet.class).stream().filter(s -> s.getMetadata().getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no StatefulSet " + name));
        }

        Service service(final String name)
        {
            final Service service = of(Service.class).stream().filter(s -> Objects.equals(s.getMetadata().getName(), name))
                .findFirst().orElseThrow(() -> new AssertionError("no Service " + name));
            noUnknownFields(service.getSpec());
            return service;
        }
    }

    /** A Dockerfile's instructions, continuation lines joined, comments dropped, stage by stage. */
    private record Dockerfile(String text, List<List<String[]>> stages)
    {
        static Dockerfile load(final Path file) throws IOException
        {
            final String text = Files.readString(file);
            final List<List<String[]>> stages = new ArrayList<>();
            final StringBuilder logical = new StringBuilder();
            for (final String line : text.split("\n"))
            {
                final String trimmed = line.strip();
                if (trimmed.startsWith("#") || (trimmed.isEmpty() && logical.length() == 0))
                {
                    continue;
                }
                if (trimmed.endsWith("\\"))
                {
                    logical.append(trimmed, 0, trimmed.length() - 1).append(' ');
                    continue;
                }
                logical.append(trimmed);
                final String instruction = logical.toString().strip();
                logical.setLength(0);
                if (instruction.isEmpty())
                {
                    continue;
                }
                final String[] parts = instruction.split("\\s+", 2);
                final String keyword = parts[0].toUpperCase(java.util.Locale.ROOT);
                if (keyword.equals("FROM"))
                {
                    stages.add(new ArrayList<>());
                }
                assertThat(stages).as("FROM first").isNotEmpty();
                stages.get(stages.size() - 1).add(new String[] {keyword, parts.length > 1 ? parts[1].strip() : ""});
            }
            return new Dockerfile(text, stages);
        }

        List<String> all(final String keyword)
        {
            return stages.stream().flatMap(List::stream).filter(i -> i[0].equals(keyword)).map(i -> i[1]).toList();
        }

        List<String> finalStage(final String keyword)
        {
            return stages.get(stages.size() - 1).stream().filter(i -> i[0].equals(keyword)).map(i -> i[1]).toList();
        }

        String one(final String keyword)
        {
            final List<String> found = finalStage(keyword);
            assertThat(found).as("one " + keyword + " in the run stage").hasSize(1);
            return found.get(0);
        }

        List<String> jsonArray(final String keyword) throws IOException
        {
            final List<String> values = new ArrayList<>();
            JSON.readTree(one(keyword)).forEach(v -> values.add(v.asText()));
            return values;
        }

        /** ENV of the run stage: {@code KEY=value} pairs, values optionally in double quotes. */
        Map<String, String> environment()
        {
            final Map<String, String> env = new LinkedHashMap<>();
            final Pattern pair = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=(\"([^\"]*)\"|\\S+)");
            for (final String instruction : finalStage("ENV"))
            {
                final Matcher matcher = pair.matcher(instruction);
                while (matcher.find())
                {
                    env.put(matcher.group(1), matcher.group(3) != null ? matcher.group(3) : matcher.group(2));
                }
            }
            return env.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue,
                (a, b) -> b, LinkedHashMap::new));
        }
    }
}
