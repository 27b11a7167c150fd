package dev.ooda.flags;

/** Why an evaluation failed; the names are OpenFeature's. */
public enum ErrorCode {
  FLAG_NOT_FOUND,
  /** The flag's values are of another type than the one asked for. */
  TYPE_MISMATCH,
  PARSE_ERROR,
  INVALID_CONTEXT,
  GENERAL
}
