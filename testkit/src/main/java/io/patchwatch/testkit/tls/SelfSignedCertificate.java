package io.patchwatch.testkit.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A key pair (RSA: GnuTLS, rsyslog's TLS, refuses the JDK's PKCS#8 EC keys, which leave out the
 * public key) and self-signed certificate for a TLS receiver in tests, made with the JDK's keytool
 * (no library needed): a PKCS#12 key store for the server and the certificate as PEM, which a
 * client names as its CA file. {@code subjectAltName} decides which host names it is valid for.
 *
 * <pre>{@code
 * SelfSignedCertificate cert = SelfSignedCertificate.create(dir, "ip:127.0.0.1,dns:localhost");
 * }</pre>
 */
public final class SelfSignedCertificate {
    private static final String PASSWORD = "test-only";

    private final Path keyStore;
    private final Path pem;

    private SelfSignedCertificate(Path keyStore, Path pem) {
        this.keyStore = keyStore;
        this.pem = pem;
    }

    public static SelfSignedCertificate create(Path dir, String subjectAltName) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path ks = dir.resolve("receiver.p12");
        Path pem = dir.resolve("receiver.pem");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        run(List.of(keytool, "-genkeypair", "-alias", "receiver", "-keyalg", "RSA", "-keysize", "2048",
                "-dname", "CN=patchwatch test receiver", "-ext", "SAN=" + subjectAltName, "-validity", "2",
                "-keystore", ks.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD, "-keypass", PASSWORD));
        run(List.of(keytool, "-exportcert", "-rfc", "-alias", "receiver", "-keystore", ks.toString(),
                "-storepass", PASSWORD, "-file", pem.toString()));
        return new SelfSignedCertificate(ks, pem);
    }

    /** The PKCS#12 key store with the key and certificate (a server's side), password {@link #keyStorePassword()}. */
    public Path keyStore() {
        return keyStore;
    }

    public String keyStorePassword() {
        return PASSWORD;
    }

    /** The certificate, PEM: what a client trusts as its CA file. */
    public Path pem() {
        return pem;
    }

    /**
     * The private key as an unencrypted PKCS#8 PEM file beside the certificate, for a server that is
     * not a JVM (rsyslog's TLS listener). Test-only keys: written readable by this user alone.
     */
    public Path keyPem() {
        Path key = pem.resolveSibling("receiver-key.pem");
        try (InputStream in = Files.newInputStream(keyStore)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, PASSWORD.toCharArray());
            byte[] pkcs8 = store.getKey("receiver", PASSWORD.toCharArray()).getEncoded();
            String body = java.util.Base64.getMimeEncoder(64, "\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                    .encodeToString(pkcs8);
            Files.writeString(key, "-----BEGIN PRIVATE KEY-----\n" + body + "\n-----END PRIVATE KEY-----\n");
            return key;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot export the test key of " + keyStore, e);
        }
    }

    /** The server's side: an SSL context presenting this certificate. */
    public SSLContext serverContext() {
        try (InputStream in = Files.newInputStream(keyStore)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, PASSWORD.toCharArray());
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(store, PASSWORD.toCharArray());
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), null, null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot load the test key store " + keyStore, e);
        }
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IOException("keytool failed: " + output);
        }
    }
}
