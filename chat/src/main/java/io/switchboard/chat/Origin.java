package io.switchboard.chat;

import java.util.Objects;

/**
 * Where a member comes from, as its front knows it: a user label (IRC's {@code USER}, or the
 * front's name for fronts without one), the host it connected from, a free-text real name, and
 * which front it came through. Shown by {@code whois}-like queries and matched by bans ({@code
 * name!user@host}); the hub never acts on it otherwise.
 *
 * @param user no spaces; {@code ~} in front when the client chose it unchecked (IRC's convention)
 * @param host the peer's address as text
 * @param realName what the client calls itself, cleaned of control characters
 * @param front the front's name ("line", "irc"), for people who wonder how someone is connected
 */
public record Origin(String user, String host, String realName, String front) {
  /** For members whose front did not say (the hub's tests). */
  public static final Origin UNKNOWN = new Origin("guest", "unknown", "", "unknown");

  public Origin {
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(realName, "realName");
    Objects.requireNonNull(front, "front");
    user = NameRules.cleanText(user).replace(' ', '_');
    host = NameRules.cleanText(host).replace(' ', '_');
    realName = NameRules.cleanText(realName);
  }

  /** {@code user@host}. */
  public String address() {
    return user + "@" + host;
  }
}
