package dev.ooda.gateway;

import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.server.Server;
import dev.ooda.gateway.proxy.Gateway;
import dev.ooda.gateway.routing.CompiledRoute;
import dev.ooda.model.Health;
import dev.ooda.model.ResourceCodec;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The management port: /metrics (Prometheus text, with the edge's access decisions as
 * {@code ooda_access_decisions_total}), /health and /routes, served by Armeria.
 */
final class Management {
  private Management() {}

  static Server start(GatewayOptions options, Gateway gw, PrometheusMeterRegistry registry) {
    Server server = Server.builder()
        .http(new InetSocketAddress(options.host(), options.managementPort()))
        .service("/metrics", (ctx, req) -> HttpResponse.of(HttpStatus.OK,
            MediaType.parse("text/plain; version=0.0.4; charset=utf-8"),
            registry.scrape() + gw.edge.decisions().prometheus() + gw.flags.counters().prometheus()))
        .service(Health.PATH, (ctx, req) -> {
          Map<String, Object> details = new LinkedHashMap<>();
          details.put("routes", gw.table().size());
          details.put("services", gw.services().size());
          details.put("inFlight", gw.inFlight());
          return json(Health.UP.with(details));
        })
        .service("/routes", (ctx, req) -> {
          List<Map<String, Object>> out = new ArrayList<>();
          for (CompiledRoute r : gw.table().routes()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", r.name);
            m.put("version", r.version);
            m.put("match", r.spec.matchKey().toString());
            m.put("spec", r.spec);
            out.add(m);
          }
          return json(Map.of("items", out));
        })
        .build();
    server.start().join();
    return server;
  }

  private static HttpResponse json(Object body) {
    return HttpResponse.of(HttpStatus.OK, MediaType.JSON_UTF_8, ResourceCodec.toJson(body));
  }
}
