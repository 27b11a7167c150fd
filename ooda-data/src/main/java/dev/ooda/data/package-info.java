/**
 * The ooda data service's public face: {@link dev.ooda.data.DataServer} and its
 * {@link dev.ooda.data.DataServer.Options}, {@link dev.ooda.data.SecretResolver} for namespaces'
 * secret references, and {@link dev.ooda.data.NamespaceStatus}, what a push of namespaces left.
 *
 * <p>The parts, each a sub-package: {@code api} (the routes of the HTTP API and their handlers:
 * namespaces, key-value, rows, events, batches, idempotent writes, limits), {@code storage}
 * (catalog, namespaces, backends, pools, migrations, schema, column types, row SQL with its
 * coalesced reads and inserts, connection URLs, database errors), {@code execution} (each
 * namespace's workers, coalescing, the statement cache), {@code http} (the Netty server, routing,
 * requests and answers, JSON bodies, entity tags, problems, access log and request metrics),
 * {@code access} (who may use which namespace). Arrows go from here to the parts and, between
 * parts, in that order only: api, storage, execution, http, access; nothing points back.
 */
package dev.ooda.data;
