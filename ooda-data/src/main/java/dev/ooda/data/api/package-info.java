/**
 * The data service's HTTP API (docs/data.md): {@link dev.ooda.data.api.DataApi} adds its routes
 * to the router and holds the handlers, which parse and check a request on the event loop and
 * hand whatever waits on the database to the namespace's workers. Beside it the models that are
 * only the API's: key-value records, event series, batches, row queries, page tokens, idempotent
 * writes and the answers they store, and the request {@link dev.ooda.data.api.Limits}.
 */
package dev.ooda.data.api;
