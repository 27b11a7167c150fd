package dev.ooda.access;

import java.time.Instant;

/**
 * What a verified service token says.
 *
 * @param service   the calling service ({@code sub})
 * @param clientId  the credential it was issued for ({@code cid}); null for tokens the platform issued its own roles
 * @param expiresAt when it stops being valid ({@code exp}, before the clock skew allowance)
 */
public record ServiceToken(String service, String clientId, Instant expiresAt) {}
