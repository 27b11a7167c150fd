package dev.ooda.trace;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import zipkin2.Endpoint;
import zipkin2.Span;

/**
 * Random but reproducible traces that exercise what the Zipkin API must get right: RPC trees
 * with shared and unshared server spans, messaging, local spans, calls to uninstrumented
 * services, errors, 128-bit ids (some sharing their lower 64 bits), spans without timestamps,
 * and spans reported twice.
 */
final class TraceGenerator {
  static final String[] SERVICES = {"gateway", "frontend", "Backend", "auth", "billing", "search"};
  static final String[] NAMES = {"get /", "get /api", "post /pay", "select", "Lookup", "send"};

  private final Random random;
  private final long nowMicros;

  TraceGenerator(long seed, long nowMillis) {
    random = new Random(seed);
    nowMicros = nowMillis * 1000L;
  }

  /** {@code count} traces' spans, then some of them again, in a shuffled order. */
  List<Span> spans(int count) {
    List<Span> spans = new ArrayList<>();
    String sharedLow = null;
    for (int t = 0; t < count; t++) {
      String traceId;
      if (sharedLow != null && random.nextInt(3) == 0) {
        traceId = hex(16) + sharedLow; // same lower 64 bits, another trace
        sharedLow = null;
      } else if (random.nextInt(4) == 0) {
        traceId = hex(32);
        sharedLow = traceId.substring(16);
      } else {
        traceId = hex(16);
      }
      long start = nowMicros - (long) (random.nextDouble() * 3 * 3600_000_000L);
      trace(spans, traceId, null, service(), null, start, 0);
    }
    List<Span> again = new ArrayList<>();
    for (Span span : spans) if (random.nextInt(20) == 0) again.add(span);
    spans.addAll(again);
    Collections.shuffle(spans, random);
    return spans;
  }

  /** A server span in {@code service}, its local work and its calls to other services. */
  private void trace(List<Span> out, String traceId, String parentId, String service, String caller,
      long start, int depth) {
    long duration = 1000 + random.nextInt(200_000);
    String id = hex(16);
    Span.Builder server = Span.newBuilder().traceId(traceId).id(id).parentId(parentId)
        .kind(random.nextInt(10) == 0 ? null : Span.Kind.SERVER)
        .name(NAMES[random.nextInt(NAMES.length)])
        .localEndpoint(endpoint(service))
        .timestamp(random.nextInt(25) == 0 ? 0L : start)
        .duration(random.nextInt(25) == 0 ? 0L : duration);
    if (caller != null && random.nextBoolean()) server.remoteEndpoint(Endpoint.newBuilder().serviceName(caller).build());
    tags(server);
    out.add(server.build());
    if (depth >= 3) return;
    int children = random.nextInt(4);
    for (int c = 0; c < children; c++) {
      long childStart = start + random.nextInt(500);
      int shape = random.nextInt(10);
      if (shape < 5) { // RPC to an instrumented service; the server shares the client's id or not
        String callee = service();
        String clientId = hex(16);
        Span.Builder client = Span.newBuilder().traceId(traceId).id(clientId).parentId(id)
            .kind(Span.Kind.CLIENT).name(NAMES[random.nextInt(NAMES.length)])
            .localEndpoint(endpoint(service)).remoteEndpoint(Endpoint.newBuilder().serviceName(callee).build())
            .timestamp(childStart).duration(500 + random.nextInt(100_000));
        tags(client);
        out.add(client.build());
        if (random.nextBoolean()) {
          Span.Builder shared = Span.newBuilder().traceId(traceId).id(clientId).parentId(id)
              .kind(Span.Kind.SERVER).shared(true).name("shared").localEndpoint(endpoint(callee))
              .timestamp(childStart + 100).duration(400 + random.nextInt(50_000));
          tags(shared);
          out.add(shared.build());
        } else {
          trace(out, traceId, clientId, callee, service, childStart + 100, depth + 1);
        }
      } else if (shape < 7) { // a call to an uninstrumented service
        Span.Builder client = Span.newBuilder().traceId(traceId).id(hex(16)).parentId(id)
            .kind(Span.Kind.CLIENT).name("query").localEndpoint(endpoint(service))
            .remoteEndpoint(Endpoint.newBuilder().serviceName(random.nextBoolean() ? "mysql" : "redis").build())
            .timestamp(childStart).duration(100 + random.nextInt(10_000));
        tags(client);
        out.add(client.build());
      } else if (shape < 8) { // a message through a broker
        String producerId = hex(16);
        out.add(Span.newBuilder().traceId(traceId).id(producerId).parentId(id).kind(Span.Kind.PRODUCER)
            .name("send").localEndpoint(endpoint(service))
            .remoteEndpoint(Endpoint.newBuilder().serviceName("kafka").build())
            .timestamp(childStart).duration(50).build());
        out.add(Span.newBuilder().traceId(traceId).id(hex(16)).parentId(producerId).kind(Span.Kind.CONSUMER)
            .name("receive").localEndpoint(endpoint(service()))
            .remoteEndpoint(Endpoint.newBuilder().serviceName("kafka").build())
            .timestamp(childStart + 2000).duration(70).build());
      } else { // local work
        Span.Builder local = Span.newBuilder().traceId(traceId).id(hex(16)).parentId(id)
            .name("compute").localEndpoint(endpoint(service))
            .timestamp(childStart).duration(10 + random.nextInt(1000));
        if (random.nextInt(3) == 0) local.addAnnotation(childStart + 5, "cache.miss");
        out.add(local.build());
      }
    }
  }

  private void tags(Span.Builder span) {
    if (random.nextInt(8) == 0) span.putTag("error", random.nextBoolean() ? "" : "timeout");
    if (random.nextBoolean()) span.putTag("http.method", random.nextBoolean() ? "GET" : "POST");
    if (random.nextInt(3) == 0) span.putTag("env", random.nextBoolean() ? "prod" : "staging");
    if (random.nextInt(6) == 0) span.addAnnotation(nowMicros - random.nextInt(1000), "ws");
  }

  private String service() {
    return SERVICES[random.nextInt(SERVICES.length)];
  }

  private Endpoint endpoint(String service) {
    return Endpoint.newBuilder().serviceName(service).ip("10.0.0." + (1 + random.nextInt(20))).port(8080).build();
  }

  String hex(int length) {
    StringBuilder b = new StringBuilder(length);
    for (int i = 0; i < length; i++) b.append(Character.forDigit(random.nextInt(16), 16));
    if (b.chars().allMatch(c -> c == '0')) b.setCharAt(length - 1, '1');
    return b.toString();
  }
}
