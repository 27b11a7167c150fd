package dev.ooda.model;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.cfg.MapperBuilder;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Resources in their YAML and JSON forms. Reading is strict: unknown fields, wrong types and
 * broken rules are all reported, each with its document and field path, and nothing is returned
 * unless every document is valid.
 */
public final class ResourceCodec {
  private static final Set<String> TOP_LEVEL = Set.of("kind", "name", "version", "spec");

  private static final ObjectMapper JSON = configure(JsonMapper.builder()).build();
  private static final YAMLMapper YAML = configure(YAMLMapper.builder(YAMLFactory.builder()
          .disable(YAMLGenerator.Feature.USE_NATIVE_TYPE_ID)
          .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
          .build()))
      .build();

  private ResourceCodec() {}

  /**
   * Configures a mapper builder of any format the way every ooda mapper is: records, ooda's
   * duration form ({@code 250ms}, {@code 5s}), unknown fields, trailing tokens, null for primitives
   * and coerced scalars refused. {@link #json()} and {@link #yaml()} are built with it, and so is any
   * other format (the kit's CBOR), so that all read and write the same data model.
   */
  public static <M extends ObjectMapper, B extends MapperBuilder<M, B>> B configure(B b) {
    SimpleModule durations = new SimpleModule("ooda-durations")
        .addSerializer(Duration.class, new JsonSerializer<>() {
          @Override
          public void serialize(Duration d, JsonGenerator g, SerializerProvider p) throws IOException {
            g.writeString(Durations.format(d));
          }
        })
        .addDeserializer(Duration.class, new JsonDeserializer<>() {
          @Override
          public Duration deserialize(JsonParser p, DeserializationContext c) throws IOException {
            if (!p.currentToken().isScalarValue() || p.currentToken().isNumeric()) {
              return (Duration) c.handleUnexpectedToken(Duration.class, p);
            }
            try {
              return Durations.parse(p.getText());
            } catch (IllegalArgumentException e) {
              throw c.weirdStringException(p.getText(), Duration.class, e.getMessage());
            }
          }
        });
    return b.addModule(durations)
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
        .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
        .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
  }

  /** The JSON mapper every ooda module shares: strict on input, ooda's duration form. */
  public static ObjectMapper json() {
    return JSON;
  }

  public static YAMLMapper yaml() {
    return YAML;
  }

