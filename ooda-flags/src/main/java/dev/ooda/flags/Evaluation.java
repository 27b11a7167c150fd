package dev.ooda.flags;

/**
 * The answer for one flag and one context.
 *
 * @param flag       the flag's key
 * @param value      the variant's value: Boolean, String, Long or Double (whole numbers are Long),
 *                   or a Jackson {@code JsonNode} for json flags (shared by every answer: read it,
 *                   do not change it); null on error
 * @param variant    the variant's name; null on error
 * @param reason     why this variant
 * @param ruleId     the rule that matched, for TARGETING_MATCH and SPLIT; else null
 * @param errorCode  for ERROR, what went wrong; else null
 * @param message    for ERROR, a sentence for people; else null
 * @param experiment the experiment that decided the variant (reason SPLIT); else null
 * @param cell       the experiment's cell the unit is in; else null
 */
public record Evaluation(String flag, Object value, String variant, Reason reason, String ruleId, ErrorCode errorCode,
                         String message, String experiment, String cell) {

  public Evaluation(String flag, Object value, String variant, Reason reason, String ruleId, ErrorCode errorCode, String message) {
    this(flag, value, variant, reason, ruleId, errorCode, message, null, null);
  }

  public static Evaluation error(String flag, ErrorCode code, String message) {
    return new Evaluation(flag, null, null, Reason.ERROR, null, code, message);
  }

  public boolean isError() {
    return reason == Reason.ERROR;
  }
}
