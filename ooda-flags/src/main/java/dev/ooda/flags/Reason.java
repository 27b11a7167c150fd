package dev.ooda.flags;

/** Why an evaluation gave its answer; the names are OpenFeature's. */
public enum Reason {
  /** No rule matched: the default variant. */
  DEFAULT,
  /** A rule matched and named a variant; the evaluation carries the rule's id. */
  TARGETING_MATCH,
  /** A rule matched and its rollout put the caller in a bucket of the variant. */
  SPLIT,
  /** The kill switch is on: the default variant everywhere. */
  DISABLED,
  /** No answer: the caller's default applies; the evaluation carries an {@link ErrorCode}. */
  ERROR
}
