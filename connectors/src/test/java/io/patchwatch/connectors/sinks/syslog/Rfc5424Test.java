package io.patchwatch.connectors.sinks.syslog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Rfc5424Test {
    @Test
    void messageHasPriorityVersionTimeAndNilFields() {
        String m = Rfc5424.message(Rfc5424.DEFAULT_FACILITY, 2, 1_762_740_000_123L, "pw-host", "patchwatch",
                "offline-after-patch", "CEF:0|x");

        assertThat(m).isEqualTo("<130>1 2025-11-10T02:00:00.123Z pw-host patchwatch - offline-after-patch - CEF:0|x");
    }

    @Test
    void headerFieldsAreSanitizedAndBounded() {
        String m = Rfc5424.message(16, 5, 0, "host with spaces", "app\u00e9", "", "p");
        assertThat(m).endsWith(" host_with_spaces app_ - - - p");
        assertThat(Rfc5424.field("x".repeat(300), 255)).hasSize(255);
    }

    @Test
    void octetCountingCountsUtf8Bytes() {
        String m = "<134>1 - - - - - - d\u00e9j\u00e0 vu";
        byte[] framed = Rfc5424.frame(m);
        int length = m.getBytes(StandardCharsets.UTF_8).length;
        assertThat(new String(framed, StandardCharsets.UTF_8)).isEqualTo(length + " " + m);
        assertThat(length).isGreaterThan(m.length());
    }

    @Test
    void cefSeverityMapsToSyslogSeverity() {
        assertThat(Rfc5424.syslogSeverity(10)).isEqualTo(2);
        assertThat(Rfc5424.syslogSeverity(7)).isEqualTo(3);
        assertThat(Rfc5424.syslogSeverity(5)).isEqualTo(4);
        assertThat(Rfc5424.syslogSeverity(0)).isEqualTo(5);
    }

    @Test
    void outOfRangePriorityIsRefused() {
        assertThatThrownBy(() -> Rfc5424.message(24, 0, 0, "h", "a", "m", "p")).isInstanceOf(IllegalArgumentException.class);
    }
}
