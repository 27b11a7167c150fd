package dev.ooda.data.api;

import dev.ooda.data.http.Problems;
import dev.ooda.data.storage.DbErrors;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.Arrays;
import java.util.function.Function;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record5;
import org.jooq.Table;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * Runs writes in transactions, applying each idempotency key once: the key is stored with the
 * answer in the same transaction as the write, so a retry finds it and gets the first answer
 * back instead of writing again. A key reused for a different request is refused with 422.
 */
final class Writes {
  static final Table<?> T = DSL.table(DSL.name("_ooda_idempotency"));
  static final Field<byte[]> K = DSL.field(DSL.name("k"), SQLDataType.VARBINARY);
  static final Field<byte[]> FINGERPRINT = DSL.field(DSL.name("fingerprint"), SQLDataType.VARBINARY);
  static final Field<Integer> STATUS = DSL.field(DSL.name("status"), SQLDataType.INTEGER);
  static final Field<String> ETAG = DSL.field(DSL.name("etag"), SQLDataType.VARCHAR);
  static final Field<String> LOCATION = DSL.field(DSL.name("location"), SQLDataType.VARCHAR);
  static final Field<byte[]> BODY = DSL.field(DSL.name("body"), SQLDataType.VARBINARY);
  static final Field<Long> CREATED = DSL.field(DSL.name("created"), SQLDataType.BIGINT);

  /** How long a key is remembered. */
  static final long KEEP_MILLIS = 24 * 3600_000L;

  private Writes() {}

  /** An answer, and whether it is a replay of an earlier one. */
  record Outcome(Reply reply, boolean replayed) {}

  /**
   * Runs {@code work} in one transaction. With a key, a stored answer for it is returned instead
   * when there is one. {@code fingerprint} identifies the request (method, path, query, body).
   */
  static Outcome run(DSLContext dsl, String key, byte[] fingerprint, Clock clock, Function<DSLContext, Reply> work) {
    if (key == null) return new Outcome(dsl.transactionResult(cfg -> work.apply(cfg.dsl())), false);
    byte[] k = key.getBytes(StandardCharsets.UTF_8);
    if (k.length == 0 || k.length > Limits.MAX_KEY_BYTES)
      throw Problems.invalid("Idempotency-Key", "must be 1 to " + Limits.MAX_KEY_BYTES + " bytes");
    for (int attempt = 0; ; attempt++) {
      try {
        return dsl.transactionResult(cfg -> {
          DSLContext tx = cfg.dsl();
          Outcome stored = stored(tx, k, fingerprint);
          if (stored != null) return stored;
          Reply r = work.apply(tx);
          tx.insertInto(T).set(K, k).set(FINGERPRINT, fingerprint).set(STATUS, r.status()).set(ETAG, r.etag())
              .set(LOCATION, r.location()).set(BODY, r.body()).set(CREATED, clock.millis()).execute();
          return new Outcome(r, false);
        });
      } catch (DataAccessException e) {
        // Another request with the same key committed first: its write stands, ours rolled back.
        if (attempt == 0 && DbErrors.isDuplicate(e)) continue;
        throw e;
      }
    }
  }

  private static Outcome stored(DSLContext tx, byte[] k, byte[] fingerprint) {
    Record5<byte[], Integer, String, String, byte[]> r = tx.select(FINGERPRINT, STATUS, ETAG, LOCATION, BODY).from(T).where(K.eq(k)).fetchOne();
    if (r == null) return null;
    if (!Arrays.equals(r.value1(), fingerprint))
      throw Problems.idempotencyMismatch("Idempotency-Key was already used for a different request");
    return new Outcome(new Reply(r.value2(), r.value5(), r.value3(), r.value4()), true);
  }

  static int sweep(DSLContext dsl, long now) {
    return dsl.deleteFrom(T).where(CREATED.lt(now - KEEP_MILLIS)).execute();
  }

  static byte[] fingerprint(String method, String path, String query, byte[] body) {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      d.update((method + " " + path + "?" + (query == null ? "" : query) + "\n").getBytes(StandardCharsets.UTF_8));
      if (body != null) d.update(body);
      return d.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
