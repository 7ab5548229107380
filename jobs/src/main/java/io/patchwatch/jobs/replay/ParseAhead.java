package io.patchwatch.jobs.replay;

import io.patchwatch.connectors.adapters.RawRecord;
import io.patchwatch.connectors.adapters.ValidatedAdapter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/**
 * An input's records, parsed ahead on a pool of threads and handed on in their order: reading stays
 * on the caller's thread (a file is read in order), parsing a chunk of records is independent of
 * every other chunk, so a replay parses on as many cores as it has while its merge sees exactly the
 * sequence one thread would have given it. A read that fails ends the sequence where it failed:
 * every record before it is still handed on first.
 *
 * <p>A format that remembers between records ({@link ValidatedAdapter#memory()}, the Windows
 * renames) is parsed on the caller's thread, in order.
 */
final class ParseAhead implements AutoCloseable {
    static final int CHUNK = 256;
    /** Chunks read and queued for parsing ahead of the one being handed on. */
    static final int AHEAD = 16;

    /** The records of an input: the next, or null at its end; a failure is a {@link RecordingException}. */
    interface Records {
        RawRecord next();
    }

    /** A record and what the adapter made of it. */
    record Result(RawRecord raw, ValidatedAdapter.Verdict verdict) {}

    private record Chunk(List<Result> results, RecordingException failure) {}

    private final Records records;
    private final ExecutorService pool;
    private final Supplier<ValidatedAdapter> adapterOfThread;
    private final ValidatedAdapter inOrder;
    private final ArrayDeque<Future<Chunk>> ahead = new ArrayDeque<>();
    private boolean exhausted;
    private Chunk current;
    private int pos;

    /**
     * @param pool where chunks are parsed, or null: on the caller's thread
     * @param adapterOfThread the adapter a pool thread parses with (each its own copy)
     */
    ParseAhead(Records records, ValidatedAdapter adapter, ExecutorService pool, Supplier<ValidatedAdapter> adapterOfThread) {
        this.records = records;
        this.inOrder = adapter;
        this.pool = adapter.memory() == null ? pool : null;
        this.adapterOfThread = adapterOfThread;
    }

    /** The next record's result, or null at the end. */
    Result next() {
        while (current == null || pos >= current.results.size()) {
            if (current != null && current.failure != null) {
                RecordingException failure = current.failure;
                current = null;
                throw failure;
            }
            fill();
            Future<Chunk> head = ahead.poll();
            if (head == null) {
                return null;
            }
            current = join(head);
            pos = 0;
        }
        return current.results.get(pos++);
    }

    private void fill() {
        while (!exhausted && ahead.size() < (pool == null ? 1 : AHEAD)) {
            List<RawRecord> chunk = new ArrayList<>(CHUNK);
            RecordingException failure = null;
            try {
                RawRecord raw;
                while (chunk.size() < CHUNK && (raw = records.next()) != null) {
                    chunk.add(raw);
                }
                exhausted = chunk.size() < CHUNK;
            } catch (RecordingException e) {
                failure = e;
                exhausted = true;
            }
            if (chunk.isEmpty() && failure == null) {
                return;
            }
            RecordingException failed = failure;
            ahead.add(pool == null ? CompletableFuture.completedFuture(parse(chunk, failed, inOrder))
                    : pool.submit(() -> parse(chunk, failed, adapterOfThread.get())));
        }
    }

    private static Chunk parse(List<RawRecord> chunk, RecordingException failure, ValidatedAdapter adapter) {
        List<Result> results = new ArrayList<>(chunk.size());
        for (RawRecord raw : chunk) {
            results.add(new Result(raw, adapter.verdict(raw.payload, raw.origin, raw.timestamp)));
        }
        return new Chunk(results, failure);
    }

    private static Chunk join(Future<Chunk> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RecordingException("the replay was cancelled");
        } catch (ExecutionException e) {
            throw new IllegalStateException("parsing the recording failed", e.getCause());
        }
    }

    @Override
    public void close() {
        ahead.forEach(f -> f.cancel(false));
        ahead.clear();
        exhausted = true;
    }
}
