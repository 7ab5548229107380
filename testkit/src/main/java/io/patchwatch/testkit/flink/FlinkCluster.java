package io.patchwatch.testkit.flink;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import io.patchwatch.testkit.ChildProcesses;
import io.patchwatch.testkit.RunningServer;
import io.patchwatch.testkit.containers.ServerContainers;
import io.patchwatch.testkit.containers.ServerImage;
import org.testcontainers.containers.BindMode;

/**
 * A Flink standalone session cluster on 127.0.0.1: one JobManager and any number of TaskManagers,
 * each its own JVM, from the jars listed in {@code testkit/flink-cluster/target/flink-cluster.classpath}
 * (the build writes it; tests get its path in the system property {@value #CLASSPATH_PROPERTY}).
 * The cluster's config.yaml is {@code flink-conf/config.yaml} with this cluster's ports and
 * directories put in, so what the tests run is what users deploy.
 *
 * <p>When the tests run their servers as containers ({@link ServerContainers#enabled()}), each JVM
 * runs in a container of {@link ServerImage#FLINK} on the host's network, with the same command: the
 * jars are mounted read-only at their paths, the temporary folder (the cluster's folder, checkpoints,
 * savepoints, files the job reads such as a token) read-write at its path. {@code bin/patchwatch
 * cluster start} always runs processes.
 *
 * <pre>{@code
 * try (FlinkCluster flink = FlinkCluster.start(dir, Path.of("flink-conf"), Map.of())) {
 *     String rest = flink.restUrl();
 *     flink.killTaskManager();          // kill -9
 *     flink.startTaskManager();
 * }
 * }</pre>
 */
