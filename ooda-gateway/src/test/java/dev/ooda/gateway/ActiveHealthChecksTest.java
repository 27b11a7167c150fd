package dev.ooda.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ooda.model.Instance;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ActiveHealthChecksTest extends GatewayTestSupport {

  static Instance withHealth(TestOrigin o) {
    Instance i = o.instance("catalog", "v1");
    return new Instance(i.id(), i.service(), i.version(), i.host(), i.port(), null, Instance.Status.UP, Map.of(), "/health", 0, false);
  }

  @Test
  void anInstanceFailingItsChecksGetsNoTrafficStaysListedAsDownAndComesBack() throws Exception {
    GatewayServer g = gateway();
    g.routes(yaml("kind: Route\nname: catalog\nspec: {match: {pathPrefix: /c}, to: [{service: catalog}]}\n"));
    TestOrigin good = origin("good");
    TestOrigin sick = origin("sick");
    AtomicInteger sickHealth = new AtomicInteger(503);
    sick.handler((ex, body) -> TestOrigin.reply(ex, ex.getRequestURI().getPath().equals("/health") ? sickHealth.get() : 200, "sick"));
    java.util.concurrent.ConcurrentHashMap<String, List<Instance>> seen = new java.util.concurrent.ConcurrentHashMap<>();
    try (ActiveHealthChecks checks = new ActiveHealthChecks((s, l) -> {
      seen.put(s, l);
      g.instances(s, l);
    }, Duration.ofMillis(100), Duration.ofSeconds(1), 2)) {
      checks.instances("catalog", List.of(withHealth(good), withHealth(sick)));
      waitFor(() -> statusOf(seen, "sick") == Instance.Status.DOWN);
      assertThat(seen.get("catalog")).hasSize(2);
      assertThat(statusOf(seen, "good")).isEqualTo(Instance.Status.UP);

      Set<String> answered = new HashSet<>();
      for (int i = 0; i < 20; i++) answered.add(get(g, "/c").body());
      assertThat(answered).containsExactly("good");

      sickHealth.set(200);
      waitFor(() -> statusOf(seen, "sick") == Instance.Status.UP);
      for (int i = 0; i < 40 && answered.size() < 2; i++) answered.add(get(g, "/c").body());
      assertThat(answered).containsExactlyInAnyOrder("good", "sick");
    }
  }

  static Instance.Status statusOf(Map<String, List<Instance>> seen, String id) {
    return seen.getOrDefault("catalog", List.of()).stream().filter(i -> i.id().equals(id)).map(Instance::status).findFirst().orElse(null);
  }

  static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
    for (int i = 0; i < 100 && !condition.getAsBoolean(); i++) Thread.sleep(100);
    assertThat(condition.getAsBoolean()).isTrue();
  }
}
