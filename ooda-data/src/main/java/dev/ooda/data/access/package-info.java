/**
 * Who may use which namespace: {@link dev.ooda.data.access.NamespaceAccess} compiles namespaces'
 * owners and grants and their owners' access modes into rules swapped whole, verifies callers'
 * {@code ooda-token} for the audience {@code data}, and counts its decisions.
 */
package dev.ooda.data.access;
