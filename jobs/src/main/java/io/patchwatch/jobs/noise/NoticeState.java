package io.patchwatch.jobs.noise;

/** FLEET.md's notification states of an incident, plus the wait before its first page. */
public enum NoticeState {
    /** Waiting group_wait (offline-type rules, rules about a service or update) before paging. */
    PENDING,
    /** Detected, not paged: a window, a parent, hold_for or flapping holds it. */
    HELD,
    /** Its firing was sent; its resolve will be. */
    PAGED,
    /** Sent as part of another incident's grouped page; that page resolves when its last subject has. */
    GROUPED,
    /** Ended without a page, with a reason. */
    CLOSED
}
