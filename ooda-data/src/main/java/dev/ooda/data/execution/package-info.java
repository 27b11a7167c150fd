/**
 * How work waits on a namespace's database: its {@link dev.ooda.data.execution.Workers} (one
 * thread per pooled connection, a bounded queue, 503 beyond it), the
 * {@link dev.ooda.data.execution.Coalescer} that runs requests of one shape together, and the
 * cache of hot statements' SQL text. Knows nothing of schemas or the API.
 */
package dev.ooda.data.execution;