public final class FlinkCluster implements AutoCloseable {
    public static final String CLASSPATH_PROPERTY = "patchwatch.flink.classpath";
    public static final String CONF_PROPERTY = "patchwatch.flink.conf";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);
    private static final List<String> OPENS = List.of(
            "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.util=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED", "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.nio=ALL-UNNAMED", "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/java.net=ALL-UNNAMED", "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.text=ALL-UNNAMED", "--add-opens=java.base/java.time=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED", "--add-exports=java.base/sun.net.util=ALL-UNNAMED",
            "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
            "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED");

    private final Path dir;
    private final String classpath;
    private final int restPort;
    private final RunningServer jobManager;
    private final List<RunningServer> taskManagers = new ArrayList<>();
    private final boolean deleteOnClose;
    private final boolean inContainers;
    private int taskManagersStarted;

    private FlinkCluster(Path dir, String classpath, int restPort, RunningServer jobManager, boolean deleteOnClose,
                         boolean inContainers) {
        this.dir = dir;
        this.classpath = classpath;
        this.restPort = restPort;
        this.jobManager = jobManager;
        this.deleteOnClose = deleteOnClose;
        this.inContainers = inContainers;
    }

    /**
     * Writes {@code dir/conf}, starts the JobManager and one TaskManager and waits until the
     * TaskManager has registered.
     *
     * @param flinkConf the directory holding config.yaml and log4j-cluster.properties
     * @param overrides config.yaml keys to set besides the ports and directories of this cluster
     *                  (rest.port 0 picks a free port)
     */
    public static FlinkCluster start(Path dir, Path flinkConf, Map<String, String> overrides) throws IOException, InterruptedException {
        return start(dir, flinkConf, overrides, false, ServerContainers.enabled());
    }

    /** A cluster in a temporary directory, deleted on {@link #close()}. */
    public static FlinkCluster startTemporary(Map<String, String> overrides) throws IOException, InterruptedException {
        return start(Files.createTempDirectory("patchwatch-flink-"), Path.of(requiredProperty(CONF_PROPERTY, "PATCHWATCH_FLINK_CONF")),
                overrides, true, ServerContainers.enabled());
    }

    private static FlinkCluster start(Path dir, Path flinkConf, Map<String, String> overrides, boolean deleteOnClose,
                                      boolean inContainers) throws IOException, InterruptedException {
        String classpath = Files.readString(Path.of(requiredProperty(CLASSPATH_PROPERTY, "PATCHWATCH_FLINK_CLASSPATH"))).strip();
        Path conf = dir.resolve("conf");
        Files.createDirectories(conf);
        Files.createDirectories(dir.resolve("log"));
        Files.createDirectories(dir.resolve("tmp"));

        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("jobmanager.rpc.port", Integer.toString(freePort()));
        settings.put("rest.port", "0");
        settings.put("execution.checkpointing.dir", dir.resolve("checkpoints").toUri().toString());
        settings.put("execution.checkpointing.savepoint-dir", dir.resolve("savepoints").toUri().toString());
        settings.put("io.tmp.dirs", dir.resolve("tmp").toString());
        settings.put("web.upload.dir", dir.resolve("tmp").toString());
        settings.put("web.tmpdir", dir.resolve("tmp").toString());
        settings.putAll(overrides);
        if ("0".equals(settings.get("rest.port"))) {
            settings.put("rest.port", Integer.toString(freePort()));
        }
        String template = Files.readString(flinkConf.resolve("config.yaml"), StandardCharsets.UTF_8);
        Files.writeString(conf.resolve("config.yaml"), withSettings(template, settings), StandardCharsets.UTF_8);
        Files.copy(flinkConf.resolve("log4j-cluster.properties"), conf.resolve("log4j.properties"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        int restPort = Integer.parseInt(settings.get("rest.port"));
        RunningServer jm = launch(dir, classpath, "jobmanager", "GET_JM_RESOURCE_PARAMS",
                "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint", inContainers);
        FlinkCluster cluster = new FlinkCluster(dir, classpath, restPort, jm, deleteOnClose, inContainers);
        try {
            cluster.startTaskManager();
            cluster.awaitTaskManagers(1);
        } catch (IOException | RuntimeException e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    /**
     * {@code bin/patchwatch cluster start|stop|status [DIR] [REST_PORT]}: a cluster for manual runs
     * that outlives this command (pids in {@code DIR/*.pid}); {@code stop} ends it.
     */
    public static void main(String[] args) throws Exception {
        String command = args.length > 0 ? args[0] : "status";
        Path dir = Path.of(args.length > 1 ? args[1] : "target/local-flink");
        Path flinkConf = Path.of(requiredProperty(CONF_PROPERTY, "PATCHWATCH_FLINK_CONF"));
        List<ProcessHandle> running = new ArrayList<>();
        for (String name : List.of("jobmanager.pid", "taskmanager.pid")) {
            Path pid = dir.resolve(name);
            if (Files.exists(pid)) {
                for (String line : Files.readAllLines(pid)) {
                    ProcessHandle.of(Long.parseLong(line.strip())).filter(ProcessHandle::isAlive).ifPresent(running::add);
                }
            }
        }
        String url = Files.exists(dir.resolve("rest-url")) ? Files.readString(dir.resolve("rest-url")) : "";
        switch (command) {
            case "start" -> {
                if (!running.isEmpty()) {
                    System.out.println("flink: already running, " + url);
                    return;
                }
                deleteRecursively(dir);
                String port = args.length > 2 ? args[2] : "8081";
                FlinkCluster c = start(dir, flinkConf, Map.of("rest.port", port,
                        "execution.checkpointing.dir", dir.toAbsolutePath().resolve("checkpoints").toUri().toString(),
                        "execution.checkpointing.savepoint-dir", dir.toAbsolutePath().resolve("savepoints").toUri().toString()),
                        false, false);
                Files.writeString(dir.resolve("jobmanager.pid"), Long.toString(c.jobManager.pid()));
                Files.writeString(dir.resolve("taskmanager.pid"), Long.toString(c.taskManagers.get(0).pid()));
                Files.writeString(dir.resolve("rest-url"), c.restUrl());
                System.out.println("flink: JobManager and TaskManager running, " + c.restUrl() + " (logs in " + dir.resolve("log")
                        + ", checkpoints in " + dir.resolve("checkpoints") + ")");
            }
            case "stop" -> {
                if (running.isEmpty()) {
                    System.out.println("flink: not running");
                    return;
                }
                for (ProcessHandle p : running) {
                    p.destroy();
                }
                for (ProcessHandle p : running) {
                    p.onExit().get(30, TimeUnit.SECONDS);
                }
                Files.deleteIfExists(dir.resolve("jobmanager.pid"));
                Files.deleteIfExists(dir.resolve("taskmanager.pid"));
                System.out.println("flink: stopped");
            }
            default -> System.out.println(running.isEmpty() ? "flink: not running" : "flink: running, " + url);
        }
    }

    public String restUrl() {
        return "http://127.0.0.1:" + restPort;
    }

    public Path directory() {
        return dir;
    }

    /** The log of the JobManager (for failure messages). */
    public Path jobManagerLog() {
        return dir.resolve("log").resolve("jobmanager.log");
    }

    /** Starts one more TaskManager JVM (it registers with the JobManager on its own). */
    public synchronized void startTaskManager() throws IOException, InterruptedException {
        taskManagersStarted++;
        taskManagers.add(launch(dir, classpath, "taskmanager-" + taskManagersStarted, "GET_TM_RESOURCE_PARAMS",
                "org.apache.flink.runtime.taskexecutor.TaskManagerRunner", inContainers));
    }

    /** {@code kill -9} of the oldest running TaskManager: no shutdown hook, no goodbye to the JobManager. */
    public synchronized void killTaskManager() throws InterruptedException {
        taskManagers.remove(0).kill();
    }

    /** Waits until {@code count} TaskManagers are registered with the JobManager. */
    public void awaitTaskManagers(int count) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            if (!jobManager.isAlive()) {
                throw new IOException("the JobManager exited (" + jobManager.exitDescription() + "):\n" + tail(jobManagerLog()));
            }
            try {
                last = get("/overview");
                Matcher m = Pattern.compile("\"taskmanagers\"\\s*:\\s*(\\d+)").matcher(last);
                if (m.find() && Integer.parseInt(m.group(1)) >= count) {
                    return;
                }
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(300);
        }
        throw new IOException("the Flink cluster did not have " + count + " TaskManager(s) within "
                + READY_TIMEOUT.toSeconds() + " s (" + last + "):\n" + tail(jobManagerLog()));
    }

    /** GET on the REST API; the body as text. */
    public String get(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build().send(
                HttpRequest.newBuilder(URI.create(restUrl() + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("GET " + path + ": HTTP " + r.statusCode() + " " + r.body());
        }
        return r.body();
    }

    @Override
    public synchronized void close() {
        for (RunningServer tm : taskManagers) {
            tm.close();
        }
        jobManager.close();
        taskManagers.clear();
        if (deleteOnClose) {
            deleteRecursively(dir);
        }
    }

    /**
     * Starts one Flink process as Flink's scripts would: memory flags and dynamic properties
     * computed by BashJavaUtils from config.yaml, the JVM options of {@code env.java.opts.all}, the
     * Java 17 opens, a log file of its own.
     */
    private static RunningServer launch(Path dir, String classpath, String name, String resourceCommand, String main,
                                        boolean inContainer) throws IOException, InterruptedException {
        Path conf = dir.resolve("conf");
        Path log = dir.resolve("log").resolve(name + ".log");
        List<String> resources = bashJavaUtils(dir, classpath, resourceCommand);
        List<String> cmd = new ArrayList<>();
        cmd.add(inContainer ? "java" : Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(splitArgs(resources.get(0)));
        cmd.addAll(OPENS);
        cmd.addAll(splitArgs(configValue(conf.resolve("config.yaml"), "env.java.opts.all")));
        cmd.addAll(List.of("-XX:+UseSerialGC", "-Djava.awt.headless=true",
                "-Dlog.file=" + log, "-Dlog4j.configurationFile=" + conf.resolve("log4j.properties").toUri(),
                "-cp", classpath, main, "--configDir", conf.toString()));
        if (resources.size() > 1) {
            cmd.addAll(splitArgs(resources.get(1)));
        }
        Path out = dir.resolve("log").resolve(name + ".out");
        if (inContainer) {
            return ServerContainers.runCommand(ServerImage.FLINK, cmd, containerMounts(dir, classpath), out);
        }
        return ChildProcesses.running(new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start(), 30);
    }

    /**
     * What a JobManager or TaskManager container sees of the host, each at its own path: the
     * temporary folder read-write (this cluster's folder lies in it, and so do the savepoints and
     * files a test's job reads), the jars of the classpath read-only (a Maven repository whole,
     * other jars by their folder).
     */
    private static Map<Path, BindMode> containerMounts(Path dir, String classpath) {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath().normalize();
        Map<Path, BindMode> mounts = new LinkedHashMap<>();
        mounts.put(tmp, BindMode.READ_WRITE);
        Path absolute = dir.toAbsolutePath().normalize();
        if (!absolute.startsWith(tmp)) {
            mounts.put(absolute, BindMode.READ_WRITE);
        }
        for (String entry : classpath.split(File.pathSeparator)) {
            Path jar = Path.of(entry).toAbsolutePath().normalize();
            Path root = jar.getParent();
            for (Path p = jar.getParent(); p != null; p = p.getParent()) {
                if (p.getFileName() != null && p.getFileName().toString().equals("repository")) {
                    root = p;
                    break;
                }
            }
            Path r = root;
            if (mounts.keySet().stream().noneMatch(r::startsWith)) {
                mounts.put(r, BindMode.READ_ONLY);
            }
        }
        return mounts;
    }

    /** The lines BashJavaUtils prints after {@code BASH_JAVA_UTILS_EXEC_RESULT:}: JVM flags, then -D properties. */
    private static List<String> bashJavaUtils(Path dir, String classpath, String command) throws IOException, InterruptedException {
        Path out = dir.resolve("log").resolve("bash-java-utils.out");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-cp", classpath, "org.apache.flink.runtime.util.bash.BashJavaUtils", command,
                "--configDir", dir.resolve("conf").toString())
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .start();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException("BashJavaUtils " + command + " failed:\n" + tail(out));
        }
        List<String> results = new ArrayList<>();
        for (String line : Files.readAllLines(out)) {
            if (line.startsWith("BASH_JAVA_UTILS_EXEC_RESULT:")) {
                results.add(line.substring("BASH_JAVA_UTILS_EXEC_RESULT:".length()).strip());
            }
        }
        if (results.isEmpty()) {
            throw new IOException("BashJavaUtils " + command + " printed no result:\n" + tail(out));
        }
        return results;
    }

    /** config.yaml with each setting's line replaced, or appended when the template lacks it. */
    static String withSettings(String template, Map<String, String> settings) {
        Map<String, String> left = new LinkedHashMap<>(settings);
        StringBuilder out = new StringBuilder();
        for (String line : template.split("\n", -1)) {
            int colon = line.indexOf(':');
            String key = colon > 0 && !line.startsWith("#") && !line.startsWith(" ") ? line.substring(0, colon) : null;
            if (key != null && left.containsKey(key)) {
                out.append(key).append(": ").append(left.remove(key)).append('\n');
            } else {
                out.append(line).append('\n');
            }
        }
        out.append("\n# Set by the patchwatch launcher\n");
        left.forEach((k, v) -> out.append(k).append(": ").append(v).append('\n'));
        return out.toString();
    }

    private static String configValue(Path configYaml, String key) throws IOException {
        for (String line : Files.readAllLines(configYaml)) {
            if (line.startsWith(key + ":")) {
                return line.substring(key.length() + 1).strip();
            }
        }
        return "";
    }

    private static List<String> splitArgs(String s) {
        List<String> out = new ArrayList<>();
        for (String part : s.strip().split("\\s+")) {
            if (!part.isEmpty()) {
                out.add(part);
            }
        }
        return out;
    }

    private static String requiredProperty(String property, String env) throws IOException {
        String v = System.getProperty(property, System.getenv(env));
        if (v == null || !Files.exists(Path.of(v))) {
            throw new IOException("the Flink cluster needs " + property + " (or " + env + ") naming an existing file ("
                    + v + "): build the module testkit/flink-cluster first (./mvnw -pl testkit/flink-cluster -am install)");
        }
        return v;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort: a temporary directory
        }
    }
}
