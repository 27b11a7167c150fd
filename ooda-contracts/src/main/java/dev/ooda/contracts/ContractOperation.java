package dev.ooda.contracts;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One operation of a contract, as the gateway and the caller reports need it.
 *
 * @param method      HTTP method in capitals
 * @param path        path template, e.g. {@code /items/{id}}
 * @param operationId the document's {@code operationId}, or null
 * @param deprecated  {@code deprecated: true} in the document, or a sunset is set
 * @param sunset      {@code x-sunset} (an RFC 3339 date or date-time), or null
 * @param example     the first example of its first success response, or null when it has none
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ContractOperation(String method, String path, String operationId, boolean deprecated, String sunset,
                                Example example) {

  /**
   * A response the operation documents by example: its status, content type and body (JSON
   * examples are written as JSON).
   */
  public record Example(int status, String contentType, String body) {}

  @JsonIgnore
  public String name() {
    return method + " " + path;
  }
}
