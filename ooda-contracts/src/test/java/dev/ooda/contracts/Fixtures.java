package dev.ooda.contracts;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ooda.model.ResourceCodec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/** The catalog contract of the tests and the variants of it that each test pushes. */
public final class Fixtures {
  private Fixtures() {}

  /** {@code catalog-v1.yaml} as YAML text. */
  public static String v1() {
    try (InputStream in = Fixtures.class.getResourceAsStream("/contracts/catalog-v1.yaml")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** v1 changed by {@code edit}, as JSON text. */
  public static String v1With(Consumer<ObjectNode> edit) {
    try {
      ObjectNode doc = (ObjectNode) ResourceCodec.yaml().readTree(v1());
      edit.accept(doc);
      return ResourceCodec.toJson(doc);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public static ObjectNode schema(ObjectNode doc, String name) {
    return (ObjectNode) doc.path("components").path("schemas").path(name);
  }

  public static ObjectNode props(ObjectNode doc, String schema) {
    return (ObjectNode) schema(doc, schema).path("properties");
  }

  public static String removedOperation() {
    return v1With(d -> ((ObjectNode) d.path("paths").path("/items/{id}")).remove("delete"));
  }

  public static String removedResponseField() {
    return v1With(d -> props(d, "Item").remove("price"));
  }

  public static String newRequiredRequestField() {
    return v1With(d -> {
      props(d, "NewItem").putObject("sku").put("type", "string");
      ((ArrayNode) schema(d, "NewItem").path("required")).add("sku");
    });
  }

  public static String narrowedEnum() {
    return v1With(d -> ((ArrayNode) props(d, "NewItem").path("color").path("enum")).remove(2));
  }

  public static String changedType() {
    return v1With(d -> ((ObjectNode) props(d, "Item").path("price")).put("type", "string"));
  }

  public static String addedOptionalField() {
    return v1With(d -> {
      props(d, "Item").putObject("description").put("type", "string");
      props(d, "NewItem").putObject("description").put("type", "string");
    });
  }

  public static String newOperation() {
    return v1With(d -> ((ObjectNode) d.path("paths").path("/items/{id}")).putObject("put")
        .put("operationId", "replaceItem").putObject("responses").putObject("204").put("description", "replaced"));
  }

  /** v1 with getItem deprecated and given a sunset date. */
  public static String deprecatedGetItem(String sunset) {
    return v1With(d -> ((ObjectNode) d.path("paths").path("/items/{id}").path("get")).put("deprecated", true).put("x-sunset", sunset));
  }
}
