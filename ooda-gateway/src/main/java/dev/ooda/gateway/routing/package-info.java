/**
 * Routes compiled into an immutable table (exact paths, a segment trie for templates and prefixes),
 * weighted splits with sticky buckets, and the per-service instance table; swapped whole on update.
 */
package dev.ooda.gateway.routing;
