package dev.ooda.trace;

import com.linecorp.armeria.client.BlockingWebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.RequestHeadersBuilder;
import dev.ooda.model.Problem;
import dev.ooda.model.ResourceCodec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.zip.GZIPOutputStream;

/** A plain HTTP client for tests, against a server on the loopback interface. */
final class TestHttp {
  private final BlockingWebClient client;

  TestHttp(int port) {
    client = BlockingWebClient.of("http://127.0.0.1:" + port);
  }

  AggregatedHttpResponse get(String pathAndQuery) {
    return client.get(pathAndQuery);
  }

  AggregatedHttpResponse post(String path, MediaType type, byte[] body) {
    return post(path, type, body, null);
  }

  AggregatedHttpResponse post(String path, MediaType type, byte[] body, String contentEncoding) {
    RequestHeadersBuilder headers = RequestHeaders.builder(HttpMethod.POST, path);
    if (type != null) headers.contentType(type);
    if (contentEncoding != null) headers.set(HttpHeaderNames.CONTENT_ENCODING, contentEncoding);
    return client.execute(headers.build(), HttpData.wrap(body));
  }

  AggregatedHttpResponse postJson(byte[] body) {
    return post("/api/v2/spans", MediaType.JSON, body);
  }

  static Problem problem(AggregatedHttpResponse response) {
    try {
      return ResourceCodec.json().readValue(response.content().array(), Problem.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] gzip(byte[] bytes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
