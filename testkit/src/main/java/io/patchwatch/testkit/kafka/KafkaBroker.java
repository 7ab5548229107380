package io.patchwatch.testkit.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import io.patchwatch.testkit.ChildProcesses;
import io.patchwatch.testkit.RunningServer;
import io.patchwatch.testkit.containers.ServerContainers;
import io.patchwatch.testkit.containers.ServerImage;

/**
 * A real Kafka 4.x broker (KRaft, broker and controller in one JVM) on 127.0.0.1: for the tests, when
 * they run their servers as containers ({@link ServerContainers#enabled()}), a Testcontainers
 * {@link KafkaBrokerContainer} of {@link ServerImage#KAFKA}; otherwise, and always for {@code
 * bin/patchwatch kafka start} and the benchmarks ({@link #start(Path, int)}), a child process from the
 * jars of Maven Central listed in {@code testkit/kafka-broker/target/kafka-broker.classpath} (the
 * build writes it; tests get its path in the system property {@value #CLASSPATH_PROPERTY}).
 *
 * <pre>{@code
 * try (KafkaBroker kafka = KafkaBroker.start(dir, 0)) {
 *     kafka.createTopic("events", 2);
 *     String bootstrap = kafka.bootstrapServers();
 * }
 * }</pre>
 */
public final class KafkaBroker implements AutoCloseable {
    public static final String CLASSPATH_PROPERTY = "patchwatch.kafka.classpath";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);

    private final Path dir;
    private final int port;
    private final int securePort;
    private final RunningServer server;
    private final boolean deleteOnClose;

    private KafkaBroker(Path dir, int port, int securePort, RunningServer server, boolean deleteOnClose) {
        this.dir = dir;
        this.port = port;
        this.securePort = securePort;
        this.server = server;
        this.deleteOnClose = deleteOnClose;
    }

    /**
     * A SASL_SSL listener: SCRAM-SHA-512 for {@code username} / {@code password} (made at format
     * time, as KRaft wants), TLS with the key of a PKCS#12 key store. The broker keeps a plaintext
     * listener on another loopback port for its own use and the test's admin client ({@link
     * #bootstrapServers()}); the clients under test use {@link #secureBootstrapServers()}.
     */
    public record Secured(String username, String password, Path keyStore, String keyStorePassword) {}

    /**
     * Formats a fresh log directory under {@code dir}, starts the broker as a child process and waits
     * until it answers.
     *
     * @param port the client port, 0 for a free one
     */
    public static KafkaBroker start(Path dir, int port) throws IOException, InterruptedException {
        return start(dir, port, false);
    }

    /** A broker in a temporary directory, deleted on {@link #close()}; a container when the tests run containers. */
    public static KafkaBroker startTemporary() throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("patchwatch-kafka-");
        return ServerContainers.enabled() ? startContainer(dir, null) : start(dir, 0, true);
    }

    /** A broker with a SASL_SSL listener as {@link Secured} says, in a temporary directory deleted on close. */
    public static KafkaBroker startSecured(Secured secured) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("patchwatch-kafka-secured-");
        return ServerContainers.enabled() ? startContainer(dir, secured) : start(dir, 0, true, secured);
    }

    /**
     * The broker as a container, its output in {@code dir/broker.log}. The SCRAM user of a secured
     * broker is made through the Admin API once it runs (apache/kafka's start formats no credentials).
     */
    private static KafkaBroker startContainer(Path dir, Secured secured) throws IOException, InterruptedException {
        int clientPort = freePort();
        int securePort = secured == null ? -1 : freePort();
        Path log = dir.resolve("broker.log");
        KafkaBrokerContainer container = new KafkaBrokerContainer(ServerContainers.image(ServerImage.KAFKA), clusterId(),
                clientPort, freePort(), freePort(), secured, securePort);
        ServerContainers.prepare(container, log);
        container.withStartupTimeout(READY_TIMEOUT);
        try {
            container.start();
        } catch (RuntimeException e) {
            container.stop();
            throw new IOException("the Kafka container did not start (" + e.getMessage() + "):\n" + tail(log), e);
        }
        KafkaBroker b = new KafkaBroker(dir, clientPort, securePort, ServerContainers.running(container), true);
        b.awaitReady();
        if (secured != null) {
            b.addScramUser(secured);
        }
        return b;
    }

    private static KafkaBroker start(Path dir, int port, boolean deleteOnClose) throws IOException, InterruptedException {
        return start(dir, port, deleteOnClose, null);
    }

    private static KafkaBroker start(Path dir, int port, boolean deleteOnClose, Secured secured)
            throws IOException, InterruptedException {
        String classpath = brokerClasspath();
        int clientPort = port == 0 ? freePort() : port;
        int controllerPort = freePort();
        int securePort = secured == null ? -1 : freePort();
        Files.createDirectories(dir);
        Path config = dir.resolve("server.properties");
        String properties = serverProperties(dir.resolve("data"), clientPort, controllerPort);
        if (secured != null) {
            // Later lines win in a properties file: the listener lines are replaced.
            properties += securedProperties(clientPort, controllerPort, securePort, secured);
        }
        Files.writeString(config, properties, StandardCharsets.UTF_8);
        Path log = dir.resolve("broker.log");

        // 1. Format the storage (a KRaft node needs a cluster id on disk before it starts), with
        //    the SCRAM credentials of a secured broker.
        List<String> formatArgs = new ArrayList<>(List.of("format", "-t", clusterId(), "-c", config.toString()));
        if (secured != null) {
            formatArgs.addAll(List.of("--add-scram",
                    "SCRAM-SHA-512=[name=" + secured.username() + ",password=" + secured.password() + "]"));
        }
        Process format = java(classpath, log, "kafka.tools.StorageTool", formatArgs.toArray(new String[0]));
        if (!format.waitFor(60, TimeUnit.SECONDS) || format.exitValue() != 0) {
            format.destroyForcibly();
            throw new IOException("formatting the Kafka storage failed:\n" + tail(log));
        }
        // 2. Start the broker and wait until it answers a metadata request.
        Process broker = java(classpath, log, "kafka.Kafka", config.toString());
        KafkaBroker b = new KafkaBroker(dir, clientPort, securePort, ChildProcesses.running(broker, 20), deleteOnClose);
        b.awaitReady();
        return b;
    }

    /**
     * {@code bin/patchwatch kafka start|stop|status [DIR] [PORT]}: a broker for manual runs that
     * outlives this command (its pid in {@code DIR/broker.pid}); {@code stop} ends it.
     */
    public static void main(String[] args) throws Exception {
        String command = args.length > 0 ? args[0] : "status";
        Path dir = Path.of(args.length > 1 ? args[1] : "target/local-kafka");
        Path pidFile = dir.resolve("broker.pid");
        ProcessHandle running = Files.exists(pidFile)
                ? ProcessHandle.of(Long.parseLong(Files.readString(pidFile).strip())).filter(ProcessHandle::isAlive).orElse(null)
                : null;
        switch (command) {
            case "start" -> {
                if (running != null) {
                    System.out.println("kafka: already running (pid " + running.pid() + "), " + Files.readString(dir.resolve("bootstrap")));
                    return;
                }
                deleteRecursively(dir);
                KafkaBroker b = start(dir, args.length > 2 ? Integer.parseInt(args[2]) : 9092);
                Files.writeString(pidFile, Long.toString(b.pid()));
                // The topics of flink-conf/job.example.yaml, so that `patchwatch run` works at once.
                for (String topic : List.of("patchwatch-events", "windows-system-log")) {
                    b.createTopic(topic, 2);
                }
                for (String topic : List.of("patchwatch-alerts", "patchwatch-alerts-json", "patchwatch-dead-letters")) {
                    b.createTopic(topic, 1);
                }
                Files.writeString(dir.resolve("bootstrap"), b.bootstrapServers());
                System.out.println("kafka: running on " + b.bootstrapServers() + " (pid " + b.pid() + ", log " + dir.resolve("broker.log") + ")");
            }
            case "stop" -> {
                if (running == null) {
                    System.out.println("kafka: not running");
                    return;
                }
                running.destroy();
                running.onExit().get(30, TimeUnit.SECONDS);
                Files.deleteIfExists(pidFile);
                System.out.println("kafka: stopped");
            }
            default -> System.out.println(running == null ? "kafka: not running"
                    : "kafka: running on " + Files.readString(dir.resolve("bootstrap")) + " (pid " + running.pid() + ")");
        }
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** The SASL_SSL listener of a {@link #startSecured secured} broker. */
    public String secureBootstrapServers() {
        if (securePort < 0) {
            throw new IllegalStateException("this broker has no SASL_SSL listener");
        }
        return "127.0.0.1:" + securePort;
    }

    public Path directory() {
        return dir;
    }

    /** The broker's process id; a broker in a container has none on this host. */
    public long pid() {
        long pid = server.pid();
        if (pid < 0) {
            throw new IllegalStateException("this broker runs in a container");
        }
        return pid;
    }

    public void createTopic(String name, int partitions) {
        createTopic(name, partitions, Map.of());
    }

    public void createTopic(String name, int partitions, Map<String, String> config) {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1).configs(config))).all().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create topic " + name + ": " + e.getMessage(), e);
        }
    }

    public Admin admin() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 20_000);
        return Admin.create(p);
    }

    @Override
    public void close() {
        server.close();
        if (deleteOnClose) {
            deleteRecursively(dir);
        }
    }

    private void awaitReady() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) {
                throw new IOException("the Kafka broker exited (" + server.exitDescription() + "):\n" + tail(dir.resolve("broker.log")));
            }
            try (Admin admin = admin()) {
                if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
                    return;
                }
            } catch (Exception e) {
                last = e;
            }
            Thread.sleep(500);
        }
        close();
        throw new IOException("the Kafka broker did not answer within " + READY_TIMEOUT.toSeconds() + " s ("
                + (last == null ? "no answer" : last.getMessage()) + "):\n" + tail(dir.resolve("broker.log")));
    }

    /** SCRAM-SHA-512 credentials for the secured listener, in force once the broker lists them. */
    private void addScramUser(Secured secured) throws IOException, InterruptedException {
        try (Admin admin = admin()) {
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(secured.username(),
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192), secured.password())))
                    .all().get(30, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!admin.describeUserScramCredentials(List.of(secured.username())).all().get(10, TimeUnit.SECONDS)
                    .containsKey(secured.username())) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("the broker did not list the SCRAM user " + secured.username() + " within 30 s");
                }
                Thread.sleep(200);
            }
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            close();
            throw new IOException("cannot make the SCRAM user " + secured.username() + ": " + e.getMessage(), e);
        }
    }

    private static String serverProperties(Path data, int port, int controllerPort) {
        return String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "log.dirs=" + data,
                "num.partitions=1",
                "auto.create.topics.enable=false",
                // One node: every replicated internal topic has one replica, or consumers hang.
                "offsets.topic.replication.factor=1",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                // Room for the oversized-message tests (the job refuses records over its own limit).
                "message.max.bytes=8388608",
                "replica.fetch.max.bytes=8388608",
                // The log cleaner looks for work every second (15 s by default): compaction tests wait seconds.
                "log.cleaner.backoff.ms=1000",
                "") ;
    }

    private static String securedProperties(int clientPort, int controllerPort, int securePort, Secured s) {
        return String.join("\n",
                "listeners=PLAINTEXT://127.0.0.1:" + clientPort + ",SASL_SSL://127.0.0.1:" + securePort
                        + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + clientPort + ",SASL_SSL://127.0.0.1:" + securePort,
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,SASL_SSL:SASL_SSL,CONTROLLER:PLAINTEXT",
                "sasl.enabled.mechanisms=SCRAM-SHA-512",
                "listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config="
                        + "org.apache.kafka.common.security.scram.ScramLoginModule required;",
                "ssl.keystore.type=PKCS12",
                "ssl.keystore.location=" + s.keyStore(),
                "ssl.keystore.password=" + s.keyStorePassword(),
                "ssl.key.password=" + s.keyStorePassword(),
                "");
    }

    private static Process java(String classpath, Path log, String main, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xms128m", "-Xmx512m", "-XX:+UseSerialGC", "-Djava.awt.headless=true",
                "-Dlog4j2.level=WARN", "-cp", classpath, main));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
    }

    static String brokerClasspath() throws IOException {
        String file = System.getProperty(CLASSPATH_PROPERTY, System.getenv("PATCHWATCH_KAFKA_CLASSPATH"));
        if (file == null || !Files.isRegularFile(Path.of(file))) {
            throw new IOException("the Kafka broker classpath file is missing (" + file + "): build the module "
                    + "testkit/kafka-broker first (./mvnw -pl testkit/kafka-broker install)");
        }
        return Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
    }

    /** A random KRaft cluster id; never one starting with '-', which the storage tool takes for an option. */
    private static String clusterId() {
        while (true) {
            UUID u = UUID.randomUUID();
            ByteBuffer b = ByteBuffer.allocate(16).putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits());
            String id = Base64.getUrlEncoder().withoutPadding().encodeToString(b.array());
            if (id.charAt(0) != '-') {
                return id;
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
