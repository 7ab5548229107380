package io.patchwatch.jobs.fact;

import io.patchwatch.jobs.fact.DeviceFact;
import io.patchwatch.schemas.DeadLetter;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.util.OutputTag;

/** Every side output of the job, shared by the job and its tests. */
public final class JobTags {
    /** Records that could not become a DeviceEvent, with the reason. */
    public static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("dead-letters", new AvroTypeInfo<>(DeadLetter.class));

    /** Facts that may resolve an open incident (device back, boot, service running, install). */
    public static final OutputTag<DeviceFact> RESOLUTIONS =
            new OutputTag<>("resolutions", TypeInformation.of(DeviceFact.class));

    /** A device that went silent in its patch session, and its return: what noise control counts per site. */
    public static final OutputTag<DeviceFact> LIVENESS =
            new OutputTag<>("liveness", TypeInformation.of(DeviceFact.class));

    /**
     * Everything a device's status takes (FLEET.md, Patch status), whether a rule uses it or not:
     * every event but heartbeats and healthy pings as its fact, sessions opened and closed, silences
     * in a session and returns. Only a job that reads the status turns it on ({@code
     * DeviceTracker#withStatus}).
     */
    public static final OutputTag<DeviceFact> STATUS =
            new OutputTag<>("status", TypeInformation.of(DeviceFact.class));

    /** Each feed's progress, as each tracker instance sees it (FLEET.md feed silence). */
    public static final OutputTag<FeedProgress> FEED_PROGRESS =
            new OutputTag<>("feed-progress", TypeInformation.of(FeedProgress.class));

    private JobTags() {}
}
