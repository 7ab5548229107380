package io.patchwatch.jobs.incident;

import io.patchwatch.schemas.Alert;
import java.io.Serializable;
import java.util.List;
import org.apache.flink.api.common.functions.RuntimeContext;

/**
 * The ordered notification policies an alert passes between the incident book and the sinks. Each
 * link decides alone what goes on to the next; the last one's output leaves the incidents operator.
 * With no links (today's behaviour) every alert is sent as decided, in order.
 */
public final class NotificationChain implements Serializable {
    private static final long serialVersionUID = 1L;

    private final List<NotificationPolicy> links;

    public NotificationChain(List<NotificationPolicy> links) {
        this.links = List.copyOf(links);
    }

    /** The chain without links: what the book decides is sent. */
    public static NotificationChain direct() {
        return new NotificationChain(List.of());
    }

    public List<NotificationPolicy> links() {
        return links;
    }

    void open(RuntimeContext runtime) throws Exception {
        for (NotificationPolicy link : links) {
            link.open(runtime);
        }
    }

    /** Passes an alert the book decided through every link; what comes out goes to {@code out}. */
    void decide(Alert alert, NotificationPolicy.Context ctx, NotificationPolicy.Downstream out) throws Exception {
        downstreamOf(-1, ctx, out).send(alert);
    }

    /** Event time reached {@code timestamp}: every link may release what it held, through the links after it. */
    void onTime(long timestamp, NotificationPolicy.Context ctx, NotificationPolicy.Downstream out) throws Exception {
        for (int i = 0; i < links.size(); i++) {
            links.get(i).onTime(timestamp, ctx, downstreamOf(i, ctx, out));
        }
    }

    /** What link {@code i} sends to: link i + 1, or {@code out} after the last. */
    private NotificationPolicy.Downstream downstreamOf(int i, NotificationPolicy.Context ctx, NotificationPolicy.Downstream out) {
        if (i + 1 >= links.size()) {
            return out;
        }
        NotificationPolicy next = links.get(i + 1);
        NotificationPolicy.Downstream after = downstreamOf(i + 1, ctx, out);
        return alert -> next.decide(alert, ctx, after);
    }
}
