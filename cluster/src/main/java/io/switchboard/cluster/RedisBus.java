package io.switchboard.cluster;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.Range;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import io.switchboard.chat.Ban;
import io.switchboard.chat.ChatBus;
import io.switchboard.chat.ChatEvent.Departure;
import io.switchboard.chat.ChatEvent.Invited;
import io.switchboard.chat.ChatEvent.Kicked;
import io.switchboard.chat.ChatEvent.Left;
import io.switchboard.chat.ChatEvent.Renamed;
import io.switchboard.chat.ChatEvent.Said;
import io.switchboard.chat.ChatEvent.TopicChanged;
import io.switchboard.chat.ChatEvent.Whispered;
import io.switchboard.chat.ChatException;
import io.switchboard.chat.ChatException.Code;
import io.switchboard.chat.ChatHub.RoomCount;
import io.switchboard.chat.ChatSettings;
import io.switchboard.chat.NameRules;
import io.switchboard.chat.Profile;
import io.switchboard.chat.RoomChange;
import io.switchboard.chat.RoomReplica;
import io.switchboard.chat.RoomSettings;
import io.switchboard.chat.RoomState;
import io.switchboard.chat.RoomUpdate;
import io.switchboard.chat.RoomUpdate.Arrived;
import io.switchboard.chat.RoomUpdate.Changed;
import io.switchboard.chat.RoomUpdate.Hidden;
import io.switchboard.chat.Topic;
import java.net.SocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The chat hub's bus on Redis: makes this node one of any number sharing rooms and names (see
 * {@code docs/cluster.md}).
 *
 * <ul>
 *   <li>Order: each room change is one Lua script call ({@code room_update.lua}; a busy room's
 *       messages several to a call, see {@link RoomOutbox}) that numbers it with the room's
 *       sequence, writes the room's state, appends it to the room's capped log (a message to its
 *       capped history too) and publishes it; every node applies a room's updates in number order,
 *       fetching a gap from the log, and tells its members of a gap the log no longer holds ({@link
 *       io.switchboard.chat.ChatEvent.Missed}). The room's epoch (made when the room is) tells a
 *       node that Redis lost the room meanwhile.
 *   <li>Names: a claim per name, held by a node while that node's heartbeat key lives; a dead
 *       node's names are free at once, its members announced gone by whichever node finds it dead.
 *   <li>Failure: commands are refused at once while Redis cannot be reached, and time out at {@link
 *       ChatBus#TIMEOUT}; after a reconnect the node resubscribes, repairs every room it follows
 *       and puts its members back where Redis lost them.
 *   <li>Bounds: Lettuce's request queue is bounded ({@link ClusterSettings#requests()}), and so are
 *       the deliveries waiting to be applied ({@link ClusterSettings#deliveries()}): past that a
 *       delivery is dropped and its room repaired from the log, so a stalled node piles nothing up
 *       and never slows Redis (which would cut a subscriber that falls far behind, and the node
 *       repairs after that too).
 * </ul>
 *
 * <p>Thread contract: {@link ChatBus}'s methods from any thread. Lettuce's threads only complete
 * futures and queue deliveries; one applier thread applies deliveries and runs the repairs, in each
 * room's order, holding a room's {@link RoomFeed} while it does; one watch thread beats the
 * heartbeat and looks for dead nodes. Nothing here waits on Lettuce's threads while holding what
 * they need.
 */
public final class RedisBus implements ChatBus {
  private static final System.Logger LOG = System.getLogger(RedisBus.class.getName());
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String LOST_DATA =
      "the chat's bus (Redis) lost it (restarted without its data); what follows is in order";

  /**
   * Messages of one room that go to Redis in one call at most: bounds how long one script holds
   * Redis's one thread (about a millisecond), and, with one call on its way per room, a room's rate
   * is at most this many per round trip (25,600 messages/s at a 10 ms one).
   */
  static final int BATCH = 256;

  /** How long a commit's delivery may take before it is fetched from the room's log. */
  private static final Duration DELIVERY_CHECK = Duration.ofMillis(250);

  private static final String LOST_GAP =
      "this server was cut off from the chat's bus for longer than the room's log keeps";

  private final ClusterSettings settings;
  private final ChatSettings chat;
  private final KeySpace keys = KeySpace.DEFAULT;
  private final ClientResources resources;
  private final RedisClient client;
  private final StatefulRedisConnection<String, String> connection;
  private final StatefulRedisPubSubConnection<String, String> pubsub;
  private final RedisAsyncCommands<String, String> redis;

  private final LuaScript roomUpdate = LuaScript.named("room_update");
  private final LuaScript roomLoad = LuaScript.named("room_load");
  private final LuaScript roomsList = LuaScript.named("rooms");
  private final LuaScript claim = LuaScript.named("claim");
  private final LuaScript renameScript = LuaScript.named("rename");
  private final LuaScript releaseScript = LuaScript.named("release");
  private final LuaScript describeScript = LuaScript.named("describe");
  private final LuaScript profileScript = LuaScript.named("profile");
  private final LuaScript whisperScript = LuaScript.named("whisper");
  private final LuaScript heartbeat = LuaScript.named("heartbeat");
  private final LuaScript residents = LuaScript.named("residents_of_node");
  private final LuaScript forgetNode = LuaScript.named("forget_node");

  /** The updates of each room on their way to Redis, by room key; only while some are. */
  private final Map<String, RoomOutbox> outboxes = new ConcurrentHashMap<>();

  /** Rooms followed here, by room key and by channel. */
  private final Map<String, RoomFeed> feeds = new ConcurrentHashMap<>();

  private final Map<String, RoomFeed> channels = new ConcurrentHashMap<>();

  /** Deliveries from Lettuce's threads, bounded; the applier's other work, rare, apart. */
  private final BlockingQueue<Runnable> deliveries;

  private final ConcurrentLinkedQueue<Runnable> chores = new ConcurrentLinkedQueue<>();

  /** Rooms whose deliveries were dropped (the queue was full): repaired from their logs. */
  private final Set<String> overflowed = ConcurrentHashMap.newKeySet();

  private final Thread applier;
  private final ScheduledExecutorService watch;
  private final AtomicLong localGuests = new AtomicLong();
  private final LongAdder dropped = new LongAdder();
  private final LongAdder repairs = new LongAdder();
  private final LongAdder lost = new LongAdder();
  private final LongAdder batched = new LongAdder();
  private final String logCap;
  private final String historyCap;
  private final String roomCap;

  private volatile ChatBus.Node node;
  private volatile String nodeId = newId();
  private volatile boolean closed;
  private volatile boolean connectedOnce;

  /**
   * Set when Redis was lost and this node has not yet put everything right (a resync that met Redis
   * gone again sets it anew): the watch retries each heartbeat until one resync goes through, so
   * recovery never hangs on the one reconnect event.
   */
  private volatile boolean resyncNeeded;

  /** The reaper waits this long after a (re)connect: the others need a beat to show they live. */
  private volatile long reapNotBefore;

  private RedisBus(ClusterSettings settings, ChatSettings chat) {
    this.settings = settings;
    this.chat = chat;
    this.deliveries = new ArrayBlockingQueue<>(settings.deliveries());
    this.logCap = Integer.toString(settings.logSize());
    this.historyCap = Integer.toString(chat.historySize());
    this.roomCap = Integer.toString(chat.maxRooms());
    this.resources =
        DefaultClientResources.builder()
            .ioThreadPoolSize(2)
            .computationThreadPoolSize(2) // Lettuce's least (it only completes futures here)
            .reconnectDelay(
                Delay.exponential(
                    Duration.ofMillis(20), Duration.ofMillis(500), 2, TimeUnit.MILLISECONDS))
            .build();
    this.client = RedisClient.create(resources, RedisURI.create(settings.redis()));
    client.setOptions(
        ClientOptions.builder()
            .autoReconnect(true)
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
            .requestQueueSize(settings.requests())
            .timeoutOptions(TimeoutOptions.enabled(TIMEOUT))
            .socketOptions(SocketOptions.builder().connectTimeout(TIMEOUT).keepAlive(true).build())
            .build());
    client.addListener(new Reconnects());
    try {
      this.connection = client.connect();
      this.pubsub = client.connectPubSub();
    } catch (RuntimeException e) {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
      resources.shutdown(0, 1, TimeUnit.SECONDS);
      throw new IllegalArgumentException(
          "--bus: cannot reach Redis at " + settings.redis() + ": " + e.getMessage(), e);
    }
    this.redis = connection.async();
    pubsub.addListener(new Deliveries());
    this.applier =
        Thread.ofPlatform().name("switchboard-bus-applier").daemon().unstarted(this::applyLoop);
    this.watch =
        Executors.newSingleThreadScheduledExecutor(
            runnable ->
                Thread.ofPlatform().name("switchboard-bus-watch").daemon().unstarted(runnable));
  }

  /**
   * Joins the hub shared through the Redis at {@code settings.redis()}.
   *
   * @throws IllegalArgumentException if Redis cannot be reached now (a node starts only with its
   *     bus)
   */
  public static RedisBus connect(ClusterSettings settings, ChatSettings chat) {
    RedisBus bus = new RedisBus(settings, chat);
    try {
      bus.start();
    } catch (ChatException e) {
      bus.close();
      throw new IllegalArgumentException(
          "--bus: cannot use Redis at " + settings.redis() + ": " + e.getMessage(), e);
    }
    return bus;
  }

  private void start() throws ChatException {
    beat(); // this node is alive before it claims anything
    get(pubsub.async().subscribe(keys.node(nodeId)));
    connectedOnce = true;
    reapNotBefore = System.currentTimeMillis() + settings.deadAfter().toMillis();
    applier.start();
    long period = settings.heartbeat().toMillis();
    watch.scheduleWithFixedDelay(this::watchOnce, period, period, TimeUnit.MILLISECONDS);
  }

  /** This node's id now (it changes if the others took it for dead). */
  public String nodeId() {
    return nodeId;
  }

  /** Deliveries dropped because this node fell behind (each room was repaired from its log). */
  public long droppedDeliveries() {
    return dropped.sum();
  }

  /** Gaps repaired from a room's log. */
  public long repairs() {
    return repairs.sum();
  }

  /** Messages this node sent to Redis in a call together with others (batches of two or more). */
  public long batchedMessages() {
    return batched.sum();
  }

  /** Times this node told its members that a room's updates were lost. */
  public long lostNotices() {
    return lost.sum();
  }

  // ---- ChatBus ----------------------------------------------------------------------------------

  @Override
  public boolean shared() {
    return true;
  }

  @Override
  public void attach(ChatBus.Node hub) {
    this.node = hub;
  }

  @Override
  public void requireAvailable() throws ChatException {
    if (closed || !connection.isOpen() || !pubsub.isOpen()) {
      throw unavailable("not connected");
    }
  }

  @Override
  public CompletableFuture<Void> commit(RoomReplica room, RoomUpdate update) {
    try {
      requireAvailable();
    } catch (ChatException e) {
      return CompletableFuture.failedFuture(e);
    }
    String key = NameRules.key(room.name());
    RoomFeed feed = feeds.get(key);
    RoomFeed waits = feed != null && feed.replica == room ? feed : null;
    CompletableFuture<Void> done = new CompletableFuture<>();
    publish(key, room.name(), update, "")
        .whenComplete(
            (seq, error) -> {
              if (error != null) {
                done.completeExceptionally(error);
              } else if (seq == 0 || waits == null) {
                done.complete(null);
              } else {
                waits.waitFor(seq, done);
                if (waits.behind(seq) && waits.watch(seq)) {
                  watchDeliveries(waits);
                }
              }
            });
    return done;
  }

  /**
   * This node's commits to {@code feed} are delivered on their way; should one have been lost, it
   * is fetched from the log. One check per room at a time (not one per message): the number watched
   * is looked at after {@link #DELIVERY_CHECK}, and the newest commit still waiting then is watched
   * next, so each is looked at within twice that.
   */
  private void watchDeliveries(RoomFeed feed) {
    var unused =
        watch.schedule(
            () -> {
              if (feed.behind(feed.unwatch())) {
                chore(() -> catchUp(feed, "+"));
              }
              long newest = feed.newestWaiting();
              if (newest > 0 && feed.watch(newest)) {
                watchDeliveries(feed);
              }
            },
            DELIVERY_CHECK.toMillis(),
            TimeUnit.MILLISECONDS);
  }

  /**
   * Runs {@code room_update.lua} for {@code update}, behind the room's earlier updates from this
   * node ({@link RoomOutbox}); completes with its number (0: it changed nothing), or fails with the
   * refusal a member hears.
   *
   * @param onNode for a departure, the node the member must be on ('' any): so the reaper of a dead
   *     node never takes out a member that came back through a live one
   */
  private CompletableFuture<Long> publish(
      String key, String roomName, RoomUpdate update, String onNode) {
    RoomOutbox.Pending pending =
        new RoomOutbox.Pending(update, roomName, onNode, new CompletableFuture<>());
    while (true) {
      CompletableFuture<Long> queued =
          outboxes.computeIfAbsent(key, this::newOutbox).offer(pending);
      if (queued != null) {
        return queued;
      }
    }
  }

  private RoomOutbox newOutbox(String key) {
    RoomOutbox[] made = new RoomOutbox[1];
    made[0] =
        new RoomOutbox(
            settings.requests(), // as many as Lettuce's queue would hold
            BATCH,
            batch -> send(key, batch),
            () -> outboxes.remove(key, made[0]));
    return made[0];
  }

  /**
   * One call of {@code room_update.lua}: one update, or a batch of messages the script numbers one
   * after the other and publishes as one pub/sub message. Completes with the (first) number.
   */
  private CompletableFuture<Long> send(String key, List<RoomOutbox.Pending> batch) {
    RoomOutbox.Pending head = batch.get(0);
    RoomUpdate update = head.update();
    List<String> args = new ArrayList<>(9 + batch.size());
    args.add(kind(update));
    args.add(key);
    args.add(BusFormat.encode(update));
    args.add(update instanceof Arrived ? newId() : ""); // only a join makes a room (and its epoch)
    args.add(logCap);
    args.add(historyCap);
    args.add(roomCap);
    args.add(keys.prefix());
    args.add(Long.toString(System.currentTimeMillis()));
    if (batch.size() == 1) {
      details(update, head.roomName(), head.onNode(), args);
    } else {
      for (int i = 1; i < batch.size(); i++) {
        args.add(BusFormat.encode(batch.get(i).update())); // more messages (say takes no details)
      }
      batched.add(batch.size());
    }
    CompletableFuture<List<Object>> result =
        roomUpdate.call(
            redis, ScriptOutputType.MULTI, keys.roomKeys(key), args.toArray(String[]::new));
    return result.handle(
        (reply, error) -> {
          if (error != null) {
            throw new java.util.concurrent.CompletionException(busError(error));
          }
          long seq = (Long) reply.get(0);
          if (seq == -2) {
            throw new java.util.concurrent.CompletionException(
                new ChatException(
                    Code.TOO_MANY_ROOMS,
                    "the hub keeps at most " + chat.maxRooms() + " rooms and none is free"));
          }
          if (seq == -1) {
            RoomFeed feed = feeds.get(key);
            if (feed != null) {
              chore(() -> resyncRoom(feed, null));
            }
            throw new java.util.concurrent.CompletionException(
                unavailable("the room was lost by the bus; try again"));
          }
          return seq;
        });
  }

  private static String kind(RoomUpdate update) {
    return switch (update) {
      case Said s -> "say";
      case Arrived a -> "join";
      case Left l -> "part";
      case Kicked k -> "part";
      case Renamed r -> "rename";
      case Hidden h -> "hide";
      case Invited i -> "invite";
      case TopicChanged t -> "topic";
      case Changed c -> "change";
    };
  }

  /** The arguments after the ninth that {@code room_update.lua} takes for {@code update}. */
  private void details(RoomUpdate update, String roomName, String onNode, List<String> args) {
    switch (update) {
      case Said s -> {}
      case Arrived a -> {
        args.add(NameRules.key(a.name()));
        args.add(BusFormat.resident(nodeId, a.name(), a.origin(), a.invisible()));
        args.add(roomName);
        args.add(onNode);
      }
      case Left l -> {
        args.add(NameRules.key(l.name()));
        args.add(onNode);
      }
      case Kicked k -> {
        args.add(NameRules.key(k.name()));
        args.add("");
      }
      case Renamed r -> {
        args.add(NameRules.key(r.oldName()));
        args.add(NameRules.key(r.newName()));
        args.add(r.newName());
      }
      case Hidden h -> {
        args.add(NameRules.key(h.name()));
        args.add(h.invisible() ? "1" : "0");
      }
      case Invited i -> args.add(NameRules.key(i.name()));
      case TopicChanged t -> {
        args.add(t.topic().text());
        args.add(t.topic().setBy());
        args.add(t.topic().setAt().toString());
      }
      case Changed c -> {
        for (RoomChange change : c.changes()) {
          String on = change.on() ? "1" : "";
          switch (change.setting()) {
            case OPERATOR -> args.addAll(List.of("op", NameRules.key(change.argument()), on));
            case VOICE -> args.addAll(List.of("voice", NameRules.key(change.argument()), on));
            case KEY -> args.addAll(List.of("value", "key", change.on() ? change.argument() : ""));
            case LIMIT ->
                args.addAll(List.of("value", "limit", change.on() ? change.argument() : ""));
            case BAN ->
                args.addAll(
                    List.of(
                        "ban",
                        NameRules.key(change.argument()),
                        change.on() ? BusFormat.ban(change.argument(), c.by(), c.at()) : ""));
            default -> args.addAll(List.of("flag", FLAGS.get(change.setting()), on));
          }
        }
      }
    }
  }

  /** The room flags' field names in Redis (IRC's mode letters). */
  private static final Map<RoomChange.Setting, String> FLAGS =
      Map.of(
          RoomChange.Setting.TOPIC_LOCKED, "t",
          RoomChange.Setting.MEMBERS_ONLY, "n",
          RoomChange.Setting.MODERATED, "m",
          RoomChange.Setting.INVITE_ONLY, "i",
          RoomChange.Setting.SECRET, "s");

  @Override
  public void follow(RoomReplica room) throws ChatException {
    requireAvailable();
    String key = NameRules.key(room.name());
    RoomFeed feed = new RoomFeed(key, keys.room(key), room);
    RoomFeed old = feeds.put(key, feed);
    if (old != null) {
      old.closed = true;
      old.release();
    }
    channels.put(feed.channel, feed);
    try {
      get(pubsub.async().subscribe(feed.channel));
      synchronized (feed) {
        Loaded loaded = load(key);
        feed.epoch = loaded == null ? null : loaded.epoch;
        feed.loaded = true;
        feed.appliedUpTo(loaded == null ? 0 : loaded.seq);
        room.reload(
            loaded == null ? RoomState.empty(room.name(), Instant.now()) : loaded.state, 0, null);
      }
    } catch (ChatException e) {
      unfollow(room);
      throw e;
    }
  }

  @Override
  public void unfollow(RoomReplica room) {
    String key = NameRules.key(room.name());
    RoomFeed feed = feeds.get(key);
    if (feed == null || feed.replica != room) {
      return;
    }
    feeds.remove(key, feed);
    channels.remove(feed.channel, feed);
    feed.closed = true; // the applier, which may hold the feed, sees it and lets it be
    feed.release();
    if (!feeds.containsKey(key) && pubsub.isOpen()) {
      var unused = pubsub.async().unsubscribe(feed.channel);
    }
  }

  @Override
  public RoomState peek(String room) throws ChatException {
    requireAvailable();
    Loaded loaded = load(NameRules.key(room));
    return loaded == null ? null : loaded.state;
  }

  @Override
  public List<RoomCount> rooms() throws ChatException {
    requireAvailable();
    List<Object> reply =
        get(
            roomsList.call(
                redis, ScriptOutputType.MULTI, new String[] {keys.rooms()}, keys.prefix()));
    List<RoomCount> rooms = new ArrayList<>();
    for (int i = 0; i + 1 < reply.size(); i += 2) {
      rooms.add(new RoomCount((String) reply.get(i), ((Long) reply.get(i + 1)).intValue()));
    }
    rooms.sort(Comparator.comparing(count -> NameRules.key(count.room())));
    return rooms;
  }

  @Override
  public String guestName() {
    try {
      requireAvailable();
      return "guest-" + get(redis.incr(keys.guests()));
    } catch (ChatException e) {
      // Bus down: a name no other node can make (this node's tag), claimed once the bus is back.
      return "guest-" + nodeId.substring(0, 4) + "-" + localGuests.incrementAndGet();
    }
  }

  @Override
  public void claim(Profile profile) throws ChatException {
    claim(profile, "");
  }

  private void claim(Profile profile, String formerId) throws ChatException {
    requireAvailable();
    String key = NameRules.key(profile.name());
    Long won =
        get(
            claim.call(
                redis,
                ScriptOutputType.INTEGER,
                new String[] {keys.name(key), keys.nodeNames(nodeId)},
                nodeId,
                BusFormat.encode(profile),
                keys.prefix(),
                formerId,
                key));
    if (won == 0) {
      throw new ChatException(
          Code.NAME_TAKEN, "the name " + profile.name() + " is taken; try another");
    }
  }

  @Override
  public void rename(String oldName, Profile profile) throws ChatException {
    requireAvailable();
    String key = NameRules.key(profile.name());
    String oldKey = NameRules.key(oldName);
    Long won =
        get(
            renameScript.call(
                redis,
                ScriptOutputType.INTEGER,
                new String[] {keys.name(key), keys.name(oldKey), keys.nodeNames(nodeId)},
                nodeId,
                BusFormat.encode(profile),
                keys.prefix(),
                key,
                oldKey));
    if (won == 0) {
      throw new ChatException(
          Code.NAME_TAKEN, "the name " + profile.name() + " is taken; try another");
    }
  }

  @Override
  public void release(String name) {
    if (!connection.isOpen()) {
      return; // put right when the bus is back: names of members gone meanwhile are not re-claimed
    }
    String key = NameRules.key(name);
    var unused =
        releaseScript.call(
            redis,
            ScriptOutputType.INTEGER,
            new String[] {keys.name(key), keys.nodeNames(nodeId)},
            nodeId,
            key);
  }

  @Override
  public Profile profile(String name) throws ChatException {
    requireAvailable();
    String found =
        get(
            profileScript.call(
                redis,
                ScriptOutputType.VALUE,
                new String[] {keys.name(NameRules.key(name))},
                keys.prefix()));
    return found == null ? null : BusFormat.decodeProfile(found);
  }

  @Override
  public void describe(Profile profile) {
    if (!connection.isOpen()) {
      return; // described again when the bus is back (the claims carry the profile)
    }
    var unused =
        describeScript.call(
            redis,
            ScriptOutputType.INTEGER,
            new String[] {keys.name(NameRules.key(profile.name()))},
            nodeId,
            BusFormat.encode(profile));
  }

  @Override
  public Profile whisper(Whispered message) throws ChatException {
    requireAvailable();
    String found =
        get(
            whisperScript.call(
                redis,
                ScriptOutputType.VALUE,
                new String[] {keys.name(NameRules.key(message.to()))},
                keys.prefix(),
                BusFormat.encode(message)));
    if (found == null) {
      throw new ChatException(Code.NO_SUCH_NAME, "nobody is called " + message.to());
    }
    return BusFormat.decodeProfile(found);
  }

  /**
   * Leaves the shared hub: waits for what this node sent to be done (the departures of its members,
   * sent as their connections closed), frees its names, and closes. Idempotent.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    watch.shutdownNow();
    applier.interrupt();
    try {
      if (connection.isOpen()) {
        // Commands run in order: once this answers, every departure sent before it is done. One
        // still waiting in its room's outbox is not, but then its member is still in Redis, so
        // takeOut sends a departure for it too, behind it in the same outbox, and waits for that.
        redis.ping().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        String id = nodeId;
        takeOut(id, "server shutting down"); // members whose connections outlived the server
        redis
            .del(keys.node(id))
            .thenCompose(
                deleted ->
                    forgetNode.<Long>call(
                        redis,
                        ScriptOutputType.INTEGER,
                        new String[] {keys.nodeNames(id), keys.nodes()},
                        keys.prefix(),
                        id))
            .toCompletableFuture()
            .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (ExecutionException | TimeoutException | ChatException e) {
      LOG.log(System.Logger.Level.WARNING, "leaving the chat's bus: {0}", e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      for (RoomFeed feed : feeds.values()) {
        feed.closed = true;
        feed.release();
      }
      pubsub.close();
      connection.close();
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
      resources.shutdown(0, 2, TimeUnit.SECONDS);
    }
  }

  // ---- Deliveries and the applier ---------------------------------------------------------------

  /** Queues what Redis publishes; never blocks Lettuce's thread. */
  private final class Deliveries extends RedisPubSubAdapter<String, String> {
    @Override
    public void message(String channel, String message) {
      RoomFeed feed = channels.get(channel);
      if (feed != null) {
        if (!deliveries.offer(() -> deliver(feed, message))) {
          dropped.increment();
          overflowed.add(feed.key); // repaired from its log once the applier has room
        }
      } else if (channel.equals(keys.node(nodeId))) {
        if (!deliveries.offer(() -> whispered(message))) {
          dropped.increment();
          LOG.log(
              System.Logger.Level.WARNING, "a private message was dropped: this node is behind");
        }
      }
    }
  }

  /** Tells the applier to put everything right once the subscriber is back. */
  private final class Reconnects implements RedisConnectionStateListener {
    @Override
    public void onRedisConnected(RedisChannelHandler<?, ?> handler, SocketAddress address) {
      if ((handler == pubsub || handler == connection) && connectedOnce && !closed) {
        resyncNeeded = true;
        reapNotBefore = System.currentTimeMillis() + settings.deadAfter().toMillis();
        chore(RedisBus.this::resyncAll);
      }
    }

    @Override
    public void onRedisDisconnected(RedisChannelHandler<?, ?> handler) {
      if ((handler == pubsub || handler == connection) && !closed) {
        resyncNeeded = true;
        if (handler == pubsub) {
          LOG.log(
              System.Logger.Level.WARNING, "the chat's bus (Redis) is unreachable; reconnecting");
        }
      }
    }
  }

  private void chore(Runnable task) {
    chores.add(task);
    var unused = deliveries.offer(() -> {}); // wakes the applier; a full queue keeps it busy anyway
  }

  private void applyLoop() {
    while (!closed) {
      try {
        Runnable chore;
        while ((chore = chores.poll()) != null) {
          chore.run();
        }
        if (!overflowed.isEmpty()) {
          for (String key : List.copyOf(overflowed)) {
            overflowed.remove(key);
            RoomFeed feed = feeds.get(key);
            if (feed != null) {
              catchUp(feed, "+");
            }
          }
        }
        Runnable delivery = deliveries.poll(100, TimeUnit.MILLISECONDS);
        if (delivery != null) {
          delivery.run();
        }
      } catch (InterruptedException e) {
        // a chore to run, or closing: the loop looks
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.ERROR, "the chat's bus could not apply an update", e);
      }
    }
  }

  /**
   * A published message of a followed room: {@code seq US epoch US update (RS update)...}, the
   * updates numbered {@code seq} on, one after the other. Each is applied in order, a gap fetched
   * first, one applied already skipped (never twice).
   */
  private void deliver(RoomFeed feed, String message) {
    int first = message.indexOf(BusFormat.FIELD);
    int second = message.indexOf(BusFormat.FIELD, first + 1);
    long seq = Long.parseLong(message, 0, first, 10);
    String epoch = message.substring(first + 1, second);
    synchronized (feed) {
      int start = second + 1;
      while (start <= message.length()) {
        int end = message.indexOf(BusFormat.RECORD, start);
        if (end < 0) {
          end = message.length();
        }
        if (!deliver(feed, seq, epoch, message, start, end)) {
          return;
        }
        start = end + 1;
        seq++;
      }
    }
  }

  /**
   * Applies update {@code seq} (the text between {@code start} and {@code end} of {@code message})
   * if it is the next; false when the rest of the message is not for this copy (not loaded yet, or
   * the room was reloaded as Redis has it now).
   */
  private boolean deliver(
      RoomFeed feed, long seq, String epoch, String message, int start, int end) {
    if (!feed.loaded || feed.closed) {
      return false; // not loaded yet (the load covers it)
    }
    if (seq <= feed.lastSeq && epoch.equals(feed.epoch)) {
      return true; // applied already: never twice
    }
    if (feed.epoch != null && !feed.epoch.equals(epoch)) {
      resyncRoom(feed, LOST_DATA); // Redis lost the room: this node's copy is from before
      return false;
    }
    if (seq > feed.lastSeq + 1) {
      catchUp(feed, Long.toString(seq - 1));
      if (feed.closed || seq <= feed.lastSeq) {
        return !feed.closed; // the repair reloaded past it
      }
    }
    feed.epoch = epoch;
    apply(feed, seq, BusFormat.decodeUpdate(message.substring(start, end)));
    return true;
  }

  private void apply(RoomFeed feed, long seq, RoomUpdate update) {
    try {
      feed.replica.apply(update);
    } finally {
      feed.appliedUpTo(seq);
    }
  }

  /**
   * Applies what the room's log holds after the copy's number, up to {@code upTo} ("+": all); a gap
   * the log no longer holds reloads the room and tells the members how much was lost.
   */
  private void catchUp(RoomFeed feed, String upTo) {
    synchronized (feed) {
      if (!feed.loaded || feed.closed) {
        return;
      }
      long from = feed.lastSeq + 1;
      List<StreamMessage<String, String>> entries;
      try {
        entries =
            get(
                redis.xrange(
                    keys.log(feed.key),
                    Range.create(from + "-0", upTo.equals("+") ? "+" : upTo + "-0")));
      } catch (ChatException e) {
        return; // the bus is down: the reconnect repairs
      }
      repairs.increment();
      long expect = from;
      for (StreamMessage<String, String> entry : entries) {
        long seq = Long.parseLong(entry.getId().substring(0, entry.getId().indexOf('-')));
        if (seq < expect) {
          continue;
        }
        if (seq > expect) {
          reload(feed, LOST_GAP);
          return;
        }
        apply(feed, seq, BusFormat.decodeUpdate(entry.getBody().get("u")));
        expect++;
      }
      if (!upTo.equals("+") && expect <= Long.parseLong(upTo)) {
        reload(feed, LOST_GAP); // trimmed away entirely
      }
    }
  }

  /**
   * Replaces the copy with the room as Redis has it now, telling the members why and how many
   * updates they did not see one by one: every update between the copy's number and the room's now
   * (those the log still holds too: the copy jumps over them, so none is told silently).
   */
  private void reload(RoomFeed feed, String why) {
    Loaded loaded;
    try {
      loaded = load(feed.key);
    } catch (ChatException e) {
      return;
    }
    if (loaded == null) {
      resyncRoom(feed, LOST_DATA);
      return;
    }
    if (feed.epoch != null && !feed.epoch.equals(loaded.epoch)) {
      resyncRoom(feed, LOST_DATA);
      return;
    }
    lost.increment();
    long missed = Math.max(0, loaded.seq - feed.lastSeq);
    feed.epoch = loaded.epoch;
    feed.replica.reload(loaded.state, missed, why);
    feed.appliedUpTo(loaded.seq);
  }

  private void whispered(String payload) {
    ChatBus.Node hub = node;
    if (hub != null) {
      hub.whispered(BusFormat.decodeWhisper(payload));
    }
  }

  // ---- After a reconnect: put everything right
  // ----------------------------------------------------

  /**
   * The subscriber is back (or the others took this node for dead): renew the heartbeat (under a
   * new id if this node's had expired, so a reaper still at work on the old one takes out nothing
   * of the new), re-claim the members' names, resubscribe, and bring every followed room up to
   * date, putting this node's members back where Redis lost them and taking out those gone
   * meanwhile.
   */
  private void resyncAll() {
    resyncNeeded = false; // set again by whatever fails below, or by the next disconnect
    String formerId = "";
    try {
      if (!beat()) {
        formerId = nodeId;
        nodeId = newId();
        beat();
        var unused = pubsub.async().unsubscribe(keys.node(formerId));
        LOG.log(
            System.Logger.Level.WARNING,
            "this server was taken for gone by the chat's bus; back as node {0}",
            nodeId);
      }
      get(pubsub.async().subscribe(keys.node(nodeId)));
      if (!channels.isEmpty()) {
        get(pubsub.async().subscribe(channels.keySet().toArray(String[]::new)));
      }
    } catch (ChatException e) {
      resyncNeeded = true; // Redis not (fully) back yet: the watch tries again
      return;
    }
    ChatBus.Node hub = node;
    if (hub != null) {
      for (Profile member : hub.members()) {
        try {
          claim(member, formerId);
        } catch (ChatException e) {
          if (e.code() == Code.NAME_TAKEN) {
            hub.nameLost(
                member.name(),
                "your name "
                    + member.name()
                    + " was taken on another server while this one was cut off from the chat's bus;"
                    + " reconnect and choose a name");
          } else {
            resyncNeeded = true;
            return;
          }
        }
      }
    }
    for (RoomFeed feed : List.copyOf(feeds.values())) {
      resyncRoom(feed, null, formerId);
    }
  }

  private void resyncRoom(RoomFeed feed, String why) {
    resyncRoom(feed, why, "");
  }

  /**
   * Brings one followed room up to date after a reconnect: repairs from the log (or reloads with a
   * notice); where Redis lost the room ({@code why}, or a new epoch) reloads it and tells the
   * members; then makes Redis's members of this node match this node's members.
   */
  private void resyncRoom(RoomFeed feed, String why, String formerId) {
    synchronized (feed) {
      if (!feed.loaded || feed.closed) {
        return;
      }
      try {
        Loaded loaded = load(feed.key);
        boolean lostRoom =
            why != null
                || loaded == null
                || (feed.epoch != null && !feed.epoch.equals(loaded.epoch));
        if (!lostRoom && loaded.seq > feed.lastSeq) {
          catchUp(feed, Long.toString(loaded.seq));
        }
        // This node's members as Redis has them, against those this node has.
        List<Arrived> mine = feed.replica.localMembers();
        Set<String> mineKeys = new HashSet<>();
        for (Arrived arrived : mine) {
          mineKeys.add(NameRules.key(arrived.name()));
        }
        List<CompletableFuture<Long>> sent = new ArrayList<>();
        Map<String, BusFormat.Resident> there = loaded == null ? Map.of() : loaded.nodes;
        for (Map.Entry<String, BusFormat.Resident> resident : there.entrySet()) {
          String on = resident.getValue().node();
          boolean ours = on.equals(nodeId) || on.equals(formerId);
          if (ours && !mineKeys.contains(resident.getKey())) {
            BusFormat.Resident gone = resident.getValue();
            sent.add(
                publish(
                    feed.key,
                    feed.replica.name(),
                    new Left(
                        feed.replica.name(),
                        gone.name(),
                        gone.origin().address(),
                        Departure.DISCONNECTED,
                        "left while the chat's bus was unreachable"),
                    on));
          }
        }
        for (Arrived arrived : mine) {
          BusFormat.Resident present = there.get(NameRules.key(arrived.name()));
          if (present == null || present.node().equals(formerId)) {
            sent.add(publish(feed.key, feed.replica.name(), arrived, formerId));
          }
        }
        for (CompletableFuture<Long> each : sent) {
          get(each);
        }
        if (lostRoom || !sent.isEmpty()) {
          Loaded now = load(feed.key);
          if (now != null) {
            if (lostRoom) {
              lost.increment();
            }
            feed.replica.reload(now.state, 0, lostRoom ? LOST_DATA : null);
            if (lostRoom) {
              feed.restart(now.seq); // the numbers started again
            } else {
              feed.appliedUpTo(Math.max(now.seq, feed.lastSeq));
            }
            feed.epoch = now.epoch;
          }
        }
      } catch (ChatException e) {
        resyncNeeded = true;
        LOG.log(
            System.Logger.Level.DEBUG,
            "resync of #{0} waits for the bus: {1}",
            feed.key,
            e.getMessage());
      }
    }
  }

  // ---- The watch: heartbeat and the dead --------------------------------------------------------

  private void watchOnce() {
    try {
      if (!connection.isOpen()) {
        return;
      }
      if (!beat() || resyncNeeded) {
        // The others took this node for dead (or Redis lost it), or a resync after Redis came
        // back did not go through yet.
        chore(this::resyncAll);
        return;
      }
      if (System.currentTimeMillis() >= reapNotBefore) {
        reapTheDead();
      }
    } catch (ChatException | RuntimeException e) {
      LOG.log(System.Logger.Level.DEBUG, "the bus's watch: {0}", e.toString());
    }
  }

  /** Renews this node's heartbeat; false if it had expired (or was lost). */
  private boolean beat() throws ChatException {
    Long was =
        get(
            heartbeat.call(
                redis,
                ScriptOutputType.INTEGER,
                new String[] {keys.node(nodeId), keys.nodes()},
                Long.toString(settings.deadAfter().toMillis()),
                Long.toString(System.currentTimeMillis()),
                nodeId));
    return was == 1;
  }

  /**
   * Every node whose heartbeat is older than {@link ClusterSettings#deadAfter()}: its members are
   * announced gone in each of their rooms (by this node, if it takes the node's short lock first),
   * and its names freed.
   */
  private void reapTheDead() throws ChatException {
    long now = System.currentTimeMillis();
    List<String> stale =
        get(
            redis.zrangebyscore(
                keys.nodes(), Range.create(0, now - settings.deadAfter().toMillis())));
    for (String dead : stale) {
      if (dead.equals(nodeId) || get(redis.exists(keys.node(dead))) > 0) {
        continue; // alive after all (its beat is late in the list only)
      }
      String locked =
          get(
              redis.set(
                  keys.reaping(dead), nodeId, SetArgs.Builder.nx().px(TIMEOUT.toMillis() * 15)));
      if (!"OK".equals(locked)) {
        continue; // another node is at it
      }
      int gone = takeOut(dead, "lost: its server stopped answering");
      get(
          forgetNode.<Long>call(
              redis,
              ScriptOutputType.INTEGER,
              new String[] {keys.nodeNames(dead), keys.nodes()},
              keys.prefix(),
              dead));
      LOG.log(
          System.Logger.Level.INFO,
          "node {0} of the chat stopped answering: {1} members announced gone",
          dead,
          gone);
    }
  }

  /**
   * Takes every member of {@code node} out of its rooms, each room telling its members why; returns
   * how many places that was.
   */
  private int takeOut(String node, String reason) throws ChatException {
    List<Object> found =
        get(
            residents.call(
                redis, ScriptOutputType.MULTI, new String[] {keys.rooms()}, keys.prefix(), node));
    List<CompletableFuture<Long>> sent = new ArrayList<>();
    for (int i = 0; i + 2 < found.size(); i += 3) {
      String room = (String) found.get(i);
      BusFormat.Resident resident = BusFormat.decodeResident((String) found.get(i + 2));
      sent.add(
          publish(
              NameRules.key(room),
              room,
              new Left(
                  room,
                  resident.name(),
                  resident.origin().address(),
                  Departure.DISCONNECTED,
                  reason),
              node));
    }
    for (CompletableFuture<Long> each : sent) {
      get(each);
    }
    return sent.size();
  }

  // ---- Loading a room ---------------------------------------------------------------------------

  /** A room as {@code room_load.lua} returns it, and where each member is. */
  private record Loaded(
      RoomState state, long seq, String epoch, Map<String, BusFormat.Resident> nodes) {}

  private Loaded load(String key) throws ChatException {
    List<Object> reply = get(roomLoad.call(redis, ScriptOutputType.MULTI, keys.roomKeys(key)));
    if (reply == null || reply.isEmpty()) {
      return null;
    }
    Map<String, String> state = pairs(reply.get(0));
    Map<String, String> members = pairs(reply.get(1));
    Set<String> ops = new HashSet<>(strings(reply.get(2)));
    Set<String> voiced = new HashSet<>(strings(reply.get(3)));
    Map<String, String> bans = pairs(reply.get(4));
    List<String> invited = strings(reply.get(5));

    Map<String, BusFormat.Resident> nodes = new HashMap<>();
    for (Map.Entry<String, String> member : members.entrySet()) {
      nodes.put(member.getKey(), BusFormat.decodeResident(member.getValue()));
    }
    List<Map.Entry<String, BusFormat.Resident>> ordered = new ArrayList<>(nodes.entrySet());
    ordered.sort(Comparator.comparingLong(entry -> entry.getValue().joinSeq()));
    List<RoomState.Resident> residentList = new ArrayList<>();
    for (Map.Entry<String, BusFormat.Resident> entry : ordered) {
      BusFormat.Resident r = entry.getValue();
      residentList.add(
          new RoomState.Resident(
              r.name(),
              r.origin(),
              r.invisible(),
              ops.contains(entry.getKey()),
              voiced.contains(entry.getKey())));
    }
    List<String[]> banList = new ArrayList<>();
    for (String value : bans.values()) {
      banList.add(BusFormat.fields(value).toArray(String[]::new));
    }
    banList.sort(Comparator.comparingLong(fields -> Long.parseLong(fields[0])));
    List<Ban> banRecords = new ArrayList<>();
    for (String[] fields : banList) {
      banRecords.add(new Ban(fields[1], fields[2], Instant.parse(fields[3])));
    }
    List<Said> history = new ArrayList<>();
    for (Object entry : (List<?>) reply.get(6)) {
      List<?> pair = (List<?>) entry;
      List<?> body = (List<?>) pair.get(1);
      for (int i = 0; i + 1 < body.size(); i += 2) {
        if ("u".equals(body.get(i))
            && BusFormat.decodeUpdate((String) body.get(i + 1)) instanceof Said said) {
          history.add(said);
        }
      }
    }
    RoomSettings settings =
        new RoomSettings(
            state.containsKey("f:t"),
            state.containsKey("f:n"),
            state.containsKey("f:m"),
            state.containsKey("f:i"),
            state.containsKey("f:s"),
            state.get("key"),
            state.containsKey("limit") ? Integer.parseInt(state.get("limit")) : 0);
    Topic topic =
        state.containsKey("topic")
            ? new Topic(
                state.get("topic"), state.get("topic_by"), Instant.parse(state.get("topic_at")))
            : null;
    RoomState room =
        new RoomState(
            state.get("name"),
            Instant.ofEpochMilli(Long.parseLong(state.get("created"))),
            settings,
            topic,
            banRecords,
            invited,
            residentList,
            history);
    return new Loaded(room, Long.parseLong(state.get("seq")), state.get("epoch"), nodes);
  }

  private static Map<String, String> pairs(Object flat) {
    List<String> list = strings(flat);
    Map<String, String> map = new HashMap<>();
    for (int i = 0; i + 1 < list.size(); i += 2) {
      map.put(list.get(i), list.get(i + 1));
    }
    return map;
  }

  private static List<String> strings(Object list) {
    List<String> strings = new ArrayList<>();
    for (Object item : (List<?>) list) {
      strings.add((String) item);
    }
    return strings;
  }

  // ---- The pieces -------------------------------------------------------------------------------

  /** Waits for a Redis reply, at most {@link ChatBus#TIMEOUT}, as a refusal if there is none. */
  private static <T> T get(Future<T> future) throws ChatException {
    try {
      return future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw busError(e.getCause());
    } catch (TimeoutException e) {
      future.cancel(false);
      throw unavailable("no answer within " + TIMEOUT.toSeconds() + " s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw unavailable("interrupted");
    }
  }

  private static ChatException busError(Throwable error) {
    Throwable cause = LuaScript.unwrap(error);
    if (cause instanceof ChatException refusal) {
      return refusal;
    }
    return unavailable(String.valueOf(cause.getMessage()));
  }

  private static ChatException unavailable(String why) {
    return new ChatException(
        Code.BUS_UNAVAILABLE,
        "the chat's bus (Redis) is unavailable (" + why + "); try again in a moment");
  }

  private static String newId() {
    byte[] bytes = new byte[6];
    RANDOM.nextBytes(bytes);
    return java.util.HexFormat.of().formatHex(bytes);
  }
}
