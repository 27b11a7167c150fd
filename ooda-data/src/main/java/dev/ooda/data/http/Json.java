package dev.ooda.data.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.ooda.model.ResourceCodec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/** JSON in and out: bodies parsed to trees (exact decimals, no duplicate keys), answers streamed. */
public final class Json {
  private static final ObjectReader READER = ResourceCodec.json().reader()
      .with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .with(StreamReadFeature.STRICT_DUPLICATE_DETECTION);
  private static final JsonFactory FACTORY = ResourceCodec.json().getFactory();

  private Json() {}

  /** Parses a request body; an empty or broken body is a 400. */
  public static JsonNode parse(byte[] body) {
    if (body == null || body.length == 0) throw Problems.invalid("the body is empty: send JSON");
    try {
      JsonNode n = READER.readTree(body);
      if (n == null || n.isMissingNode()) throw Problems.invalid("the body is empty: send JSON");
      return n;
    } catch (JsonProcessingException e) {
      String msg = e.getOriginalMessage();
      int cut = msg.indexOf('\n');
      var loc = e.getLocation();
      throw Problems.invalid("invalid JSON" + (loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr())
          + ": " + (cut > 0 ? msg.substring(0, cut) : msg));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static JsonNode parse(String text) {
    return parse(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  /** The canonical bytes of a JSON value, as stored. */
  public static byte[] bytes(JsonNode n) {
    try {
      return ResourceCodec.json().writeValueAsBytes(n);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Writes a JSON answer with a streaming generator. */
  public static byte[] write(Writer w) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      w.write(g);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** Copies stored JSON bytes into an answer being written. */
  public static void writeRaw(JsonGenerator g, byte[] json) throws IOException {
    try (JsonParser p = FACTORY.createParser(json)) {
      p.nextToken();
      g.copyCurrentStructure(p);
    }
  }

  @FunctionalInterface
  public interface Writer {
    void write(JsonGenerator g) throws IOException;
  }
}
