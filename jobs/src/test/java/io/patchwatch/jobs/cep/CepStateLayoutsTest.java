package io.patchwatch.jobs.cep;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchwatch.jobs.rules.CompiledPattern;
import io.patchwatch.jobs.rules.RuleSet;
import java.io.DataOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.runtime.checkpoint.Checkpoints;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.runtime.checkpoint.metadata.CheckpointMetadata;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.streaming.api.graph.StreamGraphHasherV2;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A savepoint whose rules kept their CEP state in the stock layout is recognised, so rules apply can say so. */
class CepStateLayoutsTest {

    @TempDir
    Path dir;

    @Test
    void aSavepointOfTheStockCepLayoutNamesItsRulesOneOfThisLayoutNone() throws Exception {
        RuleSet rules = RuleSet.defaults();
        CompiledPattern offline = rules.plan().patterns().stream().filter(p -> p.name().equals("rule-offline-after-patch")).findFirst().orElseThrow();

        java.util.Map<String, String> cep = new java.util.LinkedHashMap<>();
        rules.plan().patterns().forEach(p -> cep.put(p.uid(), p.name()));

        Path earlier = savepoint("earlier", List.of(PointLookupCepOperator.uidOfLayout(offline.uid(), 1), "device-tracker"));
        assertThat(CepStateLayouts.earlierIn(earlier.toUri().toString(), cep)).containsExactly("rule-offline-after-patch");

        Path current = savepoint("current", List.of(PointLookupCepOperator.uid(offline.uid()), "device-tracker"));
        assertThat(CepStateLayouts.earlierIn(current.toString(), cep)).isEmpty();
    }

    private Path savepoint(String name, List<String> uids) throws Exception {
        List<OperatorState> states = new ArrayList<>();
        for (String uid : uids) {
            states.add(new OperatorState(uid, uid, new OperatorID(StreamGraphHasherV2.generateUserSpecifiedHash(uid)), 2, 128));
        }
        Path sp = Files.createDirectories(dir.resolve(name));
        try (OutputStream out = Files.newOutputStream(sp.resolve("_metadata"))) {
            Checkpoints.storeCheckpointMetadata(new CheckpointMetadata(1, states, List.of()), new DataOutputStream(out));
        }
        return sp;
    }
}
