package io.switchboard.chat.web;

import io.switchboard.chat.ChatEvent;
import io.switchboard.chat.ChatEvent.Style;
import io.switchboard.chat.ChatException;
import io.switchboard.chat.ChatHub;
import io.switchboard.chat.Origin;
import io.switchboard.chat.RoomView;
import io.switchboard.chat.Session;
import io.switchboard.chat.line.LineFormat;
import io.switchboard.chat.line.LineRequest;
import io.switchboard.engine.AttributeKey;
import io.switchboard.engine.Connection;
import io.switchboard.engine.FrameException;
import io.switchboard.engine.FrameTimeoutException;
import io.switchboard.engine.Handler;
import io.switchboard.http.HttpRequest;
import io.switchboard.http.HttpResponse;
import io.switchboard.http.HttpServer;
import io.switchboard.http.HttpStatusException;
import io.switchboard.http.RequestTarget;
import io.switchboard.http.ResponseQueue;
import io.switchboard.http.StaticFiles;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The browser front of the chat hub: the page (its HTML, stylesheet and script, served by the web
 * server's {@link HttpServer} from the jar) and, at {@value #SOCKET_PATH}, a WebSocket (RFC 6455)
 * that speaks JSON ({@link WebFormat}). Each open socket is a {@link WebMember}: the page sends
 * what its user types, which is read as the line front reads a line ({@link LineRequest}: a message
 * or a {@code /command}), in the conversation it was typed in; the hub's events go back as JSON. A
 * browser, a line client and an IRC client meet in the same rooms.
 *
 * <p>The same rules as the other fronts: the flood limit ({@link Session#admitLine()}) counts every
 * message; a member that does not read is dropped by the hub ({@link WebMember#disconnect}); no
 * control character leaves in any string ({@link WebFormat#wire}), and the page shows text as text.
 *
 * <p>The liveness check runs off the handler context, on one timer thread per front that only sends
 * and closes through the thread-safe {@link Connection} (the thread exists only while sockets do):
 * a socket silent for {@link WebSettings#pingInterval()} is pinged, and failed if nothing comes
 * back within {@link WebSettings#pingTimeout()}; a Close of this side's unanswered within {@link
 * WebSettings#closeTimeout()} ends the connection.
 *
 * <p>Thread contract: the engine calls this handler for one connection at a time, in order; the
 * state it shares across connections (the timer, the last rendered event) is thread-safe.
 */
public final class WebFront implements Handler<WebInput> {
  /** Where the page opens its socket. */
  public static final String SOCKET_PATH = "/socket";

  private static final AttributeKey<WebMember> MEMBER = AttributeKey.named("web-member");
  private static final AttributeKey<PageConnection> PAGE = AttributeKey.named("web-page");

  private final ChatHub hub;
  private final WebSettings settings;
  private final HttpServer page;
  private final ScheduledThreadPoolExecutor timer;

  /**
   * The event rendered last, as a frame: a room hands one event to each of its members in turn, so
   * a broadcast is rendered once, not once per member. Racy by design, as in the other fronts: a
   * miss costs a render, never a wrong message (matched by identity; every event reads the same to
   * every member here).
   */
  private volatile Rendered lastRendered;

  // The bytes are never changed once rendered; the event is compared by identity on purpose.
  @SuppressWarnings("ArrayRecordComponent")
  private record Rendered(ChatEvent event, byte[] frame) {}

  /**
   * @param pageFiles the page's files, served at {@code /}
   */
  public WebFront(ChatHub hub, WebSettings settings, StaticFiles pageFiles) {
    this.hub = hub;
    this.settings = settings;
    this.page = HttpServer.filesOnly(pageFiles);
    this.timer =
        new ScheduledThreadPoolExecutor(
            1, run -> Thread.ofPlatform().daemon(true).name("web-liveness").unstarted(run));
    timer.setKeepAliveTime(10, TimeUnit.SECONDS);
    timer.allowCoreThreadTimeOut(true);
    timer.setRemoveOnCancelPolicy(true);
  }

  WebSettings settings() {
    return settings;
  }

  /** {@code event} as a text frame of its JSON. */
  @SuppressWarnings("ReferenceEquality") // the same event object, not an equal one: see Rendered
  byte[] render(ChatEvent event) {
    Rendered last = lastRendered;
    if (last != null && last.event() == event) {
      return last.frame();
    }
    byte[] frame = WebSocket.text(WebFormat.render(event));
    lastRendered = new Rendered(event, frame);
    return frame;
  }

  // ---- The engine's callbacks ------------------------------------------------------------------

  /**
   * A connection while it speaks HTTP: when it last asked for something, and the timer's check that
   * closes it once it has been idle for {@link WebSettings#pageIdleTimeout()}.
   */
  private static final class PageConnection {
    volatile long lastRequestNanos = System.nanoTime();
    volatile ScheduledFuture<?> idleCheck;
  }

  @Override
  public void opened(Connection connection) {
    page.opened(connection);
    PageConnection visit = new PageConnection();
    connection.attribute(PAGE, visit);
    long period = quarter(settings.pageIdleTimeout()).toMillis();
    visit.idleCheck =
        timer.scheduleWithFixedDelay(
            () -> closeIfIdle(connection, visit), period, period, TimeUnit.MILLISECONDS);
  }

  /** On the timer: closes a page connection that has asked for nothing for too long. */
  private void closeIfIdle(Connection connection, PageConnection visit) {
    if (!connection.isOpen()) {
      ScheduledFuture<?> check = visit.idleCheck;
      if (check != null) {
        check.cancel(false);
      }
    } else if (System.nanoTime() - visit.lastRequestNanos > settings.pageIdleTimeout().toNanos()
        && connection.queuedBytes() == 0) {
      connection.close("idle page connection");
    }
  }

  @Override
  public void received(Connection connection, WebInput input) {
    switch (input) {
      case WebInput.Request request -> request(connection, request);
      case WebSocketMessage message -> {
        WebMember member = connection.attribute(MEMBER);
        if (member != null) {
          message(member, message);
        }
      }
    }
  }

  /**
   * An HTTP request: the page's files are the web server's; the socket's upgrade is answered here.
   */
  private void request(Connection connection, WebInput.Request input) {
    HttpRequest request = input.request();
    PageConnection visit = connection.attribute(PAGE);
    visit.lastRequestNanos = System.nanoTime();
    if (!isSocket(request.target())) {
      page.received(connection, request);
      return;
    }
    ResponseQueue responses = HttpServer.responses(connection);
    HttpResponse answer = WebSocketHandshake.answer(request, settings.allowedOrigins());
    if (answer.status() == 101 && responses.waiting() > 0) {
      // Frames must not overtake the answers still streaming out before the 101.
      answer =
          HttpResponse.error(503, "answer the requests before this one first, then upgrade")
              .header("Retry-After", "1")
              .close();
    }
    responses.send(answer, false);
    if (answer.status() != 101) {
      return;
    }
    input.decoder().switchToWebSocket();
    visit.idleCheck.cancel(false); // a socket's liveness is its pings' from now on
    WebMember member = new WebMember(this, connection);
    connection.attribute(MEMBER, member);
    member.message(
        WebFormat.reply("welcome to switchboard chat; type to talk, /help lists the commands"));
    member.session = hub.connect(member, origin(connection));
    long period = checkPeriod().toMillis();
    member.liveness =
        timer.scheduleWithFixedDelay(member::checkLiveness, period, period, TimeUnit.MILLISECONDS);
  }

  private static boolean isSocket(String target) {
    try {
      return RequestTarget.parse(target).path().equals(SOCKET_PATH);
    } catch (HttpStatusException e) {
      return false; // the web server answers it with its 400
    }
  }

  /**
   * Where a browser user comes from: its address, and "web" as its user, so people on other fronts
   * (IRC's {@code nick!user@host}) see how it is connected.
   */
  private static Origin origin(Connection connection) {
    String host =
        connection.remoteAddress() instanceof InetSocketAddress address
            ? address.getAddress().getHostAddress()
            : String.valueOf(connection.remoteAddress());
    return new Origin("web", host, "browser", "web");
  }

  /** How often each socket's liveness is looked at: a quarter of the shortest timeout. */
  private Duration checkPeriod() {
    Duration shortest = settings.pingInterval();
    for (Duration d : List.of(settings.pingTimeout(), settings.closeTimeout())) {
      if (d.compareTo(shortest) < 0) {
        shortest = d;
      }
    }
    return quarter(shortest);
  }

  /** A quarter of {@code timeout}, and no less than 50 ms: how often a check looks. */
  private static Duration quarter(Duration timeout) {
    Duration quarter = timeout.dividedBy(4);
    return quarter.compareTo(Duration.ofMillis(50)) < 0 ? Duration.ofMillis(50) : quarter;
  }

  // ---- WebSocket messages ----------------------------------------------------------------------

  private void message(WebMember member, WebSocketMessage message) {
    member.heard();
    switch (message) {
      case WebSocketMessage.Text text -> text(member, text.text());
      case WebSocketMessage.Ping ping -> member.send(WebSocket.pong(ping.data()));
      case WebSocketMessage.Pong pong -> {} // heard: that is all a pong says
      case WebSocketMessage.Close close -> member.closeReceived(close);
      case WebSocketMessage.Binary binary -> {
        member.closeReason = "sent a binary message";
        member.fail(
            WebSocket.UNSUPPORTED_DATA, "this chat speaks JSON in text messages", "binary message");
      }
    }
  }

  /** One message from the page: counted against the flood limit, read, done. */
  private void text(WebMember member, String text) {
    Session session = member.session;
    try {
      if (!session.admitLine()) {
        return;
      }
      switch (WebFormat.parse(text)) {
        case WebFormat.Request.Invalid invalid ->
            member.message(WebFormat.error(WebFormat.BAD_MESSAGE, invalid.text()));
        case WebFormat.Request.Line line -> {
          int most = hub.settings().maxLineBytes();
          if (line.text().getBytes(StandardCharsets.UTF_8).length > most) {
            member.message(
                WebFormat.error(
                    WebFormat.LINE_TOO_LONG, "a line may be at most " + most + " bytes (UTF-8)"));
            return;
          }
          handle(member, session, line, LineRequest.parse(line.text()));
        }
      }
    } catch (ChatException e) {
      member.message(WebFormat.error(e.code().token(), e.getMessage()));
    }
  }

  /**
   * Does what one line asks, as the line front does, in the conversation it was typed in: a message
   * goes to that room or person, and the commands that take a room ({@code /leave}, {@code /who},
   * {@code /history}, {@code /me}) default to it.
   */
  private void handle(
      WebMember member, Session session, WebFormat.Request.Line line, LineRequest request)
      throws ChatException {
    String room = line.room() != null ? line.room() : session.currentRoom();
    switch (request) {
      case LineRequest.Blank blank -> {}
      case LineRequest.Say say -> speak(session, line, say.text(), Style.PLAIN);
      case LineRequest.Act act -> speak(session, line, act.text(), Style.ACTION);
      case LineRequest.Nick nick -> {
        if (nick.name() != null) {
          session.rename(nick.name());
        }
        member.message(WebFormat.yourName(session.name()));
      }
      case LineRequest.Join join -> {
        if (!session.join(join.room(), join.key())) {
          member.message(WebFormat.talking(session.currentRoom()));
        }
      }
      case LineRequest.Leave leave -> {
        String left = session.leave(leave.room() != null ? leave.room() : room);
        member.message(WebFormat.parted(left, session.currentRoom()));
      }
      case LineRequest.Rooms rooms -> member.message(WebFormat.rooms(hub.rooms()));
      case LineRequest.Who who -> {
        String asked = who.room() != null ? who.room() : room;
        if (asked == null) {
          throw new ChatException(ChatException.Code.NO_ROOM, "you are in no room; /who ROOM");
        }
        RoomView view = session.view(asked);
        member.message(WebFormat.members(view.name(), view.occupants()));
      }
      case LineRequest.Whisper whisper -> session.whisper(whisper.to(), whisper.text());
      case LineRequest.History history -> {
        int kept = hub.settings().historySize();
        int count = history.count() == null ? kept : Math.min(kept, history.count());
        if (room == null) {
          session.history(count); // in no room: the hub says so
        } else {
          session.history(room, count);
        }
      }
      case LineRequest.Quit quit -> {
        session.quit(quit.reason());
        member.closeReason = "quit";
        member.startClose(WebSocket.NORMAL, "bye");
      }
      case LineRequest.Help help ->
          LineFormat.HELP_LINES.forEach(text -> member.message(WebFormat.reply(text)));
      case LineRequest.Invalid invalid ->
          member.message(WebFormat.error(invalid.code(), invalid.text()));
    }
  }

  /** A message or an action, to the person or the room of the conversation it was typed in. */
  private static void speak(Session session, WebFormat.Request.Line line, String text, Style style)
      throws ChatException {
    if (line.to() != null) {
      session.whisper(line.to(), text, style);
    } else if (line.room() != null) {
      session.sayIn(line.room(), text, style);
    } else if (style == Style.ACTION) {
      session.act(text);
    } else {
      session.say(text);
    }
  }

  // ---- The rest of the engine's callbacks ------------------------------------------------------

  @Override
  public void writabilityChanged(Connection connection) {
    page.writabilityChanged(connection);
  }

  @Override
  public void malformed(Connection connection, FrameException error) {
    WebMember member = connection.attribute(MEMBER);
    if (member == null) {
      page.malformed(connection, error); // still HTTP: the web server's 400, 408, 431...
      return;
    }
    if (error instanceof WebSocketException broken) {
      member.closeReason = "broke the WebSocket protocol";
      member.fail(broken.closeCode(), broken.getMessage(), "WebSocket protocol error");
    } else if (error instanceof FrameTimeoutException timeout) {
      member.closeReason = "too slow to finish a message";
      member.fail(
          WebSocket.POLICY_VIOLATION,
          "a message not complete within " + FrameTimeoutException.seconds(timeout.timeout()),
          "message not complete in time");
    } else {
      member.closeReason = "broke the WebSocket protocol";
      member.fail(WebSocket.PROTOCOL_ERROR, error.getMessage(), "WebSocket protocol error");
    }
  }

  @Override
  public void stopping(Connection connection) {
    WebMember member = connection.attribute(MEMBER);
    if (member != null) {
      member.closeReason = "server shutdown";
      member.startClose(WebSocket.GOING_AWAY, "server shutting down");
    }
  }

  @Override
  public void closed(Connection connection, Throwable cause) {
    page.closed(connection, cause);
    PageConnection visit = connection.attribute(PAGE);
    if (visit != null && visit.idleCheck != null) {
      visit.idleCheck.cancel(false);
    }
    WebMember member = connection.attribute(MEMBER);
    if (member == null) {
      return;
    }
    if (member.liveness != null) {
      member.liveness.cancel(false);
    }
    Session session = member.session;
    if (session == null) {
      return;
    }
    String reason = Session.endReason(member.closeReason, cause);
    session.disconnected(reason == null ? "connection closed" : reason);
  }
}
