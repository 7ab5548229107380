package io.patchwatch.jobs.eventtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventTimeBufferTest {
    /** An item buffered at {@code ts}; {@code name} tells equal times apart. */
    private record Item(String name, long ts) {}

    @Test
    void dueItemsComeInTimeOrderAndEqualTimesInArrivalOrder() {
        List<Item> buffered = List.of(new Item("c", 30), new Item("a1", 10), new Item("late", 50), new Item("a2", 10),
                new Item("b", 20), new Item("later", 40));

        EventTimeBuffer<Item> split = EventTimeBuffer.split(buffered, 30, Item::ts);

        assertThat(split.due()).extracting(Item::name).containsExactly("a1", "a2", "b", "c");
        assertThat(split.later()).as("as they were buffered").extracting(Item::name).containsExactly("late", "later");
        assertThat(split.nextLater()).isEqualTo(40);
    }

    @Test
    void nothingBufferedIsNothingDueAndNoNextTime() {
        EventTimeBuffer<Item> split = EventTimeBuffer.split(null, 30, Item::ts);

        assertThat(split.due()).isEmpty();
        assertThat(split.later()).isEmpty();
        assertThat(split.nextLater()).isEqualTo(EventTimeBuffer.NONE);
    }

    @Test
    void itemsPastTheClockStopAreDroppedNotKept() {
        List<Item> buffered = List.of(new Item("due", 10), new Item("kept", 20), new Item("past the stop", 25));

        EventTimeBuffer<Item> split = EventTimeBuffer.split(buffered, 15, 20, Item::ts);

        assertThat(split.due()).extracting(Item::name).containsExactly("due");
        assertThat(split.later()).extracting(Item::name).containsExactly("kept");
        assertThat(split.nextLater()).isEqualTo(20);
    }

    @Test
    void theLaterListTakesWhatIsAddedWhileTheDueOnesAreApplied() {
        // A due item may schedule another one while it is applied: it goes with the rest.
        EventTimeBuffer<Item> split = EventTimeBuffer.split(new ArrayList<>(List.of(new Item("a", 10))), 10, Item::ts);
        split.later().add(new Item("scheduled", 60));

        assertThat(split.later()).extracting(Item::name).containsExactly("scheduled");
    }
}
