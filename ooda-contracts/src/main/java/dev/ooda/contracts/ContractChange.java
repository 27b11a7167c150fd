package dev.ooda.contracts;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One difference between two versions of a service's API.
 *
 * @param method      the HTTP method of the operation, e.g. {@code GET}
 * @param path        the operation's path template, e.g. {@code /items/{id}}
 * @param operationId the operation's id in the document, when it has one
 * @param what        what changed, for a human, e.g. {@code response 200: field 'price' removed}
 * @param breaking    true when a caller written against the old document may fail against the new one
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ContractChange(String method, String path, String operationId, String what, boolean breaking) {

  /** {@code GET /items/{id}}, as the change names its operation. */
  public String operation() {
    return method + " " + path;
  }

  @Override
  public String toString() {
    return operation() + ": " + what + (breaking ? " (breaking)" : "");
  }
}
