package dev.ooda.data.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ooda.data.http.Json;
import dev.ooda.data.http.Problems;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * An opaque page token: the position after the last item of a page (keyset, never an offset),
 * with the kind of listing and its order, so that a token is refused by any other listing.
 */
final class PageToken {
  private PageToken() {}

  static String encode(String listing, ArrayNode position) {
    ObjectNode t = JsonNodeFactory.instance.objectNode();
    t.put("l", listing);
    t.set("p", position);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(Json.bytes(t));
  }

  /** The position in {@code token}; a token of another listing or a damaged one is a 400. */
  static ArrayNode decode(String token, String listing, int size) {
    try {
      JsonNode t = Json.parse(Base64.getUrlDecoder().decode(token.getBytes(StandardCharsets.US_ASCII)));
      if (t.path("l").asText("").equals(listing) && t.get("p") instanceof ArrayNode a && a.size() == size) return a;
    } catch (RuntimeException ignored) {
      // fall through: any damage is the same answer
    }
    throw Problems.invalid("page", "is not a page token of this listing (tokens are tied to the query's order)");
  }
}
