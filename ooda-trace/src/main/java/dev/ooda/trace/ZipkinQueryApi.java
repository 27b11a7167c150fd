package dev.ooda.trace;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.common.ResponseHeadersBuilder;
import com.linecorp.armeria.common.ServerCacheControl;
import com.linecorp.armeria.server.annotation.Blocking;
import com.linecorp.armeria.server.annotation.Default;
import com.linecorp.armeria.server.annotation.Get;
import com.linecorp.armeria.server.annotation.Param;
import dev.ooda.model.Problem;
import dev.ooda.model.ResourceCodec;
import dev.ooda.model.SpanApi;
import java.io.ByteArrayOutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import zipkin2.Span;
import zipkin2.codec.DependencyLinkBytesEncoder;
import zipkin2.codec.SpanBytesEncoder;
import zipkin2.storage.QueryRequest;

/**
 * The read side of the Zipkin v2 HTTP API. Parameters, defaults, bodies and cache headers follow
 * Zipkin server's own {@code ZipkinQueryApiV2}, so tools written for Zipkin get the same answers;
 * only errors differ, being problem+json. Queries run on the blocking executor so that they never
 * hold up ingest on the event loops.
 */
final class ZipkinQueryApi {
  /** Zipkin's default lookback (QUERY_LOOKBACK): one day. */
  static final long DEFAULT_LOOKBACK = 86_400_000L;
  /** Zipkin's default max-age of name lists (QUERY_NAMES_MAX_AGE). */
  static final int NAMES_MAX_AGE = 300;

  private final TraceStore store;
  private final List<String> autocompleteKeys;
  private volatile int serviceCount; // like Zipkin, cache names once there are more than 3 services

  ZipkinQueryApi(TraceStore store, List<String> autocompleteKeys) {
    this.store = store;
    this.autocompleteKeys = autocompleteKeys;
  }

  @Get(SpanApi.DEPENDENCIES)
  @Blocking
  public HttpResponse dependencies(@Param("endTs") long endTs, @Param("lookback") Optional<Long> lookback) {
    return json(DependencyLinkBytesEncoder.JSON_V1.encodeList(
        store.getDependencies(endTs, lookback.orElse(DEFAULT_LOOKBACK))));
  }

  @Get(SpanApi.SERVICES)
  @Blocking
  public HttpResponse services() {
    List<String> names = store.getServiceNames();
    serviceCount = names.size();
    return names(serviceCount > 3, names);
  }

  @Get(SpanApi.SPANS)
  @Blocking
  public HttpResponse spanNames(@Param("serviceName") String serviceName) {
    return names(serviceCount > 3, store.getSpanNames(serviceName));
  }

  @Get(SpanApi.REMOTE_SERVICES)
  @Blocking
  public HttpResponse remoteServiceNames(@Param("serviceName") String serviceName) {
    return names(serviceCount > 3, store.getRemoteServiceNames(serviceName));
  }

  @Get(SpanApi.TRACES)
  @Blocking
  public HttpResponse traces(
      @Param("serviceName") Optional<String> serviceName,
      @Param("remoteServiceName") Optional<String> remoteServiceName,
      @Param("spanName") Optional<String> spanName,
      @Param("annotationQuery") Optional<String> annotationQuery,
      @Param("minDuration") Optional<Long> minDuration,
      @Param("maxDuration") Optional<Long> maxDuration,
      @Param("endTs") Optional<Long> endTs,
      @Param("lookback") Optional<Long> lookback,
      @Param("limit") @Default("10") int limit) {
    QueryRequest request = QueryRequest.newBuilder()
        .serviceName(serviceName.orElse(null))
        .remoteServiceName(remoteServiceName.orElse(null))
        .spanName(spanName.orElse(null))
        .parseAnnotationQuery(annotationQuery.orElse(null))
        .minDuration(minDuration.orElse(null))
        .maxDuration(maxDuration.orElse(null))
        .endTs(endTs.orElse(System.currentTimeMillis()))
        .lookback(lookback.orElse(DEFAULT_LOOKBACK))
        .limit(limit)
        .build();
    return json(writeTraces(store.getTraces(request)));
  }

  @Get(SpanApi.TRACE + "/{traceId}")
  @Blocking
  public HttpResponse trace(@Param("traceId") String traceId) {
    traceId = Span.normalizeTraceId(traceId);
    List<Span> trace = store.getTrace(traceId);
    if (trace.isEmpty()) throw Problem.notFound("trace " + traceId + " not found").toException();
    return json(SpanBytesEncoder.JSON_V2.encodeList(trace));
  }

  @Get(SpanApi.TRACE_MANY)
  @Blocking
  public HttpResponse traceMany(@Param("traceIds") String traceIds) {
    if (traceIds.isEmpty()) throw Problems.invalid("traceIds parameter is empty").toException();
    Set<String> normalized = new LinkedHashSet<>();
    for (String traceId : traceIds.split(",", 1000)) {
      if (normalized.add(Span.normalizeTraceId(traceId)) && normalized.size() == 1000) break;
    }
    return json(writeTraces(store.getTraces(normalized)));
  }

  @Get(SpanApi.AUTOCOMPLETE_KEYS)
  @Blocking
  public HttpResponse autocompleteKeys() {
    return names(true, new ArrayList<>(autocompleteKeys));
  }

  @Get(SpanApi.AUTOCOMPLETE_VALUES)
  @Blocking
  public HttpResponse autocompleteValues(@Param("key") String key) {
    List<String> values = store.getValues(key);
    return names(values.size() > 3, values);
  }

  static HttpResponse json(byte[] body) {
    return HttpResponse.of(ResponseHeaders.builder(HttpStatus.OK).contentType(MediaType.JSON).build(),
        HttpData.wrap(body));
  }

  /** Sorted names; cacheable once the lists settle, as Zipkin marks them. */
  static HttpResponse names(boolean cacheable, List<String> values) {
    Collections.sort(values);
    ResponseHeadersBuilder headers = ResponseHeaders.builder(HttpStatus.OK).contentType(MediaType.JSON);
    if (cacheable) {
      headers.add(HttpHeaderNames.CACHE_CONTROL,
          ServerCacheControl.builder().maxAgeSeconds(NAMES_MAX_AGE).cachePublic().build().asHeaderValue());
    }
    try {
      return HttpResponse.of(headers.build(), HttpData.wrap(ResourceCodec.json().writeValueAsBytes(values)));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A JSON array of traces, each a JSON v2 span list. */
  static byte[] writeTraces(List<List<Span>> traces) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write('[');
    for (int i = 0; i < traces.size(); i++) {
      if (i > 0) out.write(',');
      out.writeBytes(SpanBytesEncoder.JSON_V2.encodeList(traces.get(i)));
    }
    out.write(']');
    return out.toByteArray();
  }
}
