package io.switchboard.chat.web;

import io.switchboard.chat.ChatHub;
import io.switchboard.engine.Application;
import io.switchboard.http.BuiltInSite;
import io.switchboard.http.HttpServer;
import io.switchboard.http.StaticFiles;
import java.util.List;

/**
 * Builds the browser front of a chat hub as an application the engines serve: the page and its
 * socket on one port. Shared by every connection of its server and safe on any model (see {@link
 * WebFront} for its thread contract).
 */
public final class WebServer {
  /** Where the page's files are packaged, and which they are. */
  private static final String PAGE = "/io/switchboard/chat/web/page/";

  static final List<String> PAGE_FILES = List.of("index.html", "chat.css", "chat.js");

  private WebServer() {}

  /**
   * The browser front of {@code hub}: its rooms are the page's, so browsers, line clients and IRC
   * clients meet in them. A message may be at most {@link WebSettings#maxMessageBytes()}; the
   * engine's {@code Limits.maxFrameLength()} is a line app's longest line, and the line inside a
   * message is held to the hub's own line limit instead (see {@link
   * WebSettings#withRoomForLines(int)}).
   */
  public static Application<WebInput> application(ChatHub hub, WebSettings settings) {
    // The page ships in the jar and is served from a temporary copy by the web server's own file
    // serving (conditional requests, content types, keep-alive), as the built-in site is.
    StaticFiles page =
        new StaticFiles(BuiltInSite.extract(WebServer.class, PAGE, PAGE_FILES), false);
    return new Application<>(
        "web",
        limits -> new WebDecoder(settings.httpLimits(), settings.maxMessageBytes()),
        new WebFront(hub, settings, page),
        HttpServer.refusal());
  }
}
