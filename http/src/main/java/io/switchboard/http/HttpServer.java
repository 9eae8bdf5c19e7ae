package io.switchboard.http;

import io.switchboard.engine.Application;
import io.switchboard.engine.AttributeKey;
import io.switchboard.engine.Connection;
import io.switchboard.engine.FrameException;
import io.switchboard.engine.FrameTimeoutException;
import io.switchboard.engine.Handler;
import io.switchboard.engine.WorkerPool;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Set;

/**
 * The web server: static files under a root ({@link StaticFiles}) and the calculator ({@link
 * CalculatorPage}), over HTTP/1.1 with persistent connections and pipelining, on any model.
 *
 * <p>Each connection gets a {@link ResponseQueue}, which keeps its responses in request order and
 * streams file bodies as the socket drains. A request the decoder refuses ({@link
 * HttpStatusException}: 400, 413, 414, 431, 501, 505) or that did not arrive in time ({@link
 * FrameTimeoutException}, the engine's frame timeout: 408) is answered with its status and the
 * connection is closed, since the bytes after it cannot be trusted to start a request. A request
 * that is well framed but wrong (404, 405, a bad expression) keeps the connection.
 *
 * <p>With a worker pool ({@link HttpSettings#workerThreads()}), an expression is computed on the
 * pool and its response fills its place in the queue later; the connection's thread (an event loop,
 * for some models) goes straight back to serving everyone else. A full pool answers 503 with {@code
 * Retry-After}.
 *
 * <p>Thread contract: one instance serves every connection; the engine calls it for one connection
 * at a time (see {@link Handler}); per-connection state lives in the connection's {@link
 * ResponseQueue}, which workers reach only through {@link ResponseQueue.Place#complete}.
 */
public final class HttpServer implements Handler<HttpRequest> {
  private static final System.Logger LOG = System.getLogger(HttpServer.class.getName());
  private static final AttributeKey<ResponseQueue> RESPONSES = AttributeKey.named("http-responses");

  /** Methods RFC 9110 defines: a request with another gets 501, with one of these 405. */
  private static final Set<String> KNOWN_METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH");

  private final StaticFiles files;
  private final CalculatorPage calculator;
  private final WorkerPool workers;

  public HttpServer(HttpSettings settings) {
    this(
        new StaticFiles(
            settings.root() == null ? BuiltInSite.extract() : settings.root(), settings.listing()),
        new CalculatorPage(),
        settings.workerThreads() == 0
            ? null
            : new WorkerPool("http-work", settings.workerThreads(), settings.workerQueue()));
  }

  private HttpServer(StaticFiles files, CalculatorPage calculator, WorkerPool workers) {
    this.files = files;
    this.calculator = calculator;
    this.workers = workers;
  }

  /**
   * A server of {@code files} and nothing else (no calculator), for a front that serves its own
   * page and handles its other requests itself before handing the rest here: the browser chat
   * answers its WebSocket upgrade and lets this serve the page, so its files, conditional requests,
   * errors and keep-alive are this server's.
   */
  public static HttpServer filesOnly(StaticFiles files) {
    return new HttpServer(files, null, null);
  }

  /**
   * The response queue of a connection this server {@linkplain #opened opened}: a front that
   * answers some requests itself sends those answers through it, in order with the others.
   */
  public static ResponseQueue responses(Connection connection) {
    return connection.attribute(RESPONSES);
  }

  /** The web server as an application any engine serves. */
  public static Application<HttpRequest> application(HttpSettings settings) {
    HttpServer server = new HttpServer(settings);
    return new Application<>(
        "http", limits -> new HttpRequestDecoder(settings.limits()), server, refusal());
  }

  /**
   * What a client hears when the server is full: a complete 503 (fixed bytes, written before the
   * request is read). Every HTTP front refuses with it (the browser chat's too).
   */
  public static ByteBuffer refusal() {
    String body = "server full, try again later\n";
    String response =
        "HTTP/1.1 503 Service Unavailable\r\nServer: "
            + HttpResponse.SERVER
            + "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: "
            + body.length()
            + "\r\nRetry-After: 1\r\nConnection: close\r\n\r\n"
            + body;
    return ByteBuffer.wrap(response.getBytes(StandardCharsets.US_ASCII));
  }

