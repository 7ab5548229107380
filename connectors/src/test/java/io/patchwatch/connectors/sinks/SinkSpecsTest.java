package io.patchwatch.connectors.sinks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.patchwatch.connectors.config.ConfigException;
import io.patchwatch.connectors.config.SecretRef;
import io.patchwatch.connectors.sinks.alertmanager.AlertmanagerSink;
import io.patchwatch.connectors.sinks.delivery.SinkSpec;
import io.patchwatch.connectors.sinks.pagerduty.PagerDutySink;
import io.patchwatch.connectors.sinks.splunk.SplunkHecSink;
import io.patchwatch.connectors.sinks.syslog.SyslogSink;
import io.patchwatch.connectors.sinks.webhook.WebhookSink;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The sinks of job.yaml, read by their factories: settings, secrets by reference, every mistake with its place. */
class SinkSpecsTest {

    private static List<SinkSpec> sinks(String yaml) {
        return SinkSpecs.parse(("sinks:\n" + yaml).getBytes(StandardCharsets.UTF_8), "job.yaml");
    }

    private static List<String> problems(String yaml) {
        try {
            sinks(yaml);
        } catch (ConfigException e) {
            return e.problems();
        }
        throw new AssertionError("no problem found in\n" + yaml);
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
        assertThat(specs).extracting(SinkSpec::type)
                .containsExactly("pagerduty", "alertmanager", "servicenow", "opsgenie", "webhook", "syslog", "splunk-hec");
        SinkSpec pd = specs.get(0);
        PagerDutySink.Settings pds = (PagerDutySink.Settings) pd.settings();
        assertThat(pds.endpoint().url()).isEqualTo("https://events.pagerduty.com/v2/enqueue");
        assertThat(pds.routingKey()).isEqualTo(SecretRef.ofEnv("PD_KEY"));
        assertThat(pd.route().tenants()).isEqualTo(Set.of("acme"));
        assertThat(pd.route().rules()).isEqualTo(Set.of("offline-after-patch"));
        assertThat(pd.policy().maxInFlight()).isEqualTo(4);
        assertThat(pd.policy().initialBackoff()).isEqualTo(Duration.ofMillis(500));
        assertThat(pd.policy().maxAge()).isEqualTo(Duration.ofHours(2));
        assertThat(pd.policy().resendInterval()).isZero();
        assertThat(specs.get(1).policy().resendInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(((AlertmanagerSink.Settings) specs.get(1).settings()).validity()).isEqualTo(Duration.ofMinutes(5));
        assertThat(specs.get(2).settings().secrets()).containsExactly(SecretRef.ofFile("/run/secrets/sn"));
        assertThat(((WebhookSink.Settings) specs.get(4).settings()).urlSecret()).isEqualTo(SecretRef.ofEnv("SLACK_URL"));
        SyslogSink.Settings siem = (SyslogSink.Settings) specs.get(5).settings();
        assertThat(siem.format()).isEqualTo("leef");
        assertThat(siem.tls()).isTrue();
        assertThat(siem.port()).isEqualTo(6514);
        assertThat(siem.caFile()).isEqualTo("/etc/patchwatch/siem-ca.pem");
        SplunkHecSink.Settings hec = (SplunkHecSink.Settings) specs.get(6).settings();
        assertThat(hec.index()).isEqualTo("itops");
        assertThat(hec.sourcetype()).isEqualTo("patchwatch:alert");
        assertThat(specs.get(6).policy().timeout()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void secretsAreNeverInlineAndNeverEcho() {
        assertThatThrownBy(() -> sinks("  - {name: pd, type: pagerduty, routing_key: R0UT1NGKEY}\n"))
                .hasMessageContaining("job.yaml:2:46: sinks[0].routing_key: secrets are not read from the config file")
                .hasMessageNotContaining("R0UT1NGKEY");
        assertThatThrownBy(() -> sinks("  - {name: hec, type: splunk-hec, url: \"https://s:8088\", token: abc}\n"))
                .hasMessageContaining("token_env");
        assertThatThrownBy(() -> sinks("  - {name: pd, type: pagerduty}\n")).hasMessageContaining("needs routing_key");
    }

    @Test
    void everyMistakeOfEverySinkAtOnceEachWithItsPlace() {
        List<String> problems = problems("""
                  - {name: x, type: pagerduty, routing_key_env: K, index: itops}
                  - {name: y, type: teams}
                  - {name: z, type: webhook, url: 'http://h/x', template: '{"t": {{message}}}'}
                  - {name: w, type: webhook, url: 'ftp://h/x', template: '{}'}
                  - {name: s, type: syslog, address: siem}
                  - {name: a, type: alertmanager, url: 'http://h:9093', resend_interval: 10m}
                  - {name: o, type: opsgenie, api_key_env: K, route: {severities: [major]}}
                  - {name: o, type: opsgenie, api_key_env: K, delivery: {max_in_flight: 0, max_infligt: 3, timeout: soon}}
                  - {name: Bad Name, type: opsgenie, api_key_env: K, colour: blue}
                """);
        assertThat(problems).hasSize(13);
        assertThat(problems.get(0)).isEqualTo("job.yaml:2:52: sinks[0].index: not a setting of a pagerduty sink (it is one of splunk-hec)");
        assertThat(problems.get(1)).startsWith("job.yaml:3:21: sinks[1].type: unknown sink type 'teams' (known: pagerduty,");
        assertThat(problems.get(2)).startsWith("job.yaml:4:59: sinks[2].template:").contains("not valid JSON");
        assertThat(problems.get(3)).isEqualTo("job.yaml:5:35: sinks[3].url: 'ftp://h/x' is not an http(s) URL");
        assertThat(problems.get(4)).isEqualTo("job.yaml:6:38: sinks[4].address: 'siem' is not host:port");
        assertThat(problems.get(5)).startsWith("job.yaml:7:74: sinks[5].resend_interval: must be shorter than alert_validity");
        assertThat(problems.get(6)).startsWith("job.yaml:8:67: sinks[6].route.severities: 'major' is not one of critical, error");
        assertThat(problems.get(7)).isEqualTo("job.yaml:9:12: sinks[7].name: a second sink named 'o'");
        assertThat(problems.get(8)).isEqualTo("job.yaml:9:73: sinks[7].delivery.max_in_flight: must be at least 1");
        assertThat(problems.get(9)).startsWith("job.yaml:9:76: sinks[7].delivery.max_infligt: unknown key (known here: backoff_initial");
        assertThat(problems.get(10)).startsWith("job.yaml:9:101: sinks[7].delivery.timeout: 'soon' is not a duration");
        assertThat(problems.get(11)).isEqualTo("job.yaml:10:12: sinks[8].name: lower-case letters, digits, '-' and '_' only");
        assertThat(problems.get(12)).startsWith("job.yaml:10:54: sinks[8].colour: unknown key (known here: api_key,");
    }

    @Test
    void aKeyOfNoSinkIsUnknownNamingTheKnownOnes() {
        assertThat(problems("  - {name: x, type: opsgenie, api_key_env: K, colour: blue}\n"))
                .singleElement().asString().startsWith("job.yaml:2:47: sinks[0].colour: unknown key (known here: api_key, api_key_env");
    }

    @Test
    void aDisabledSinkIsCheckedButNotUsed() {
        assertThat(sinks("  - {name: on, type: opsgenie, api_key_env: K}\n"
                + "  - {name: off, type: opsgenie, api_key_env: K, enabled: false}\n"))
                .extracting(SinkSpec::name).containsExactly("on");
        assertThatThrownBy(() -> sinks("  - {name: off, type: opsgenie, enabled: false}\n"))
                .hasMessageContaining("needs api_key");
    }

    @Test
    void credentialsInHeadersOrInTheUrlAreRefusedNamingTheKey() {
        assertThatThrownBy(() -> sinks("""
                  - name: hook
                    type: webhook
                    url: https://hooks.example.com/alerts
                    headers: {X-Api-Key: hunter2}
                    template: '{"text": "{{message}}"}'
                """)).hasMessageContaining("headers: X-Api-Key").hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> sinks("""
                  - name: hook
                    type: webhook
                    url: https://hooks.example.com/alerts
                    headers: {Authorization: Basic aHVudGVyMg==}
                    template: '{"text": "{{message}}"}'
                """)).hasMessageContaining("headers: Authorization").hasMessageNotContaining("aHVudGVyMg");
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
        assertThat(((WebhookSink.Settings) sinks("""
                  - name: hook
                    type: webhook
                    url: https://hooks.example.com/alerts?team=ops
                    headers: {X-Source: patchwatch}
                    template: '{"text": "{{message}}"}'
                """).get(0).settings()).endpoint().headers()).containsEntry("X-Source", "patchwatch");
    }

    @Test
    void everyFactoryHasItsTypeOnceAndDescribesEveryOption() {
        assertThat(SinkRegistry.types()).doesNotHaveDuplicates();
        for (SinkFactory<?> f : SinkRegistry.factories()) {
            assertThat(f.description()).as(f.type()).isNotBlank();
            f.options().forEach(o -> assertThat(o.description()).as(f.type() + "." + o.key()).isNotBlank());
        }
    }
}
