package dev.ooda.kit;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import dev.ooda.model.Problem;
import dev.ooda.model.ResourceCodec;
import dev.ooda.model.Violation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The two body forms that ooda services speak, chosen by {@code Content-Type}: JSON, readable and
 * universal, and CBOR, the same data model in a compact binary form that is cheaper to write and
 * read. Both share the configuration of {@link ResourceCodec#json()}: records, ooda's durations,
 * no coercion of scalars, no trailing tokens, no null for primitives.
 *
 * <p>A service reads requests strictly: an unknown field is refused with a 400 that names it. A
 * client reads answers leniently about unknown fields only, so that a service can add a field to an
 * answer without breaking the callers built against its previous version.
 */
public enum Codec {
  JSON(MediaType.JSON, ResourceCodec.json()),
  CBOR(MediaType.create("application", "cbor"), cborMapper());

  private final MediaType mediaType;
  private final ObjectMapper mapper;
  private final ObjectWriter writer;
  private final ObjectReader strict;
  private final ObjectReader lenient;
  /** Readers per answer type: looked up once, not per call. */
  private final java.util.Map<JavaType, ObjectReader> lenientByType = new java.util.concurrent.ConcurrentHashMap<>();

  Codec(MediaType mediaType, ObjectMapper mapper) {
    this.mediaType = mediaType;
    this.mapper = mapper;
    this.writer = mapper.writer();
    this.strict = mapper.reader();
    this.lenient = mapper.reader().without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  }

  /** Configured as {@link ResourceCodec#json()} is, by the same configurer. */
  private static ObjectMapper cborMapper() {
    return ResourceCodec.configure(CBORMapper.builder()).build();
  }

  public MediaType mediaType() {
    return mediaType;
  }

  /** The codec for a {@code Content-Type}, or null when it is neither JSON nor CBOR. */
  public static Codec of(MediaType contentType) {
    if (contentType == null) return null;
    if (contentType.is(MediaType.ANY_APPLICATION_TYPE)) {
      String sub = contentType.subtype();
      if (sub.equals("cbor")) return CBOR;
      if (sub.equals("json") || sub.endsWith("+json")) return JSON;
    }
    return null;
  }

  /**
   * The codec a request's {@code Accept} header asks for: CBOR when it is accepted at least as much
   * as JSON. Most callers do not mention CBOR, and then the header is not parsed at all.
   */
  public static Codec forAccept(RequestHeaders headers) {
    String accept = headers.get(HttpHeaderNames.ACCEPT);
    if (accept == null || !accept.contains("cbor")) return JSON;
    float json = -1, cbor = -1;
    for (MediaType m : headers.accept()) {
      float q = m.qualityFactor();
      if (!m.hasWildcard() && CBOR.mediaType.belongsTo(m)) cbor = Math.max(cbor, q);
      if (JSON.mediaType.belongsTo(m)) json = Math.max(json, q);
    }
    return cbor > 0 && cbor >= json ? CBOR : JSON;
  }

  public byte[] write(Object value) {
    try {
      return writer.writeValueAsBytes(value);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode a " + value.getClass().getSimpleName() + " as " + name(), e);
    }
  }

  JavaType type(java.lang.reflect.Type t) {
    return mapper.getTypeFactory().constructType(t);
  }

  /** Reads an answer; unknown fields are ignored. */
  <T> T readLenient(byte[] body, JavaType type) throws IOException {
    ObjectReader r = lenientByType.get(type);
    if (r == null) r = lenientByType.computeIfAbsent(type, lenient::forType);
    return r.readValue(body);
  }

  /**
   * Reads a request body strictly. Bad input becomes a {@code 400 urn:ooda:problem:invalid} that
   * names the field and what is wrong with it.
   */
  public <T> T readStrict(byte[] body, JavaType type) {
    try {
      return strict.forType(type).readValue(body);
    } catch (JsonMappingException e) {
      throw Problem.invalid(List.of(Violation.of(ResourceCodec.fieldPath(e), messageOf(e)))).toException();
    } catch (IOException e) {
      String msg = e.getMessage();
      int cut = msg == null ? -1 : msg.indexOf('\n');
      throw Problem.invalid(List.of(Violation.of("", "invalid " + name() + ": " + (cut > 0 ? msg.substring(0, cut) : msg))))
          .toException();
    }
  }

  private static String messageOf(JsonMappingException e) {
    if (e instanceof UnrecognizedPropertyException) return "unknown field";
    String msg = e.getOriginalMessage();
    int cut = msg == null ? -1 : msg.indexOf('\n');
    return cut > 0 ? msg.substring(0, cut) : msg;
  }
}
