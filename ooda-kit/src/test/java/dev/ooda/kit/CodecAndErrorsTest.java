package dev.ooda.kit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.server.annotation.Get;
import com.linecorp.armeria.server.annotation.Header;
import com.linecorp.armeria.server.annotation.Param;
import com.linecorp.armeria.server.annotation.Post;
import dev.ooda.model.Instance;
import dev.ooda.model.Problem;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Bodies in JSON and CBOR, chosen by content type, and the one error model, against real servers. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CodecAndErrorsTest {
  TestPlatform platform;
  Kit caller;
  OodaService catalog;
  final Map<String, Item> items = new ConcurrentHashMap<>();
  volatile String lastContentType;

  public class CatalogApi {
    @Get("/items/:id")
    public Item item(@Param String id, @Header("content-type") java.util.Optional<String> ct) {
      Item i = items.get(id);
      if (i == null) throw Problem.notFound("no item " + id).toException();
      return i;
    }

    @Get("/items")
    public List<Item> all() {
      return items.values().stream().sorted(java.util.Comparator.comparing(Item::id)).toList();
    }

    @Post("/items")
    public Item create(Item item, @Header("content-type") String contentType) {
      lastContentType = contentType;
      items.put(item.id(), item);
      return item;
    }
  }

  @BeforeEach
  void empty() {
    items.clear();
  }

  @BeforeAll
  void start() {
    platform = new TestPlatform();
    Kit kit = platform.kit("catalog");
    catalog = platform.serve(kit, b -> b.annotatedService(new CatalogApi())
        .service("/text-error", (ctx, req) -> HttpResponse.of(HttpStatus.INTERNAL_SERVER_ERROR, MediaType.PLAIN_TEXT, "disk on fire"))
        .service("/html", (ctx, req) -> HttpResponse.of(HttpStatus.OK, MediaType.HTML_UTF_8, "<p>hi</p>"))
        .service("/slow", (ctx, req) -> HttpResponse.delayed(HttpResponse.of("late"), Duration.ofSeconds(5))));
    caller = platform.kit("checkout");
  }

  @AfterAll
  void stop() throws Exception {
    platform.close();
  }

  @ParameterizedTest
  @EnumSource(Codec.class)
  void recordsTravelInEitherCodecChosenByContentType(Codec codec) {
    OodaClient client = caller.client("catalog", OodaClient.Options.DEFAULT.withCodec(codec));
    Item created = client.post("/items").body(new Item("42", "lamp", 1999)).as(Item.class);
    assertThat(created).isEqualTo(new Item("42", "lamp", 1999));
    assertThat(lastContentType).isEqualTo(codec.mediaType().toString());
    assertThat(client.get("/items/{id}", "42").as(Item.class)).isEqualTo(created);
    assertThat(client.get("/items").as(new TypeReference<List<Item>>() {})).containsExactly(created);
  }

  @Test
  void answersComeInTheFormTheCallerAccepts() {
    items.put("7", new Item("7", "chair", 5000));
    WebClient raw = WebClient.of("http://127.0.0.1:" + catalog.port());
    AggregatedHttpResponse cbor = raw.execute(RequestHeaders.builder(HttpMethod.GET, "/items/7")
        .add("accept", "application/cbor").build()).aggregate().join();
    assertThat(cbor.contentType()).isEqualTo(Codec.CBOR.mediaType());
    AggregatedHttpResponse json = raw.get("/items/7").aggregate().join();
    assertThat(json.contentType().is(MediaType.JSON)).isTrue();
    assertThat(json.contentUtf8()).isEqualTo("{\"id\":\"7\",\"name\":\"chair\",\"priceCents\":5000}");
    assertThat(cbor.content().length()).isLessThan(json.content().length());
  }

  @Test
  void serviceRefusesBadBodiesNamingTheField() {
    WebClient raw = WebClient.of("http://127.0.0.1:" + catalog.port());
    AggregatedHttpResponse r = raw.execute(HttpRequest.of(HttpMethod.POST, "/items", MediaType.JSON,
        "{\"id\":\"1\",\"name\":\"x\",\"priceCents\":\"cheap\",\"colour\":\"red\"}")).aggregate().join();
    assertThat(r.status().code()).isEqualTo(400);
    assertThat(r.contentType().toString()).startsWith(Problem.MEDIA_TYPE);
    assertThat(r.contentUtf8()).contains("urn:ooda:problem:invalid").contains("priceCents");

    AggregatedHttpResponse unknown = raw.execute(HttpRequest.of(HttpMethod.POST, "/items", MediaType.JSON,
        "{\"id\":\"1\",\"name\":\"x\",\"priceCents\":1,\"colour\":\"red\"}")).aggregate().join();
    assertThat(unknown.status().code()).isEqualTo(400);
    assertThat(unknown.contentUtf8()).contains("colour").contains("unknown field");
    assertThat(items).isEmpty();
  }

  @Test
  void problemAnswersBecomeTypedExceptions() {
    OodaClient client = caller.client("catalog");
    assertThatThrownBy(() -> client.get("/items/{id}", "nope").as(Item.class))
        .isInstanceOfSatisfying(RemoteProblemException.class, e -> {
          assertThat(e.status()).isEqualTo(404);
          assertThat(e.type()).isEqualTo("urn:ooda:problem:not-found");
          assertThat(e.detail()).isEqualTo("no item nope");
          assertThat(e.service()).isEqualTo("catalog");
        });
    // the client's strict twin on the server side: a bad body is a 400 invalid problem
    assertThatThrownBy(() -> client.post("/items").body(Map.of("id", "1")).as(Item.class))
        .isInstanceOfSatisfying(RemoteProblemException.class, e -> {
          assertThat(e.status()).isEqualTo(400);
          assertThat(e.type()).isEqualTo("urn:ooda:problem:invalid");
        });
    assertThatThrownBy(() -> client.get("/no/such/path").send())
        .isInstanceOfSatisfying(RemoteProblemException.class, e -> assertThat(e.status()).isEqualTo(404));
  }

  @Test
  void answersThatAreNotProblemsAreDescribedFromTheirStatus() {
    OodaClient client = caller.client("catalog");
    assertThatThrownBy(() -> client.get("/text-error").send())
        .isInstanceOfSatisfying(RemoteProblemException.class, e -> {
          assertThat(e.status()).isEqualTo(500);
          assertThat(e.type()).isEqualTo("urn:ooda:problem:http-500");
          assertThat(e.detail()).isEqualTo("disk on fire");
        });
    assertThatThrownBy(() -> client.get("/html").as(Item.class))
        .isInstanceOfSatisfying(RemoteProblemException.class, e -> assertThat(e.type()).isEqualTo("urn:ooda:problem:unreadable-answer"));
  }

  @Test
  void timeoutsNetworkErrorsAndMissingServicesAreDistinct() {
    OodaClient client = caller.client("catalog");
    assertThatThrownBy(() -> client.get("/slow").timeout(Duration.ofMillis(200)).send())
        .isInstanceOf(DeadlineExceededException.class);

    platform.registry.set("ghost", List.of(instance("ghost", closedPort())));
    assertThatThrownBy(() -> caller.client("ghost").get("/").send())
        .isInstanceOf(NetworkException.class).hasMessageContaining("cannot reach ghost");

    assertThatThrownBy(() -> caller.client("nobody").get("/").send())
        .isInstanceOf(NetworkException.class).hasMessageContaining("no instance of nobody is up");
  }

  static Instance instance(String service, int port) {
    return new Instance(service + "-" + port, service, "v1", "127.0.0.1", port, null, Instance.Status.UP, null, null, 0, false);
  }

  static int closedPort() {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
