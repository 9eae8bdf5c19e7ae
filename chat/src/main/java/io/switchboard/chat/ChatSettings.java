package io.switchboard.chat;

import java.util.Objects;

/**
 * The chat hub's policy in one immutable value with sensible {@link #DEFAULT}s.
 *
 * @param historySize messages each room keeps for {@code /history}
 * @param maxLineBytes the longest line a client may send (UTF-8 bytes, terminator excluded); a
 *     longer one is answered with an error and the connection is closed
 * @param linesPerSecond sustained rate of lines one connection may send; lines beyond it are
 *     dropped with one notice per burst
 * @param burstLines how many lines a connection may send at once above the sustained rate
 * @param slowConsumerBytes a member whose unsent output passes this many bytes is dropped with a
 *     reason; keep it below the engine's {@code Limits.maxQueuedBytes}, or the engine aborts the
 *     connection first (without a reason)
 * @param defaultRoom the room every member is put in on connect (also when its first line arrives
 *     before any choice)
 * @param maxRooms rooms kept at once; rooms that empty keep their history until a new room needs
 *     the place
 * @param maxRoomsPerMember rooms one member may be in at once (the default room counts), so one
 *     client cannot take every room the hub keeps
 * @param presenceLimit a room with more members than this announces no joins, leaves or renames and
 *     lists no names to whoever enters: in a big room those notices cost the square of its size and
 *     nobody can follow them (the way large IRC and chat services quiet big channels)
 */
public record ChatSettings(
    int historySize,
    int maxLineBytes,
    double linesPerSecond,
    int burstLines,
    long slowConsumerBytes,
    String defaultRoom,
    int maxRooms,
    int maxRoomsPerMember,
    int presenceLimit) {

  /**
   * History 100; lines up to 2000 bytes (a long paragraph); 50 lines/s with bursts of 200, which a
   * person or a chatty device never reaches; slow consumers dropped past 1 MiB of backlog (a
   * quarter of the engine's default hard cap); room {@code lobby}; 1000 rooms, 20 per member (a
   * busy person's tabs; IRC networks allow 20 to 120 channels); joins and leaves announced in rooms
   * of up to 200 members.
   */
  public static final ChatSettings DEFAULT =
      new ChatSettings(100, 2000, 50, 200, 1L << 20, "lobby", 1000, 20, 200);

  public ChatSettings {
    Objects.requireNonNull(defaultRoom, "defaultRoom");
    require(historySize >= 0, "historySize must not be negative: " + historySize);
    require(maxLineBytes > 0, "maxLineBytes must be positive: " + maxLineBytes);
    require(linesPerSecond > 0, "linesPerSecond must be positive: " + linesPerSecond);
    require(burstLines >= 1, "burstLines must be at least 1: " + burstLines);
    require(slowConsumerBytes > 0, "slowConsumerBytes must be positive: " + slowConsumerBytes);
    require(NameRules.isValidRoom(defaultRoom), "invalid defaultRoom: " + defaultRoom);
    require(maxRooms >= 1, "maxRooms must be at least 1: " + maxRooms);
    require(maxRoomsPerMember >= 1, "maxRoomsPerMember must be at least 1: " + maxRoomsPerMember);
    require(presenceLimit >= 0, "presenceLimit must not be negative: " + presenceLimit);
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }

  public ChatSettings withHistorySize(int value) {
    Copy copy = new Copy(this);
    copy.historySize = value;
    return copy.build();
  }

  public ChatSettings withMaxLineBytes(int value) {
    Copy copy = new Copy(this);
    copy.maxLineBytes = value;
    return copy.build();
  }

  public ChatSettings withRateLimit(double perSecond, int burst) {
    Copy copy = new Copy(this);
    copy.linesPerSecond = perSecond;
    copy.burstLines = burst;
    return copy.build();
  }

  public ChatSettings withSlowConsumerBytes(long value) {
    Copy copy = new Copy(this);
    copy.slowConsumerBytes = value;
    return copy.build();
  }

  public ChatSettings withDefaultRoom(String value) {
    Copy copy = new Copy(this);
    copy.defaultRoom = value;
    return copy.build();
  }

  /** The hub's cap and each member's. */
  public ChatSettings withMaxRooms(int hub, int perMember) {
    Copy copy = new Copy(this);
    copy.maxRooms = hub;
    copy.maxRoomsPerMember = perMember;
    return copy.build();
  }

  public ChatSettings withMaxRooms(int value) {
    return withMaxRooms(value, maxRoomsPerMember);
  }

  public ChatSettings withPresenceLimit(int value) {
    Copy copy = new Copy(this);
    copy.presenceLimit = value;
    return copy.build();
  }

  /** The one place that lists every component, so each {@code with...} changes some by name. */
  private static final class Copy {
    int historySize;
    int maxLineBytes;
    double linesPerSecond;
    int burstLines;
    long slowConsumerBytes;
    String defaultRoom;
    int maxRooms;
    int maxRoomsPerMember;
    int presenceLimit;

    Copy(ChatSettings settings) {
      historySize = settings.historySize;
      maxLineBytes = settings.maxLineBytes;
      linesPerSecond = settings.linesPerSecond;
      burstLines = settings.burstLines;
      slowConsumerBytes = settings.slowConsumerBytes;
      defaultRoom = settings.defaultRoom;
      maxRooms = settings.maxRooms;
      maxRoomsPerMember = settings.maxRoomsPerMember;
      presenceLimit = settings.presenceLimit;
    }

    ChatSettings build() {
      return new ChatSettings(
          historySize,
          maxLineBytes,
          linesPerSecond,
          burstLines,
          slowConsumerBytes,
          defaultRoom,
          maxRooms,
          maxRoomsPerMember,
          presenceLimit);
    }
  }

  @Override
  public String toString() {
    return "history="
        + historySize
        + " maxLine="
        + maxLineBytes
        + " rate="
        + linesPerSecond
        + "/s burst="
        + burstLines
        + " slowConsumer="
        + slowConsumerBytes
        + " room="
        + defaultRoom
        + " maxRooms="
        + maxRooms
        + " perMember="
        + maxRoomsPerMember
        + " presenceLimit="
        + presenceLimit;
  }
}
