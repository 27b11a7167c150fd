package dev.ooda.data;

import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.common.ResponseHeadersBuilder;

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

  HttpResponse toResponse(boolean replayed) {
    ResponseHeadersBuilder h = ResponseHeaders.builder(HttpStatus.valueOf(status));
    if (body.length > 0) h.contentType(MediaType.JSON_UTF_8);
    if (etag != null) h.set("etag", etag);
    if (location != null) h.set("location", location);
    if (replayed) h.set("idempotent-replayed", "true");
    return body.length == 0 ? HttpResponse.of(h.build()) : HttpResponse.of(h.build(), com.linecorp.armeria.common.HttpData.wrap(body));
  }
}
