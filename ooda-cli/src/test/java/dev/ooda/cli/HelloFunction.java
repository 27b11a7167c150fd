package dev.ooda.cli;

import dev.ooda.function.Handler;
import dev.ooda.function.Request;
import dev.ooda.function.Response;

/** A function for tests: greets the name in the query ({@code ?name=x}). */
public final class HelloFunction implements Handler {
  @Override
  public Response handle(Request request) {
    String q = request.query();
    String name = q != null && q.startsWith("name=") ? q.substring(5) : "world";
    return Response.text("hello " + name + " from " + request.path());
  }
}
