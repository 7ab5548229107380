package io.patchwatch.connectors.adapters;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HostNamesTest {

    @Test
    void aDnsSuffixIsDroppedAndAddressesAreKeptWhole() {
        assertThat(HostNames.device("web01.corp.example.com")).isEqualTo("web01");
        assertThat(HostNames.device(" 10.0.0.15 ")).isEqualTo("10.0.0.15");
        assertThat(HostNames.device("fe80::1")).isEqualTo("fe80::1");
        assertThat(HostNames.device("1.2.3")).isEqualTo("1");
        assertThat(HostNames.device("1.2.3.4.5")).isEqualTo("1");
        assertThat(HostNames.device("1234.2.3.4")).isEqualTo("1234");
        assertThat(HostNames.device("1.2..4")).isEqualTo("1");
        assertThat(HostNames.device("SRV-01")).isEqualTo("SRV-01");
    }
}
