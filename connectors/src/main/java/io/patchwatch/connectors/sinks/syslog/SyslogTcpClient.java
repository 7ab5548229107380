package io.patchwatch.connectors.sinks.syslog;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLContext;

/**
 * One TCP connection to a syslog receiver (RFC 6587 octet counting), optionally over TLS (RFC 5425)
 * with the given trust (the JVM's or a CA file's) and host name verification on: a receiver whose certificate does not
 * match is refused, never trusted silently. Not thread-safe; a send that fails closes the connection
 * and the next send opens a new one, so retries belong to the caller.
 */
public final class SyslogTcpClient implements AutoCloseable {
    private final String host;
    private final int port;
    private final SSLContext tls;
    private final int timeoutMs;
    private Socket socket;
    private OutputStream out;

    /** @param tls null for plain TCP */
    public SyslogTcpClient(String host, int port, SSLContext tls, int timeoutMs) {
        this.host = host;
        this.port = port;
        this.tls = tls;
        this.timeoutMs = timeoutMs;
    }

    /** Sends one RFC 5424 message, octet-counted. */
    public void send(String message) throws IOException {
        byte[] frame = Rfc5424.frame(message);
        try {
            if (out == null) {
                connect();
            }
            out.write(frame);
            out.flush();
        } catch (IOException e) {
            close();
            throw e;
        }
    }

    private void connect() throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress(host, port), timeoutMs);
        s.setSoTimeout(timeoutMs);
        if (tls != null) {
            SSLSocket ssl = (SSLSocket) tls.getSocketFactory().createSocket(s, host, port, true);
            SSLParameters params = ssl.getSSLParameters();
            params.setEndpointIdentificationAlgorithm("HTTPS");
            ssl.setSSLParameters(params);
            ssl.startHandshake();
            s = ssl;
        }
        socket = s;
        out = s.getOutputStream();
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException e) {
                // closing a broken connection
            }
        }
        socket = null;
        out = null;
    }
}
