package io.patchwatch.jobs.jobconfig;


import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.patchwatch.connectors.sinks.delivery.SecretRef;
import io.patchwatch.connectors.sinks.delivery.SinkSpec;
import io.patchwatch.connectors.sinks.delivery.SinkType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SinkConfigsTest {
    private static final String BASE = JobConfigTest.MINIMAL + "sinks:\n";

    private static List<SinkSpec> sinks(String yaml) {
        return JobConfig.parse((BASE + yaml).getBytes(StandardCharsets.UTF_8), "job.yaml", Path.of(".")).sinks();
    }

    @Test
    void everyTypeWithItsSettings() {
        List<SinkSpec> specs = sinks("""
                  - name: pagerduty-acme
                    type: pagerduty
                    routing_key_env: PD_KEY
                    route: {tenants: [acme], severities: [critical, error], rules: [offline-after-patch]}
                    delivery: {max_in_flight: 4, timeout: 20s, backoff_initial: 500ms, backoff_max: 1m, max_age: 2h, max_pending: 5000}
                  - name: am
                    type: alertmanager
                    url: http://127.0.0.1:9093
                    resend_interval: 30s
                  - name: itsm
                    type: servicenow
                    url: https://acme.service-now.com
                    username: patchwatch.integration
                    password_file: /run/secrets/sn
                  - name: opsgenie
                    type: opsgenie
                    url: https://api.eu.opsgenie.com
                    api_key_env: OG_KEY
                  - name: slack
                    type: webhook
                    url_env: SLACK_URL
                    template: '{"text": "[{{severity}}] {{message}}"}'
                  - name: siem
                    type: syslog
                    address: siem.example.com:6514
                    tls: true
                    format: leef
                    ca_file: /etc/patchwatch/siem-ca.pem
                  - name: splunk
                    type: splunk-hec
                    url: https://splunk.example.com:8088
                    token_env: HEC_TOKEN
                    index: itops
                """);
        assertThat(specs).extracting(SinkSpec::type).containsExactly(SinkType.PAGERDUTY, SinkType.ALERTMANAGER,
                SinkType.SERVICENOW, SinkType.OPSGENIE, SinkType.WEBHOOK, SinkType.SYSLOG, SinkType.SPLUNK_HEC);
        SinkSpec pd = specs.get(0);
        assertThat(pd.url()).isEqualTo("https://events.pagerduty.com/v2/enqueue");
        assertThat(pd.secret()).isEqualTo(SecretRef.ofEnv("PD_KEY"));
        assertThat(pd.route().tenants()).isEqualTo(Set.of("acme"));
        assertThat(pd.route().rules()).isEqualTo(Set.of("offline-after-patch"));
        assertThat(pd.policy().maxInFlight()).isEqualTo(4);
        assertThat(pd.policy().initialBackoff()).isEqualTo(Duration.ofMillis(500));
        assertThat(pd.policy().maxAge()).isEqualTo(Duration.ofHours(2));
        assertThat(pd.policy().resendInterval()).isZero();
        assertThat(specs.get(1).policy().resendInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(specs.get(1).options()).containsEntry("validity", "PT5M");
        assertThat(specs.get(2).secret()).isEqualTo(SecretRef.ofFile("/run/secrets/sn"));
        assertThat(specs.get(3).url()).isEqualTo("https://api.eu.opsgenie.com");
        assertThat(specs.get(4).urlSecret()).isEqualTo(SecretRef.ofEnv("SLACK_URL"));
        assertThat(specs.get(5).options()).containsEntry("format", "leef").containsEntry("tls", "true");
        assertThat(specs.get(5).caFile()).isEqualTo("/etc/patchwatch/siem-ca.pem");
        assertThat(specs.get(6).options()).containsEntry("index", "itops");
        assertThat(specs.get(6).policy().timeout()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void theCommentedSinksOfTheExampleFileAreValid() throws Exception {
        String example = java.nio.file.Files.readString(Path.of("../flink-conf/job.example.yaml"));
        String block = example.substring(example.indexOf("# sinks:\n") + "# sinks:\n".length());
        String uncommented = block.lines().map(l -> l.replaceFirst("^# ", "")).collect(java.util.stream.Collectors.joining("\n"));
        assertThat(sinks(uncommented + "\n")).extracting(SinkSpec::name).containsExactly("pagerduty", "alertmanager", "siem", "slack");
    }

    @Test
    void theJobYamlOfTheKubernetesExampleIsValid() throws Exception {
        String manifest = java.nio.file.Files.readString(Path.of("../flink-conf/kubernetes/flinkdeployment.yaml"));
        String block = manifest.substring(manifest.indexOf("  job.yaml: |\n") + "  job.yaml: |\n".length(), manifest.indexOf("\n---"));
        String yaml = block.lines().map(l -> l.length() >= 4 ? l.substring(4) : l).collect(java.util.stream.Collectors.joining("\n"));
        JobConfig config = JobConfig.parse(yaml.getBytes(StandardCharsets.UTF_8), "flinkdeployment.yaml", Path.of("."));
        assertThat(config.sinks()).extracting(SinkSpec::name).containsExactly("pagerduty", "siem");
        assertThat(manifest).contains("name: " + config.sinks().get(0).secret().env());
    }

    @Test
    void secretsAreNeverInlineAndNeverEcho() {
        assertThatThrownBy(() -> sinks("""
                  - {name: pd, type: pagerduty, routing_key: R0UT1NGKEY}
                """)).hasMessageContaining("sinks[0] (pd): routing_key: secrets are not read from the config file")
                .hasMessageNotContaining("R0UT1NGKEY");
        assertThatThrownBy(() -> sinks("""
                  - {name: hec, type: splunk-hec, url: "https://s:8088", token: abc}
                """)).hasMessageContaining("token_env");
        assertThatThrownBy(() -> sinks("""
                  - {name: pd, type: pagerduty}
                """)).hasMessageContaining("needs routing_key_env");
    }

    @Test
    void mistakesNameTheSinkAndTheKey() {
        assertThatThrownBy(() -> sinks("  - {name: x, type: pagerduty, routing_key_env: K, index: itops}\n"))
                .hasMessageContaining("sinks[0] (x): index is not a setting of a pagerduty sink");
        assertThatThrownBy(() -> sinks("  - {name: x, type: teams}\n"))
                .hasMessageContaining("unknown sink type 'teams'");
        assertThatThrownBy(() -> sinks("  - {name: x, type: webhook, url: 'http://h/x', template: '{\"t\": {{message}}}'}\n"))
                .hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> sinks("  - {name: x, type: webhook, url: 'ftp://h/x', template: '{}'}\n"))
                .hasMessageContaining("not an http(s) URL");
        assertThatThrownBy(() -> sinks("  - {name: x, type: syslog, address: siem}\n"))
                .hasMessageContaining("is not host:port");
        assertThatThrownBy(() -> sinks("  - {name: x, type: alertmanager, url: 'http://h:9093', resend_interval: 10m}\n"))
                .hasMessageContaining("shorter than alert_validity");
        assertThatThrownBy(() -> sinks("  - {name: x, type: opsgenie, api_key_env: K, route: {severities: [major]}}\n"))
                .hasMessageContaining("'major' is not one of");
        assertThatThrownBy(() -> sinks("  - {name: x, type: opsgenie, api_key_env: K}\n  - {name: x, type: opsgenie, api_key_env: K}\n"))
                .hasMessageContaining("sinks[1] (x).name: a second sink");
        assertThatThrownBy(() -> sinks("  - {name: x, type: opsgenie, api_key_env: K, delivery: {max_in_flight: 0}}\n"))
                .hasMessageContaining("sinks[0] (x): max_in_flight must be at least 1");
        assertThatThrownBy(() -> sinks("  - {name: x, type: opsgenie, api_key_env: K, delivery: {max_infligt: 3}}\n"))
                .hasMessageContaining("unknown key 'max_infligt'");
    }

    @Test
    void aDisabledSinkIsCheckedButNotUsed() {
        assertThat(sinks("  - {name: on, type: opsgenie, api_key_env: K}\n"
                + "  - {name: off, type: opsgenie, api_key_env: K, enabled: false}\n"))
                .extracting(SinkSpec::name).containsExactly("on");
        assertThatThrownBy(() -> sinks("  - {name: off, type: opsgenie, enabled: false}\n"))
                .hasMessageContaining("needs api_key_env");
    }

    @Test
    void aLocalRunChecksThatEverySecretCanBeRead() {
        JobConfig config = JobConfig.parse((BASE + "  - {name: pd, type: pagerduty, routing_key_env: PD_KEY}\n")
                .getBytes(StandardCharsets.UTF_8), "job.yaml", Path.of("."));
        config.requireSinkSecrets(Map.of("PD_KEY", "k"));
        assertThatThrownBy(() -> config.requireSinkSecrets(Map.of()))
                .hasMessage("sink pd: environment variable PD_KEY is not set");
    }

    @Test
    void credentialsInHeadersOrInTheUrlAreRefusedNamingTheKey() {
        assertThatThrownBy(() -> sinks("""
                  - name: hook
                    type: webhook
                    url: https://hooks.example.com/alerts
                    headers: {X-Api-Key: hunter2}
                    template: '{"text": "{{message}}"}'
                """)).hasMessageContaining("headers.X-Api-Key").hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> sinks("""
                  - name: hook
                    type: webhook
                    url: https://hooks.example.com/alerts
                    headers: {Authorization: Basic aHVudGVyMg==}
                    template: '{"text": "{{message}}"}'
                """)).hasMessageContaining("headers.Authorization").hasMessageNotContaining("aHVudGVyMg");
        assertThatThrownBy(() -> sinks("""
                  - name: am
                    type: alertmanager
                    url: https://admin:hunter2@am.example.com:9093
                """)).hasMessageContaining("url: credentials in the URL").hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> sinks("""
                  - name: hook
                    type: webhook
                    url: https://hooks.example.com/alerts?team=ops&token=hunter2
                    template: '{"text": "{{message}}"}'
                """)).hasMessageContaining("'token'").hasMessageNotContaining("hunter2");
        // A harmless header stays allowed.
        assertThat(sinks("""
                  - name: hook
                    type: webhook
                    url: https://hooks.example.com/alerts?team=ops
                    headers: {X-Source: patchwatch}
                    template: '{"text": "{{message}}"}'
                """).get(0).headers()).containsEntry("X-Source", "patchwatch");
    }
}
