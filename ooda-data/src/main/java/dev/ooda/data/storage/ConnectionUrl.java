package dev.ooda.data.storage;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Properties;

/**
 * A database server URL made ready for JDBC: {@code postgresql://user:pass@host:5432/db} becomes
 * {@code jdbc:postgresql://host:5432/db} with the credentials as driver properties. MySQL and
 * MariaDB URLs go to the MariaDB driver, which speaks to both.
 */
record ConnectionUrl(String jdbcUrl, Properties properties) {

  static ConnectionUrl parse(Backend backend, String url) {
    String lower = url.toLowerCase(Locale.ROOT);
    Properties p = new Properties();
    if (lower.startsWith("jdbc:")) {
      String jdbc = lower.startsWith("jdbc:mysql://") ? "jdbc:mariadb://" + url.substring("jdbc:mysql://".length()) : url;
      return new ConnectionUrl(jdbc, p);
    }
    URI u;
    try {
      u = new URI(url);
    } catch (Exception e) {
      throw new IllegalArgumentException("the connection URL is not a URL");
    }
    if (u.getHost() == null) throw new IllegalArgumentException("the connection URL has no host");
    String info = u.getRawUserInfo();
    if (info != null) {
      int colon = info.indexOf(':');
      p.setProperty("user", decode(colon < 0 ? info : info.substring(0, colon)));
      if (colon >= 0) p.setProperty("password", decode(info.substring(colon + 1)));
    }
    String scheme = backend == Backend.POSTGRES ? "jdbc:postgresql://" : "jdbc:mariadb://";
    String hostPort = u.getHost() + (u.getPort() > 0 ? ":" + u.getPort() : "");
    String path = u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath();
    String query = u.getRawQuery() == null ? "" : "?" + u.getRawQuery();
    return new ConnectionUrl(scheme + hostPort + path + query, p);
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "ConnectionUrl[(hidden)]";
  }
}
