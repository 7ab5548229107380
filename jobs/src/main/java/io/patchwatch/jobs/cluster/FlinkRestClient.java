package io.patchwatch.jobs.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * The few calls of Flink's REST API that submitting and stopping the job need: upload a jar, run it,
 * read a job's state, stop it with a savepoint. Errors carry the cluster's own message.
 */
public final class FlinkRestClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    public FlinkRestClient(String url) {
        String u = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        if (!u.startsWith("http://") && !u.startsWith("https://")) {
            throw new IllegalArgumentException("--cluster must be an http(s) URL such as http://127.0.0.1:8081, not '" + url + "'");
        }
        this.base = URI.create(u + "/");
    }

    /** {@code POST /jars/upload}: the jar's id on the cluster. */
    public String uploadJar(Path jar) throws IOException, InterruptedException {
        String boundary = "patchwatch-" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"jarfile\"; filename=\""
                + jar.getFileName() + "\"\r\nContent-Type: application/x-java-archive\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.write(Files.readAllBytes(jar));
        body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        JsonNode r = send(HttpRequest.newBuilder(base.resolve("jars/upload"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .timeout(Duration.ofMinutes(5))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())));
        String file = r.path("filename").asText();
        return file.substring(file.lastIndexOf('/') + 1);
    }

    /** {@code POST /jars/:id/run}: the id of the job it started. */
    public String run(String jarId, List<String> programArgs, Integer parallelism, String savepointPath,
                      boolean allowNonRestoredState) throws IOException, InterruptedException {
        ObjectNode request = JSON.createObjectNode();
        request.putPOJO("programArgsList", programArgs);
        if (parallelism != null) {
            request.put("parallelism", parallelism);
        }
        if (savepointPath != null) {
            request.put("savepointPath", savepointPath);
            request.put("allowNonRestoredState", allowNonRestoredState);
        }
        JsonNode r = send(HttpRequest.newBuilder(base.resolve("jars/" + jarId + "/run"))
                .header("Content-Type", "application/json")
                .timeout(Duration.ofMinutes(5))
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(request))));
        return r.path("jobid").asText();
    }

    /** A job's state: CREATED, RUNNING, RESTARTING, FINISHED, CANCELED, FAILED, ... */
    public String jobState(String jobId) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(base.resolve("jobs/" + jobId)).GET()).path("state").asText();
    }

    /**
     * Whether the job and every one of its tasks run. A job stays RUNNING while it restarts and
     * waits for slots (its tasks SCHEDULED), so the job's state alone does not say it is back.
     */
    public boolean allTasksRunning(String jobId) throws IOException, InterruptedException {
        JsonNode job = send(HttpRequest.newBuilder(base.resolve("jobs/" + jobId)).GET());
        if (!"RUNNING".equals(job.path("state").asText())) {
            return false;
        }
        for (JsonNode vertex : job.path("vertices")) {
            if (!"RUNNING".equals(vertex.path("status").asText())) {
                return false;
            }
        }
        return true;
    }

    /** How many times the job was restored from a checkpoint (after a failure). */
    public long restoredCount(String jobId) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(base.resolve("jobs/" + jobId + "/checkpoints")).GET())
                .path("counts").path("restored").asLong();
    }

    /** The ids of the jobs the cluster knows, with their states. */
    public JsonNode jobs() throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(base.resolve("jobs")).GET()).path("jobs");
    }

    /**
     * {@code POST /jobs/:id/stop}: takes a savepoint into {@code directory} and stops the job;
     * waits for it and returns the savepoint's location.
     */
    public String stopWithSavepoint(String jobId, String directory, Duration timeout) throws IOException, InterruptedException {
        ObjectNode request = JSON.createObjectNode();
        request.put("targetDirectory", directory);
        request.put("drain", false);
        String trigger = send(HttpRequest.newBuilder(base.resolve("jobs/" + jobId + "/stop"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(request)))).path("request-id").asText();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode status = send(HttpRequest.newBuilder(base.resolve("jobs/" + jobId + "/savepoints/" + trigger)).GET());
            if ("COMPLETED".equals(status.path("status").path("id").asText())) {
                JsonNode op = status.path("operation");
                if (op.has("failure-cause")) {
                    throw new IOException("the savepoint failed: " + op.path("failure-cause").path("stack-trace").asText()
                            .lines().findFirst().orElse("(no cause given)"));
                }
                return op.path("location").asText();
            }
            Thread.sleep(250);
        }
        throw new IOException("the savepoint of job " + jobId + " did not complete within " + timeout.toSeconds() + " s");
    }

    private JsonNode send(HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpRequest r = request.build();
        HttpResponse<String> response;
        try {
            response = http.send(r, HttpResponse.BodyHandlers.ofString());
        } catch (java.net.ConnectException e) {
            throw new IOException("cannot reach the Flink cluster at " + base + " (is it running?)", e);
        }
        JsonNode body = response.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(response.body());
        if (response.statusCode() >= 300) {
            String errors = body.path("errors").toString();
            throw new IOException(r.method() + " " + r.uri().getPath() + ": HTTP " + response.statusCode() + " " + errors);
        }
        return body;
    }
}
