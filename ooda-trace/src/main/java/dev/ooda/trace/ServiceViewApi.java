package dev.ooda.trace;

import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.server.annotation.Blocking;
import com.linecorp.armeria.server.annotation.Default;
import com.linecorp.armeria.server.annotation.Get;
import com.linecorp.armeria.server.annotation.Param;
import dev.ooda.model.Durations;
import dev.ooda.model.ResourceCodec;
import dev.ooda.model.SpanApi;
import java.util.Optional;

/**
 * ooda's focused views of one service. Time parameters take epoch millis ({@code endTs}) and
 * either millis or a duration like {@code 15m} ({@code lookback}, {@code step}).
 */
final class ServiceViewApi {
  static final String DEFAULT_LOOKBACK = "15m";
  static final String DEFAULT_STEP = "1m";

  private final ServiceViews views;

  ServiceViewApi(ServiceViews views) {
    this.views = views;
  }

  @Get(SpanApi.SERVICE_VIEWS + "/{name}/neighborhood")
  @Blocking
  public HttpResponse neighborhood(@Param("name") String name, @Param("hops") @Default("1") int hops,
      @Param("endTs") Optional<Long> endTs, @Param("lookback") @Default(DEFAULT_LOOKBACK) String lookback) {
    return json(views.neighborhood(name, hops, endTs.orElse(System.currentTimeMillis()), millis("lookback", lookback)));
  }

  @Get(SpanApi.SERVICE_VIEWS + "/{name}/red")
  @Blocking
  public HttpResponse red(@Param("name") String name, @Param("endTs") Optional<Long> endTs,
      @Param("lookback") @Default(DEFAULT_LOOKBACK) String lookback, @Param("step") @Default(DEFAULT_STEP) String step) {
    return json(views.red(name, endTs.orElse(System.currentTimeMillis()), millis("lookback", lookback),
        millis("step", step)));
  }

  /** Plain digits are millis, as in the Zipkin API; otherwise a duration like 15m. */
  static long millis(String param, String value) {
    try {
      if (!value.isEmpty() && value.chars().allMatch(Character::isDigit)) return Long.parseLong(value);
      return Durations.parse(value).toMillis();
    } catch (IllegalArgumentException e) {
      throw Problems.invalid(param + ": " + e.getMessage()).toException();
    }
  }

  private static HttpResponse json(Object value) {
    return HttpResponse.of(ResponseHeaders.builder(HttpStatus.OK).contentType(MediaType.JSON).build(),
        HttpData.wrap(ResourceCodec.toJsonBytes(value)));
  }
}
