package io.switchboard.chat;

import io.switchboard.chat.line.LineFormat;
import io.switchboard.testkit.LineClient;

/** The chat conversation steps the tests repeat, over testkit's {@link LineClient}. */
final class ChatLines {
  private ChatLines() {}

  /** Reads the greeting and returns the generated name. */
  static String greeting(LineClient client) {
    String you = client.expectPrefix(LineFormat.reply("you are "));
    return you.substring(LineFormat.reply("you are ").length(), you.indexOf(';'));
  }

  /** Sets a name and waits for the confirmation. */
  static void nick(LineClient client, String name) {
    client.send(LineFormat.command(LineFormat.NICK, name));
    client.until(LineFormat.renamed(name));
  }
}
