/**
 * The data service's HTTP/1.1 side, on Netty directly: {@link dev.ooda.data.http.HttpServer}
 * (answers in request order per connection, body and head limits, graceful close), the
 * {@link dev.ooda.data.http.Router}, whole requests and answers, JSON bodies in and out, entity
 * tags, the problems the service answers with and the mapping of failures to them, and one
 * access-log line and one timer sample per request. The namespace access check runs here once a
 * request's route is known.
 */
package dev.ooda.data.http;
