package dev.ooda.trace;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How to run a {@link TraceServer}: immutable, built with {@link #builder()}; every option and its
 * default is documented on the builder's method of the same name.
 *
 * <pre>
 * TraceOptions o = TraceOptions.builder().port(9411).maxSpans(500_000).forwardUrl("http://zipkin.example:9411").build();
 * </pre>
 */
public final class TraceOptions {
  public static final int DEFAULT_PORT = 9411;
  /** Zipkin's own default for its in-memory storage. */
  public static final int DEFAULT_MAX_SPANS = 500_000;
  /**
   * Caps the heap of spans in a laptop-sized {@code ooda up}: a typical RPC span (two endpoints,
   * a few tags) takes about 200 bytes encoded and indexed, so the span bound is reached first, at
   * some 100 MB; spans with large tags meet this bound instead.
   */
  public static final long DEFAULT_MAX_BYTES = 256L << 20;
  /** Zipkin reporters send messages of at most 500 KB by default; this leaves room. */
  public static final int DEFAULT_MAX_REQUEST_BYTES = 5 << 20;
  /** Zipkin's defaults for its Cassandra storage. */
  public static final String DEFAULT_LOCAL_DC = "datacenter1";
  public static final String DEFAULT_KEYSPACE = "zipkin2";
  public static final int DEFAULT_CASSANDRA_PORT = 9042;

  /** Where spans are kept. */
  public enum Storage {
    /** In this process, bounded by {@code maxSpans} and {@code maxBytes}; gone on restart. */
    MEMORY,
    /** In Cassandra, through Zipkin's own Cassandra storage and schema. */
    CASSANDRA;

    /** {@code memory} or {@code cassandra}, any case. */
    public static Storage parse(String value) {
      for (Storage s : values()) {
        if (s.name().equalsIgnoreCase(value.trim())) return s;
      }
      throw new IllegalArgumentException("storage must be memory or cassandra, not '" + value + "'");
    }

    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** A CQL identifier Cassandra takes unquoted: the keyspace name goes into Zipkin's schema as is. */
  private static final Pattern KEYSPACE = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,47}");

  private final int port;
  private final int maxSpans;
  private final long maxBytes;
  private final int maxRequestBytes;
  private final String forwardUrl;
  private final List<String> autocompleteKeys;
  private final Storage storage;
  private final String contactPoints;
  private final String localDc;
  private final String keyspace;

  private TraceOptions(Builder b) {
    this.port = b.port;
    this.maxSpans = b.maxSpans;
    this.maxBytes = b.maxBytes;
    this.maxRequestBytes = b.maxRequestBytes;
    this.forwardUrl = b.forwardUrl;
    this.autocompleteKeys = b.autocompleteKeys;
    this.storage = b.storage;
    this.contactPoints = b.contactPoints;
    this.localDc = b.localDc;
    this.keyspace = b.keyspace;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Every option at its default. */
  public static TraceOptions defaults() {
    return builder().build();
  }

  /** A builder holding these options, to change some of them. */
  public Builder toBuilder() {
    return builder().port(port).maxSpans(maxSpans).maxBytes(maxBytes).maxRequestBytes(maxRequestBytes)
        .forwardUrl(forwardUrl).autocompleteKeys(autocompleteKeys)
        .storage(storage).contactPoints(contactPoints).localDc(localDc).keyspace(keyspace);
  }

  /** See {@link Builder#port}. */
  public int port() {
    return port;
  }

  /** See {@link Builder#maxSpans}. */
  public int maxSpans() {
    return maxSpans;
  }

  /** See {@link Builder#maxBytes}. */
  public long maxBytes() {
    return maxBytes;
  }

  /** See {@link Builder#maxRequestBytes}. */
  public int maxRequestBytes() {
    return maxRequestBytes;
  }

  /** See {@link Builder#forwardUrl}; null for none. */
  public String forwardUrl() {
    return forwardUrl;
  }

  /** See {@link Builder#autocompleteKeys}. */
  public List<String> autocompleteKeys() {
    return autocompleteKeys;
  }

  /** See {@link Builder#storage}. */
  public Storage storage() {
    return storage;
  }

  /** See {@link Builder#contactPoints}; null unless set. */
  public String contactPoints() {
    return contactPoints;
  }

  /** See {@link Builder#localDc}. */
  public String localDc() {
    return localDc;
  }

  /** See {@link Builder#keyspace}. */
  public String keyspace() {
    return keyspace;
  }

  @Override
  public String toString() {
    return "TraceOptions{port=" + port + ", maxSpans=" + maxSpans + ", maxBytes=" + maxBytes + ", maxRequestBytes="
        + maxRequestBytes + ", forwardUrl=" + forwardUrl + ", autocompleteKeys=" + autocompleteKeys
        + ", storage=" + storage + ", contactPoints=" + contactPoints + ", localDc=" + localDc
        + ", keyspace=" + keyspace + "}";
  }

  /**
   * Why a contact point list is not {@code HOST[:PORT][,HOST[:PORT]...]} (IPv6 hosts in brackets),
   * or null when it is.
   */
  public static String contactPointsProblem(String contactPoints) {
    if (contactPoints == null || contactPoints.isBlank()) return "no contact points; give HOST[:PORT][,HOST[:PORT]...]";
    for (String point : contactPoints.split(",", -1)) {
      String p = point.trim();
      String host = p;
      String port = null;
      if (p.startsWith("[")) {
        int close = p.indexOf(']');
        if (close < 0) return "'" + p + "' opens a bracket it does not close";
        host = p.substring(1, close);
        String rest = p.substring(close + 1);
        if (!rest.isEmpty()) {
          if (!rest.startsWith(":")) return "'" + p + "' is not HOST[:PORT]";
          port = rest.substring(1);
        }
      } else if (p.indexOf(':') >= 0) {
        if (p.indexOf(':') != p.lastIndexOf(':')) return "'" + p + "': write an IPv6 address in brackets, [ADDRESS]:PORT";
        host = p.substring(0, p.indexOf(':'));
        port = p.substring(p.indexOf(':') + 1);
      }
      if (host.isEmpty() || host.chars().anyMatch(Character::isWhitespace)) {
        return "'" + p + "' has no host; give HOST[:PORT]";
      }
      if (port != null) {
        int n;
        try {
          n = Integer.parseInt(port);
        } catch (NumberFormatException e) {
          n = -1;
        }
        if (n < 1 || n > 65535) return "'" + p + "' has port '" + port + "', not a port (1-65535)";
      }
    }
    return null;
  }

  /** Builds {@link TraceOptions}; each method documents its option and default. Not thread-safe. */
  public static final class Builder {
    private int port = DEFAULT_PORT;
    private int maxSpans = DEFAULT_MAX_SPANS;
    private long maxBytes = DEFAULT_MAX_BYTES;
    private int maxRequestBytes = DEFAULT_MAX_REQUEST_BYTES;
    private String forwardUrl;
    private List<String> autocompleteKeys = List.of();
    private Storage storage = Storage.MEMORY;
    private String contactPoints;
    private String localDc = DEFAULT_LOCAL_DC;
    private String keyspace = DEFAULT_KEYSPACE;

    private Builder() {}

    /** TCP port of the Zipkin-compatible HTTP API; 0 picks a free one. Default 9411. */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /** Spans kept in memory; past it the oldest traces are dropped. Default 500,000. */
    public Builder maxSpans(int maxSpans) {
      this.maxSpans = maxSpans;
      return this;
    }

    /** Bytes of the kept spans, encoded and indexed; past it the oldest traces are dropped. Default 256 MiB. */
    public Builder maxBytes(long maxBytes) {
      this.maxBytes = maxBytes;
      return this;
    }

    /** The largest span batch accepted, before and after gzip; larger ones get 413. Default 5 MiB. */
    public Builder maxRequestBytes(int maxRequestBytes) {
      this.maxRequestBytes = maxRequestBytes;
      return this;
    }

    /**
     * Another Zipkin-compatible server that receives every accepted span (its base URL or its
     * {@code /api/v2/spans} URL); null or blank for none. Default none.
     */
    public Builder forwardUrl(String forwardUrl) {
      this.forwardUrl = forwardUrl == null || forwardUrl.isBlank() ? null : forwardUrl;
      return this;
    }

    /** Tag keys whose values {@code /api/v2/autocompleteValues} lists. Default none. */
    public Builder autocompleteKeys(List<String> autocompleteKeys) {
      this.autocompleteKeys = List.copyOf(Objects.requireNonNull(autocompleteKeys, "autocompleteKeys"));
      return this;
    }

    /**
     * Where spans are kept: {@link Storage#MEMORY} (default; {@code maxSpans} and {@code maxBytes}
     * bound it) or {@link Storage#CASSANDRA} (needs {@code contactPoints}).
     */
    public Builder storage(Storage storage) {
      this.storage = Objects.requireNonNull(storage, "storage");
      return this;
    }

    /**
     * Cassandra nodes to connect to first, {@code HOST[:PORT][,...]} (port 9042 when left out);
     * required with Cassandra storage. Default none.
     */
    public Builder contactPoints(String contactPoints) {
      this.contactPoints = contactPoints == null || contactPoints.isBlank() ? null : contactPoints.trim();
      return this;
    }

    /** The Cassandra datacenter the driver sends queries to. Default {@code datacenter1}. */
    public Builder localDc(String localDc) {
      this.localDc = localDc;
      return this;
    }

    /** The Cassandra keyspace of Zipkin's tables, created when missing. Default {@code zipkin2}. */
    public Builder keyspace(String keyspace) {
      this.keyspace = keyspace;
      return this;
    }

    /** @throws IllegalArgumentException naming the first option that is out of range */
    public TraceOptions build() {
      if (port < 0 || port > 65535) throw new IllegalArgumentException("port must be 0..65535: " + port);
      if (maxSpans <= 0) throw new IllegalArgumentException("maxSpans must be positive: " + maxSpans);
      if (maxBytes <= 0) throw new IllegalArgumentException("maxBytes must be positive: " + maxBytes);
      if (maxRequestBytes <= 0) throw new IllegalArgumentException("maxRequestBytes must be positive: " + maxRequestBytes);
      if (localDc == null || localDc.isBlank()) throw new IllegalArgumentException("localDc must not be blank");
      if (keyspace == null || !KEYSPACE.matcher(keyspace).matches()) {
        throw new IllegalArgumentException("keyspace must be a letter then up to 47 letters, digits or _, not '" + keyspace + "'");
      }
      if (storage == Storage.CASSANDRA) {
        String problem = contactPointsProblem(contactPoints);
        if (problem != null) throw new IllegalArgumentException("contactPoints: " + problem);
      } else if (contactPoints != null) {
        throw new IllegalArgumentException("contactPoints are for cassandra storage; storage is " + storage);
      }
      return new TraceOptions(this);
    }
  }
}
