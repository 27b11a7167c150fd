package dev.ooda.flags;

import java.time.Instant;

/**
 * How often one variant of a flag was served, and when last.
 *
 * @param lastEvaluated to the second
 */
public record FlagUsage(String flag, String variant, long count, Instant lastEvaluated) {}
