package io.patchwatch.jobs.cep;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Set;
import org.apache.flink.runtime.checkpoint.Checkpoints;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.runtime.checkpoint.metadata.CheckpointMetadata;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.streaming.api.graph.StreamGraphHasherV2;

/**
 * Which rules of a savepoint keep their CEP state in an earlier layout ({@link
 * PointLookupCepOperator#STATE_LAYOUT}): their in-flight partial matches cannot be restored into
 * this version's CEP operators and are dropped, once, when the job is resubmitted from it. Read
 * from the savepoint's metadata, where every operator's state is filed under the hash of its uid.
 */
public final class CepStateLayouts {
    private CepStateLayouts() {}

    /**
     * @param savepoint a savepoint's directory ({@code file:} URI or path) on this machine
     * @param operators the CEP operators to look for: their names by their stock uids (layout 1)
     * @return the names of those whose state in it is of an earlier layout
     * @throws IOException when its metadata cannot be read (a savepoint on another machine)
     */
    public static Set<String> earlierIn(String savepoint, java.util.Map<String, String> operators) throws IOException {
        Path dir = savepoint.contains("://") || savepoint.startsWith("file:") ? Path.of(URI.create(savepoint)) : Path.of(savepoint);
        CheckpointMetadata metadata;
        try (InputStream in = Files.newInputStream(dir.resolve("_metadata"))) {
            metadata = Checkpoints.loadCheckpointMetadata(new DataInputStream(in), CepStateLayouts.class.getClassLoader(), savepoint);
        }
        Set<OperatorID> stored = new HashSet<>();
        for (OperatorState s : metadata.getOperatorStates()) {
            stored.add(s.getOperatorID());
        }
        Set<String> earlier = new LinkedHashSet<>();
        operators.forEach((base, name) -> {
            for (int layout = 1; layout < PointLookupCepOperator.STATE_LAYOUT; layout++) {
                String uid = PointLookupCepOperator.uidOfLayout(base, layout);
                if (stored.contains(new OperatorID(StreamGraphHasherV2.generateUserSpecifiedHash(uid)))) {
                    earlier.add(name);
                }
            }
        });
        return earlier;
    }
}
