package dev.ooda.data.api;

import dev.ooda.data.http.Response;
import java.util.ArrayList;
import java.util.List;

/**
 * A JSON answer as data, so that a write's answer can be stored with its idempotency key and
 * replayed byte for byte.
 *
 * @param etag     the row version as an entity tag, or null
 * @param location the created resource's path, or null
 */
record Reply(int status, byte[] body, String etag, String location) {
  static final byte[] EMPTY = new byte[0];

  static Reply json(int status, byte[] body) {
    return new Reply(status, body, null, null);
  }

  static Reply noContent() {
    return new Reply(204, EMPTY, null, null);
  }

  Reply withEtag(String e) {
    return new Reply(status, body, e, location);
  }

  Reply withLocation(String l) {
    return new Reply(status, body, etag, l);
  }

  Response toResponse(boolean replayed) {
    List<String> h = List.of();
    if (etag != null || location != null || replayed) {
      h = new ArrayList<>(6);
      if (etag != null) h.addAll(List.of("etag", etag));
      if (location != null) h.addAll(List.of("location", location));
      if (replayed) h.addAll(List.of("idempotent-replayed", "true"));
    }
    return new Response(status, body.length > 0 ? Response.JSON : null, body, h, null);
  }
}
