package io.patchwatch.connectors.sinks.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class ReceiversTest {

    @Test
    void aSecretIsRedactedInEveryEncodingAReceiverMightEchoIt() {
        String secret = "s3cret/t0k+en\"";
        String basic = Base64.getEncoder().encodeToString(("svc.user:" + secret).getBytes(StandardCharsets.UTF_8));
        assertThat(Receivers.encodings(secret)).contains(secret,
                Base64.getEncoder().encodeToString(secret.getBytes(StandardCharsets.UTF_8)),
                "s3cret%2Ft0k%2Ben%22", "s3cret\\/t0k+en\\\"");
        assertThat(Receivers.encodings("svc.user:" + secret)).contains(basic);
    }
}
