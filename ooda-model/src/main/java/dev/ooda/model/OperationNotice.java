package dev.ooda.model;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A deprecated operation of a service, as the gateway is told of it: responses to it carry
 * {@code Deprecation: @<deprecatedAt>} (RFC 9745) and, when set, {@code Sunset: <sunset>} (RFC 8594).
 *
 * @param service      the service whose operation it is
 * @param major        the major version whose contract deprecates it (see {@link MajorVersions}); its
 *                     instances' answers get the headers
 * @param method       HTTP method in capitals
 * @param path         the operation's path template in the service's contract, e.g. {@code /items/{id}}
 * @param deprecatedAt when it was deprecated, in epoch seconds
 * @param sunset       when it goes away, as an HTTP date ({@code Tue, 30 Jun 2027 00:00:00 GMT}), or null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record OperationNotice(String service, String major, String method, String path, long deprecatedAt, String sunset) {}
