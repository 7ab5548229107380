package io.patchwatch.testkit;

import io.patchwatch.testkit.containers.ServerContainers;
import io.patchwatch.testkit.containers.ServerImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts a server of the tests (Prometheus, Alertmanager, rsyslog) with its arguments, as a container
 * or as a child process, whichever {@link ServerContainers#enabled()} says; the server class then
 * waits for it on its port the same way.
 */
public final class TestServers {
    private TestServers() {}

    /**
     * @param binary the host binary a child process runs (a container runs its image's own)
     * @param debianPackage what installs {@code binary}, for the error message when it is missing
     * @param dir the server's folder: every file its arguments name lies in it
     */
    public static RunningServer start(ServerImage image, String binary, String debianPackage, List<String> args,
                                      Path dir, Path log, int graceSeconds) throws IOException {
        if (ServerContainers.enabled()) {
            return ServerContainers.run(image, args, dir, log);
        }
        if (!Files.isExecutable(Path.of(binary))) {
            throw new IOException(binary + " is missing: install the Debian package (apt-get install " + debianPackage
                    + "), or run the servers as containers (-D" + ServerContainers.SERVERS_PROPERTY + "=containers)");
        }
        List<String> command = new ArrayList<>(List.of(binary));
        command.addAll(args);
        return ChildProcesses.run(command, log, graceSeconds);
    }
}
