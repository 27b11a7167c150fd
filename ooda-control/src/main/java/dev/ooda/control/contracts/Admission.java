package dev.ooda.control.contracts;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.ooda.contracts.CallerUse;
import dev.ooda.contracts.ContractChange;
import java.util.List;

/**
 * What the control plane made of a contract a version brought (by registration or push).
 *
 * @param outcome  see {@link Outcome}
 * @param service  the service
 * @param major    the major version's key
 * @param version  the version that brought it
 * @param active   the version whose contract is active in that major now
 * @param mode     the service's contract mode
 * @param changes  every change from the contract that was active before
 * @param breaking the breaking ones, each with the callers that used its operation in the window
 * @param note     why callers could not be read, or other things worth telling; may be null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Admission(String outcome, String service, String major, String version, String active, String mode,
                        List<ContractChange> changes, List<Breaking> breaking, String note) {

  /** How a contract was taken. */
  public static final class Outcome {
    /** The first contract of its major version: stored and active. */
    public static final String FIRST = "first";
    /** The same document as the active one. */
    public static final String UNCHANGED = "unchanged";
    /** Compatible with the active one: stored and active. */
    public static final String COMPATIBLE = "compatible";
    /** A version older than the active one: kept, the active contract stays. */
    public static final String OLDER = "older";
    /** Breaking, taken because the mode is warn: active, and flagged. */
    public static final String BREAKING_WARNED = "breaking-warned";
    /** Breaking, taken in enforce mode with unusedOk because nobody called the operations it breaks: active, flagged. */
    public static final String BREAKING_UNUSED = "breaking-unused";
    /** Breaking, taken silently because the mode is off. */
    public static final String BREAKING_UNCHECKED = "breaking-unchecked";

    private Outcome() {}
  }

  /** One breaking change and who would break. */
  public record Breaking(String method, String path, String operationId, String what, List<CallerUse> callers) {
    static Breaking of(ContractChange c, List<CallerUse> callers) {
      return new Breaking(c.method(), c.path(), c.operationId(), c.what(), List.copyOf(callers));
    }
  }
}