  /** The directory served (the built-in site's temporary copy when no root was given). */
  public Path root() {
    return files.root();
  }

  @Override
  public void opened(Connection connection) {
    connection.attribute(RESPONSES, new ResponseQueue(connection));
  }

  @Override
  public void received(Connection connection, HttpRequest request) {
    ResponseQueue responses = connection.attribute(RESPONSES);
    boolean keepAlive = request.keepAlive();
    boolean http10KeepAlive = keepAlive && request.minorVersion() == 0;
    ResponseQueue.Place place = responses.reserve();
    try {
      HttpResponse response = route(request, place, keepAlive, http10KeepAlive);
      if (response != null) {
        place.complete(finish(response, request, keepAlive), http10KeepAlive);
      }
    } catch (HttpStatusException e) {
      place.complete(
          finish(HttpResponse.error(e.status(), e.getMessage()), request, keepAlive),
          http10KeepAlive);
    }
    responses.applyBackpressure();
  }

  /** The response, or {@code null} when a worker completes {@code place} later. */
  private HttpResponse route(
      HttpRequest request, ResponseQueue.Place place, boolean keepAlive, boolean http10KeepAlive)
      throws HttpStatusException {
    int hosts = request.headers().all("host").size();
    if (hosts > 1 || (hosts == 0 && request.minorVersion() >= 1)) {
      throw new HttpStatusException(400, "an HTTP/1.1 request needs exactly one Host field");
    }
    String method = request.method();
    RequestTarget target = RequestTarget.parse(request.target());
    boolean calculatorRoute = calculator != null && target.path().equals(CalculatorPage.PATH);
    String allowed = calculatorRoute ? "GET, HEAD, POST" : "GET, HEAD";
    boolean allowedMethod =
        method.equals("GET") || method.equals("HEAD") || (calculatorRoute && method.equals("POST"));
    if (!allowedMethod) {
      if (!KNOWN_METHODS.contains(method)) {
        throw new HttpStatusException(501, "method not implemented: " + method);
      }
      return HttpResponse.error(405, method + " is not allowed here")
          .header("Allow", allowed)
          .headOnly(method.equals("HEAD"));
    }
    if (!calculatorRoute) {
      return files.serve(request, target);
    }
    CalculatorPage.Question question = CalculatorPage.question(request, target);
    if (workers == null || !CalculatorPage.computes(question)) {
      return calculator.answer(question);
    }
    boolean queued =
        workers.execute(
            () -> place.complete(computeOnWorker(question, request, keepAlive), http10KeepAlive));
    if (!queued) {
      return HttpResponse.error(503, "the calculator is busy, try again in a moment")
          .header("Retry-After", "1");
    }
    return null;
  }

  /** On a worker: the answer, or a 500 if computing it failed (the place must be filled). */
  private HttpResponse computeOnWorker(
      CalculatorPage.Question question, HttpRequest request, boolean keepAlive) {
    HttpResponse response;
    try {
      response = calculator.answer(question);
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "the calculator failed on " + question, e);
      response = HttpResponse.error(500, "the calculator failed");
    }
    return finish(response, request, keepAlive);
  }

  private static HttpResponse finish(
      HttpResponse response, HttpRequest request, boolean keepAlive) {
    if (request.method().equals("HEAD")) {
      response.headOnly(true);
    }
    return keepAlive ? response : response.close();
  }

  @Override
  public void malformed(Connection connection, FrameException error) {
    int status;
    String message = error.getMessage();
    if (error instanceof HttpStatusException refused) {
      status = refused.status();
    } else if (error instanceof FrameTimeoutException timeout) {
      status = 408;
      message =
          "the request did not arrive within " + FrameTimeoutException.seconds(timeout.timeout());
    } else {
      status = 400;
    }
    ResponseQueue responses = connection.attribute(RESPONSES);
    responses.send(HttpResponse.error(status, message).close(), false);
  }

  @Override
  public void writabilityChanged(Connection connection) {
    connection.attribute(RESPONSES).writable();
  }

  @Override
  public void closed(Connection connection, Throwable cause) {
    ResponseQueue responses = connection.attribute(RESPONSES);
    if (responses != null) {
      responses.closed();
    }
  }
}
