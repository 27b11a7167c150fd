package dev.ooda.contracts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.ooda.model.InvalidResourceException;
import dev.ooda.model.ResourceCodec;
import dev.ooda.model.Violation;
import io.swagger.v3.core.util.Json;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.examples.Example;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An OpenAPI 3 document, checked once when it arrives (YAML or JSON) and kept as JSON text.
 * {@link #operations()} lists what the gateway and the caller reports need from it.
 */
public final class OpenApiDocument {
  /** Larger documents are refused: they are kept in ZooKeeper, whose nodes hold at most 1 MB. */
  public static final int MAX_BYTES = 512 * 1024;

  private final String json;
  private final OpenAPI model;
  private final List<ContractOperation> operations;

  private OpenApiDocument(String json, OpenAPI model) {
    this.json = json;
    this.model = model;
    this.operations = List.copyOf(readOperations(model));
  }

  /**
   * Reads a document in YAML or JSON.
   *
   * @throws InvalidResourceException when it is not an OpenAPI 3 document, naming what is wrong
   */
  public static OpenApiDocument parse(String text) {
    if (text == null || text.isBlank()) throw invalid("", "the document is empty; send an OpenAPI 3 document in YAML or JSON");
    if (text.length() > MAX_BYTES) throw invalid("", "the document has " + text.length() + " characters, at most " + MAX_BYTES + " allowed");
    JsonNode tree;
    try {
      tree = ResourceCodec.yaml().readTree(text); // YAML reads JSON too
    } catch (JsonProcessingException e) {
      String msg = e.getOriginalMessage();
      int cut = msg.indexOf('\n');
      throw invalid("", "not YAML or JSON: " + (cut > 0 ? msg.substring(0, cut) : msg));
    }
    if (tree == null || !tree.isObject()) throw invalid("", "must be an OpenAPI 3 document (a mapping with openapi, info and paths)");
    JsonNode version = tree.get("openapi");
    if (version == null || !version.isTextual() || !version.asText().startsWith("3.")) {
      throw invalid("openapi", tree.has("swagger") ? "Swagger 2.0 documents are not taken; convert it to OpenAPI 3"
          : "must be an OpenAPI 3 version, e.g. \"3.0.3\"");
    }
    if (!tree.path("paths").isObject()) throw invalid("paths", "is required: a mapping of path templates to operations");
    String json = ResourceCodec.toJson(tree);
    return new OpenApiDocument(json, read(json));
  }

  /** A document stored earlier by {@link #json()}. */
  public static OpenApiDocument ofStored(String json) {
    return new OpenApiDocument(json, read(json));
  }

  private static OpenAPI read(String json) {
    ParseOptions o = new ParseOptions();
    o.setResolve(true);
    SwaggerParseResult r = new OpenAPIV3Parser().readContents(json, null, o);
    if (r.getOpenAPI() == null || r.getOpenAPI().getPaths() == null) {
      List<String> m = r.getMessages() == null ? List.of() : r.getMessages();
      throw invalid("", "not a valid OpenAPI 3 document" + (m.isEmpty() ? "" : ": " + String.join("; ", m)));
    }
    return r.getOpenAPI();
  }

  private static InvalidResourceException invalid(String path, String message) {
    return new InvalidResourceException(List.of(Violation.of(path, message)));
  }

  /** The document as JSON text: what is stored and served. */
  public String json() {
    return json;
  }

  /** The parsed document, for the differ. */
  OpenAPI model() {
    return model;
  }

  /** {@code info.title}, or null. */
  public String title() {
    return model.getInfo() == null ? null : model.getInfo().getTitle();
  }

  public List<ContractOperation> operations() {
    return operations;
  }

  /** The operation with this {@code operationId}, or null. */
  public ContractOperation operation(String operationId) {
    return operations.stream().filter(o -> operationId.equals(o.operationId())).findFirst().orElse(null);
  }

  private static List<ContractOperation> readOperations(OpenAPI api) {
    List<ContractOperation> out = new ArrayList<>();
    for (Map.Entry<String, PathItem> p : api.getPaths().entrySet()) {
      for (Map.Entry<PathItem.HttpMethod, Operation> e : p.getValue().readOperationsMap().entrySet()) {
        Operation op = e.getValue();
        Object sunset = op.getExtensions() == null ? null : op.getExtensions().get("x-sunset");
        if (sunset != null && httpDate(String.valueOf(sunset)) == null) {
          throw invalid("paths." + p.getKey() + "." + e.getKey().name().toLowerCase(Locale.ROOT) + ".x-sunset",
              "'" + sunset + "' must be a date (2027-06-30) or a date-time (2027-06-30T12:00:00Z)");
        }
        boolean deprecated = Boolean.TRUE.equals(op.getDeprecated()) || sunset != null;
        out.add(new ContractOperation(e.getKey().name().toUpperCase(Locale.ROOT), p.getKey(), op.getOperationId(),
            deprecated, sunset == null ? null : String.valueOf(sunset), example(op)));
      }
    }
    return out;
  }

  /**
   * {@code sunset} (a date, taken at midnight UTC, or an RFC 3339 date-time) as an HTTP date, as
   * the {@code Sunset} header (RFC 8594) carries it; null when it is neither.
   */
  public static String httpDate(String sunset) {
    java.time.ZonedDateTime t;
    try {
      t = java.time.LocalDate.parse(sunset).atStartOfDay(java.time.ZoneOffset.UTC);
    } catch (java.time.format.DateTimeParseException notADate) {
      try {
        t = java.time.OffsetDateTime.parse(sunset).atZoneSameInstant(java.time.ZoneOffset.UTC);
      } catch (java.time.format.DateTimeParseException neither) {
        return null;
      }
    }
    // IMF-fixdate (RFC 9110): a two-digit day, always GMT.
    return java.time.format.DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).format(t);
  }

  /** The first example of the first 2xx response (or {@code default}) that has one. */
  private static ContractOperation.Example example(Operation op) {
    if (op.getResponses() == null) return null;
    for (Map.Entry<String, ApiResponse> r : op.getResponses().entrySet()) {
      int status;
      try {
        status = r.getKey().equals("default") ? 200 : Integer.parseInt(r.getKey());
      } catch (NumberFormatException e) {
        continue;
      }
      if (status < 200 || status > 299 || r.getValue().getContent() == null) continue;
      for (Map.Entry<String, MediaType> m : r.getValue().getContent().entrySet()) {
        Object value = m.getValue().getExample();
        if (value == null && m.getValue().getExamples() != null) {
          value = m.getValue().getExamples().values().stream().map(Example::getValue).filter(v -> v != null).findFirst().orElse(null);
        }
        if (value == null && m.getValue().getSchema() != null) value = m.getValue().getSchema().getExample();
        if (value == null) continue;
        String body;
        if (value instanceof String s && !m.getKey().contains("json")) {
          body = s;
        } else {
          try {
            body = Json.mapper().writeValueAsString(value);
          } catch (JsonProcessingException e) {
            continue;
          }
        }
        return new ContractOperation.Example(status, m.getKey(), body);
      }
    }
    return null;
  }
}
