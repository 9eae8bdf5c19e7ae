package io.switchboard.cluster;

/**
 * Where the hub keeps what it shares in Redis, every key named once (see {@code docs/cluster.md}
 * for what each holds). Room and member keys use {@link io.switchboard.chat.NameRules#key}, so
 * case-folded names meet in one key.
 *
 * <p>Thread contract: immutable.
 */
record KeySpace(String prefix) {
  static final KeySpace DEFAULT = new KeySpace("sb:");

  /** A room's state (a hash), and the channel its numbered updates are published on. */
  String room(String room) {
    return prefix + "room:" + room;
  }

  /** The keys {@code room_update.lua} and {@code room_load.lua} take, in their order. */
  String[] roomKeys(String room) {
    String base = room(room);
    return new String[] {
      base,
      base + ":members",
      base + ":ops",
      base + ":voiced",
      base + ":bans",
      base + ":invited",
      base + ":log",
      base + ":history",
      rooms()
    };
  }

  /** A room's capped log of every update, by sequence number (the stream ids are {@code seq-0}). */
  String log(String room) {
    return room(room) + ":log";
  }

  /** The keys of every room kept. */
  String rooms() {
    return prefix + "rooms";
  }

  /** A name's claim: the node holding it and the member's profile (a hash). */
  String name(String name) {
    return prefix + "name:" + name;
  }

  /** A node's heartbeat (expires when the node stops renewing it), and its private channel. */
  String node(String node) {
    return prefix + "node:" + node;
  }

  /** The names a node holds (a set), freed when it is found dead. */
  String nodeNames(String node) {
    return node(node) + ":names";
  }

  /** Every node with its last heartbeat (a sorted set), for finding the dead. */
  String nodes() {
    return prefix + "nodes";
  }

  /** Who is taking a dead node's members out of their rooms (a short lock). */
  String reaping(String node) {
    return prefix + "reaping:" + node;
  }

  /** The counter behind {@code guest-N}. */
  String guests() {
    return prefix + "guests";
  }
}
