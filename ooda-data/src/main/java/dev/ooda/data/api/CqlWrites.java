package dev.ooda.data.api;

import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.cql.Row;
import dev.ooda.data.http.Problems;
import dev.ooda.data.storage.Cql;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * Idempotency keys on Cassandra, which has no transaction to hold a key and its write together.
 * The first request claims the key with a lightweight transaction ({@code IF NOT EXISTS}, Paxos
 * at LOCAL_SERIAL), runs the write, then stores its answer on the claim; a retry that finds the
 * answer gets it back, one that finds the claim still open waits for it. A write that fails
 * releases its claim, so a retry runs again, as on the SQL backends.
 */
final class CqlWrites {
  /** How long a retry waits for the first request's answer before it answers 409. */
  static final long WAIT_MILLIS = 30_000;

  private CqlWrites() {}

  static Writes.Outcome run(Cql cql, String key, byte[] fingerprint, Clock clock, Supplier<Reply> work) {
    if (key == null) return new Writes.Outcome(work.get(), false);
    byte[] kb = key.getBytes(StandardCharsets.UTF_8);
    if (kb.length == 0 || kb.length > Limits.MAX_KEY_BYTES)
      throw Problems.invalid("Idempotency-Key", "must be 1 to " + Limits.MAX_KEY_BYTES + " bytes");
    ByteBuffer k = ByteBuffer.wrap(kb);
    long deadline = System.nanoTime() + WAIT_MILLIS * 1_000_000L;
    long pause = 10;
    while (true) {
      Row claimed = cql.session().execute(cql.statement("idem.claim").bind(k, ByteBuffer.wrap(fingerprint), clock.millis())
          .setConsistencyLevel(cql.write())).one();
      if (claimed != null && claimed.getBoolean("[applied]")) break;
      // Someone holds the key: read it through Paxos, so that an answer just stored is seen.
      Row r = cql.session().execute(cql.statement("idem.get").bind(k).setConsistencyLevel(DefaultConsistencyLevel.LOCAL_SERIAL)).one();
      if (r != null) {
        if (!Arrays.equals(CqlKv.bytes(r.getByteBuffer("fingerprint")), fingerprint))
          throw Problems.idempotencyMismatch("Idempotency-Key was already used for a different request");
        int status = r.getInt("status");
        if (status != 0) {
          return new Writes.Outcome(new Reply(status, CqlKv.bytes(r.getByteBuffer("body")), r.getString("etag"), r.getString("location")), true);
        }
      }
      if (System.nanoTime() > deadline)
        throw Problems.conflict("a request with this Idempotency-Key is still in progress; retry later");
      try {
        Thread.sleep(pause);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw Problems.unavailable("interrupted while waiting for the first request with this Idempotency-Key");
      }
      pause = Math.min(200, pause * 2);
    }
    Reply reply;
    try {
      reply = work.get();
    } catch (RuntimeException e) {
      cql.session().execute(cql.statement("idem.release").bind(k).setConsistencyLevel(cql.write()));
      throw e;
    }
    cql.session().execute(cql.statement("idem.complete")
        .bind(reply.status(), reply.etag(), reply.location(), ByteBuffer.wrap(reply.body()), k).setConsistencyLevel(cql.write()));
    return new Writes.Outcome(reply, false);
  }
}
