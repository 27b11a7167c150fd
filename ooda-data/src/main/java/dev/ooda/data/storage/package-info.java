/**
 * Where namespaces live: the {@link dev.ooda.data.storage.Catalog} of namespaces served (one
 * immutable map, swapped whole on a push), each {@link dev.ooda.data.storage.Namespace} with its
 * {@link dev.ooda.data.storage.Storage} (pool, jOOQ context, workers), the backends and their
 * DDL, connection URLs, migrations and the schema read after them, column types, database errors
 * as problems, and the table model ({@code Rows}) with its coalesced reads by key and grouped
 * inserts, which a namespace's storage owns.
 */
package dev.ooda.data.storage;
