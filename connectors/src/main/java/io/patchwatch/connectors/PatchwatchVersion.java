package io.patchwatch.connectors;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** patchwatch's version (from the build), as alert sinks name the product: CEF and LEEF headers. */
public final class PatchwatchVersion {
    private static final String VERSION = read();

    private PatchwatchVersion() {}

    public static String get() {
        return VERSION;
    }

    private static String read() {
        try (InputStream in = PatchwatchVersion.class.getResourceAsStream("version.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "dev");
        } catch (IOException e) {
            return "dev";
        }
    }
}