  /** Reads one or more YAML documents (JSON is YAML too). */
  public static List<Resource> readYaml(String text) {
    List<JsonNode> docs = new ArrayList<>();
    try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(text)) {
      while (it.hasNextValue()) {
        JsonNode doc = it.nextValue();
        if (doc != null && !doc.isNull() && !doc.isMissingNode()) docs.add(doc);
      }
    } catch (JsonProcessingException e) {
      throw syntax("YAML", docs.size() + 1, e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return read(docs);
  }

  /** Reads JSON: one document, an array of documents, or {@code {"items": [...]}}. */
  public static List<Resource> readJson(String text) {
    JsonNode root;
    try {
      root = JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw syntax("JSON", 0, e);
    }
    if (root == null || root.isMissingNode()) throw new InvalidResourceException(List.of(Violation.of("", "the body is empty")));
    List<JsonNode> docs = new ArrayList<>();
    JsonNode list = root.isObject() && root.has("items") && !root.has("kind") ? root.get("items") : root;
    if (list.isArray()) list.forEach(docs::add);
    else docs.add(list);
    return read(docs);
  }

  /** Reads parsed documents, all or nothing. */
  public static List<Resource> read(List<JsonNode> docs) {
    if (docs.isEmpty()) throw new InvalidResourceException(List.of(Violation.of("", "no documents")));
    List<Violation> all = new ArrayList<>();
    List<Resource> out = new ArrayList<>();
    for (int i = 0; i < docs.size(); i++) {
      Violations v = new Violations();
      Resource r = readOne(docs.get(i), v);
      String ref = refOf(docs.get(i));
      int doc = i + 1;
      v.list().forEach(x -> all.add(x.in(doc, ref)));
      if (r != null) out.add(r);
    }
    if (!all.isEmpty()) throw new InvalidResourceException(all);
    return List.copyOf(out);
  }

  /** Reads a resource this codec wrote, without applying today's validation rules. */
  public static Resource readStored(byte[] json) {
    try {
      JsonNode doc = JSON.readTree(json);
      Kind<?> kind = Kinds.find(doc.path("kind").asText()).orElseThrow(
          () -> new IllegalStateException("stored resource of unknown kind " + doc.path("kind")));
      Spec spec = JSON.treeToValue(doc.get("spec"), kind.specType());
      return new Resource(kind.name(), doc.path("name").asText(), doc.path("version").asLong(), spec);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static byte[] toJsonBytes(Object value) {
    try {
      return JSON.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  public static String toJson(Object value) {
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Resources as YAML documents separated by {@code ---}. */
  public static String toYaml(Collection<?> values) {
    StringBuilder b = new StringBuilder();
    try {
      for (Object r : values) b.append(YAML.writeValueAsString(r));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    return b.toString();
  }

  private static Resource readOne(JsonNode doc, Violations v) {
    if (!doc.isObject()) {
      v.add("", "must be a mapping with kind, name and spec");
      return null;
    }
    for (Iterator<String> it = doc.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!TOP_LEVEL.contains(f)) v.add(f, "unknown field (known: kind, name, version, spec)");
    }
    Kind<?> kind = null;
    JsonNode k = doc.get("kind");
    if (k == null || !k.isTextual()) v.add("kind", "is required (one of " + Kinds.known() + ")");
    else kind = Kinds.find(k.asText()).orElse(null);
    if (k != null && k.isTextual() && kind == null)
      v.add("kind", "unknown kind '" + k.asText() + "' (known: " + Kinds.known() + ")");
    JsonNode n = doc.get("name");
    String name = n != null && n.isTextual() ? n.asText() : null;
    if (n != null && !n.isTextual()) v.add("name", "must be a string");
    else {
      String bad = Names.problem(name);
      if (bad != null) v.add("name", bad);
    }
    long version = 0;
    JsonNode ver = doc.get("version");
    if (ver != null && !ver.isNull()) {
      if (!ver.canConvertToExactIntegral() || ver.asLong() < 0 || !ver.isNumber()) v.add("version", "must be a whole number >= 0");
      else version = ver.asLong();
    }
    JsonNode specNode = doc.get("spec");
    if (specNode == null || specNode.isNull()) specNode = JSON.createObjectNode();
    if (!specNode.isObject()) {
      v.add("spec", "must be a mapping");
      return null;
    }
    if (kind == null) return null;
    Spec spec;
    try {
      spec = JSON.treeToValue(specNode, kind.specType());
    } catch (MismatchedInputException e) {
      String field = fieldPath(e);
      v.add(field.isEmpty() || field.startsWith("[") ? "spec" + field : "spec." + field, messageOf(e));
      return null;
    } catch (JsonProcessingException e) {
      v.add("spec", e.getOriginalMessage());
      return null;
    }
    kind.validate(spec, v);
    return v.isEmpty() && name != null ? new Resource(kind.name(), name, version, spec) : null;
  }

  private static String refOf(JsonNode doc) {
    if (!doc.isObject()) return null;
    String k = doc.path("kind").isTextual() ? doc.path("kind").asText() : null;
    String n = doc.path("name").isTextual() ? doc.path("name").asText() : null;
    if (k == null && n == null) return null;
    return (k == null ? "?" : k) + "/" + (n == null ? "?" : n);
  }

  /** Where in a document Jackson failed, as {@code a.b[2].c}: the field path that violations name. */
  public static String fieldPath(JsonMappingException e) {
    StringBuilder b = new StringBuilder();
    for (JsonMappingException.Reference r : e.getPath()) {
      if (r.getFieldName() != null) b.append(b.length() == 0 ? "" : ".").append(r.getFieldName());
      else if (r.getIndex() >= 0) b.append('[').append(r.getIndex()).append(']');
    }
    return b.toString();
  }

  private static String messageOf(MismatchedInputException e) {
    if (e instanceof UnrecognizedPropertyException u) {
      List<String> known = new ArrayList<>();
      if (u.getKnownPropertyIds() != null) u.getKnownPropertyIds().forEach(x -> known.add(String.valueOf(x)));
      known.sort(null);
      return "unknown field (known: " + String.join(", ", known) + ")";
    }
    if (e instanceof InvalidFormatException f && f.getTargetType() == Duration.class) {
      return "'" + f.getValue() + "' is not a duration like 250ms, 5s, 2m or 1h";
    }
    Class<?> t = e.getTargetType();
    return t == null ? e.getOriginalMessage() : "must be " + describe(t);
  }

  private static String describe(Class<?> t) {
    if (t == int.class || t == Integer.class || t == long.class || t == Long.class) return "a whole number";
    if (t == double.class || t == Double.class || t == float.class || t == Float.class) return "a number";
    if (t == boolean.class || t == Boolean.class) return "true or false";
    if (t == String.class) return "a string";
    if (t == Duration.class) return "a duration like 250ms, 5s, 2m or 1h";
    if (Collection.class.isAssignableFrom(t) || t.isArray()) return "a list";
    if (Map.class.isAssignableFrom(t) || t.isRecord() || ObjectNode.class.isAssignableFrom(t)) return "a mapping";
    return "a " + t.getSimpleName();
  }

  private static InvalidResourceException syntax(String format, int document, JsonProcessingException e) {
    var loc = e.getLocation();
    String where = loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
    String msg = e.getOriginalMessage();
    int cut = msg.indexOf('\n');
    if (cut > 0) msg = msg.substring(0, cut);
    return new InvalidResourceException(List.of(new Violation(document, null, "", "invalid " + format + where + ": " + msg)));
  }

  static {
    // Inputs are bounded by the API's body limit; keep Jackson's own limits explicit.
    JSON.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(100).build());
  }
}
