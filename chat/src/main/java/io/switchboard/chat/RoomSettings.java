package io.switchboard.chat;

import io.switchboard.chat.RoomChange.Setting;

/**
 * What a room's operators can set about it (the IRC front shows these as channel modes {@code t n m
 * i s k l}; the line front as sentences).
 *
 * <p>Thread contract: immutable.
 *
 * @param topicLocked only operators set the topic
 * @param membersOnly only members may send messages to it
 * @param moderated only operators and voiced members speak
 * @param inviteOnly only those invited may join
 * @param secret not listed to anyone outside it
 * @param key what a joiner must give, or {@code null}
 * @param limit the most members it takes, or 0 for no limit of its own
 */
public record RoomSettings(
    boolean topicLocked,
    boolean membersOnly,
    boolean moderated,
    boolean inviteOnly,
    boolean secret,
    String key,
    int limit) {

  /**
   * A new room: its topic set by its operators, its messages from its members (the two settings IRC
   * servers give new channels, {@code +nt}); open, listed, no key, no limit.
   */
  public static final RoomSettings NEW_ROOM =
      new RoomSettings(true, true, false, false, false, null, 0);

  /** Whether the on/off setting {@code flag} is on. */
  public boolean has(Setting flag) {
    return switch (flag) {
      case TOPIC_LOCKED -> topicLocked;
      case MEMBERS_ONLY -> membersOnly;
      case MODERATED -> moderated;
      case INVITE_ONLY -> inviteOnly;
      case SECRET -> secret;
      case KEY -> key != null;
      case LIMIT -> limit > 0;
      case OPERATOR, VOICE, BAN -> throw new IllegalArgumentException(flag + " is no room flag");
    };
  }

  /** These settings with the on/off setting {@code flag} turned {@code on} or off. */
  public RoomSettings with(Setting flag, boolean on) {
    return switch (flag) {
      case TOPIC_LOCKED ->
          new RoomSettings(on, membersOnly, moderated, inviteOnly, secret, key, limit);
      case MEMBERS_ONLY ->
          new RoomSettings(topicLocked, on, moderated, inviteOnly, secret, key, limit);
      case MODERATED ->
          new RoomSettings(topicLocked, membersOnly, on, inviteOnly, secret, key, limit);
      case INVITE_ONLY ->
          new RoomSettings(topicLocked, membersOnly, moderated, on, secret, key, limit);
      case SECRET ->
          new RoomSettings(topicLocked, membersOnly, moderated, inviteOnly, on, key, limit);
      case KEY, LIMIT, OPERATOR, VOICE, BAN ->
          throw new IllegalArgumentException(flag + " is no on/off setting");
    };
  }

  public RoomSettings withKey(String value) {
    return new RoomSettings(topicLocked, membersOnly, moderated, inviteOnly, secret, value, limit);
  }

  public RoomSettings withLimit(int value) {
    return new RoomSettings(topicLocked, membersOnly, moderated, inviteOnly, secret, key, value);
  }
}
