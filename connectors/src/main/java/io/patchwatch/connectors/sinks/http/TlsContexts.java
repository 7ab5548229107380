package io.patchwatch.connectors.sinks.http;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS for sinks whose receiver has a certificate from a private CA (an on-premises Splunk or
 * syslog collector): trust the CA certificates of a PEM file instead of the JVM's. Verification of
 * the chain and the host name stays on; there is deliberately no switch to turn it off.
 */
public final class TlsContexts {
    private TlsContexts() {}

    /** The JVM's default context when {@code caFile} is null. */
    public static SSLContext trusting(String caFile) {
        try {
            if (caFile == null) {
                return SSLContext.getDefault();
            }
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            try (InputStream in = Files.newInputStream(Path.of(caFile))) {
                int i = 0;
                for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                    store.setCertificateEntry("ca-" + i++, c);
                }
                if (i == 0) {
                    throw new IllegalStateException(caFile + ": no certificate in this PEM file");
                }
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot load CA certificates from " + caFile + ": " + e.getMessage(), e);
        }
    }
}
