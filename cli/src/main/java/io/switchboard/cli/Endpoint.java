package io.switchboard.cli;

import io.switchboard.engine.Application;
import java.util.List;
import java.util.function.Function;

/**
 * One more port an app listens on, besides {@code --port}: what is served there and how a person
 * connects to it. The chat hub's IRC front ({@code --irc-port}) is one, its browser front ({@code
 * --web-port}) another; {@code serve} starts each on the same model, with the same limits, next to
 * the app's main port, and stops them together.
 *
 * @param name a short name for logs, metrics and the banner ("irc")
 * @param application what is served there (it may share state with the main application: the IRC
 *     front shares the chat hub)
 * @param port the port to bind; 0 picks a free one
 * @param hints the commands a user connects with, given {@code HOST:PORT}
 */
record Endpoint(
    String name, Application<?> application, int port, Function<String, List<String>> hints) {}
