package dev.ooda.kit;

import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpHeaders;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.linecorp.armeria.server.annotation.RequestConverterFunction;
import com.linecorp.armeria.server.annotation.ResponseConverterFunction;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;

/**
 * Bodies of annotated services in either {@link Codec}: a request is read in the form its
 * {@code Content-Type} names, strictly; an answer is written in the form the caller's
 * {@code Accept} prefers (CBOR when it asks for it, JSON otherwise). Strings, bytes and
 * {@link HttpResponse}s pass through to Armeria's own converters.
 */
final class BodyConverters implements RequestConverterFunction, ResponseConverterFunction {
  static final BodyConverters INSTANCE = new BodyConverters();

  private BodyConverters() {}

  @Override
  public Object convertRequest(ServiceRequestContext ctx, AggregatedHttpRequest request, Class<?> expectedResultType,
                               ParameterizedType expectedParameterizedResultType) {
    Codec c = Codec.of(request.contentType());
    if (c == null || passThrough(expectedResultType)) return RequestConverterFunction.fallthrough();
    Type t = expectedParameterizedResultType != null ? expectedParameterizedResultType : expectedResultType;
    return c.readStrict(request.content().array(), c.type(t));
  }

  @Override
  public HttpResponse convertResponse(ServiceRequestContext ctx, ResponseHeaders headers, Object result,
                                      HttpHeaders trailers) {
    if (result == null || passThrough(result.getClass())) return ResponseConverterFunction.fallthrough();
    MediaType declared = headers.contentType();
    Codec c = declared != null ? Codec.of(declared) : Codec.forAccept(ctx.request().headers());
    if (c == null) return ResponseConverterFunction.fallthrough();
    ResponseHeaders h = declared != null ? headers : headers.toBuilder().contentType(c.mediaType()).build();
    return HttpResponse.of(h, HttpData.wrap(c.write(result)), trailers);
  }

  private static boolean passThrough(Class<?> t) {
    return t == String.class || t == byte[].class || HttpData.class.isAssignableFrom(t)
        || CharSequence.class.isAssignableFrom(t);
  }
}
