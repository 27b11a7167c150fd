package dev.ooda.model;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One thing wrong with the input.
 *
 * @param document 1-based position of the document in the request, 0 when not about one document
 * @param resource {@code Kind/name} when known
 * @param path     field path inside the document, e.g. {@code spec.to[0].weight}
 * @param message  what is wrong, for a human
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Violation(int document, String resource, String path, String message) {

  public static Violation of(String path, String message) {
    return new Violation(0, null, path, message);
  }

  Violation in(int doc, String ref) {
    return new Violation(doc, ref, path, message);
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder();
    if (document > 0) b.append("document ").append(document);
    if (resource != null) b.append(document > 0 ? " (" + resource + ")" : resource);
    if (b.length() > 0) b.append(": ");
    if (path != null && !path.isEmpty()) b.append(path).append(": ");
    return b.append(message).toString();
  }
}
