package dev.ooda.gateway;

import java.nio.file.Path;

/**
 * TLS towards clients, on a port of its own beside the cleartext one. HTTP/2 and HTTP/1.1 are
 * offered by ALPN.
 *
 * @param port     the TLS port; 0 picks a free one
 * @param keyStore a PKCS#12 file with the server's key and certificate chain
 * @param password the key store's (and key's) password
 */
public record TlsOptions(int port, Path keyStore, String password) {}
