package io.patchwatch.jobs.noise;

import java.util.ArrayList;
import java.util.List;

/** One device's notices and flapping counts, kept under its site's key. A Flink POJO. */
public class DeviceNotices {
    public List<Notice> notices = new ArrayList<>();
    public List<Flap> flaps = new ArrayList<>();

    public DeviceNotices() {}

    Notice find(String id) {
        for (Notice n : notices) {
            if (n.id.equals(id)) {
                return n;
            }
        }
        return null;
    }

    Flap flap(String rule, String subject) {
        for (Flap f : flaps) {
            if (f.rule.equals(rule) && f.subject.equals(subject)) {
                return f;
            }
        }
        Flap f = new Flap();
        f.rule = rule;
        f.subject = subject;
        flaps.add(f);
        return f;
    }
}
