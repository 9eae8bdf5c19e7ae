package io.switchboard.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.chat.ChatEvent.Connected;
import io.switchboard.chat.ChatEvent.Departure;
import io.switchboard.chat.ChatEvent.Entered;
import io.switchboard.chat.ChatEvent.Joined;
import io.switchboard.chat.ChatEvent.Left;
import io.switchboard.chat.ChatEvent.Said;
import io.switchboard.chat.ChatException.Code;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The hub through its front-neutral seam, with an in-memory front: what any new front (IRC,
 * WebSocket, a bus) relies on, with no socket and no wire format involved.
 */
class ChatHubTest {
  private static final String UNKNOWN = Origin.UNKNOWN.address();

  /** A front's member that records events and reports a backlog the test sets. */
  private static class RecordingMember implements Member {
    final List<ChatEvent> events = new CopyOnWriteArrayList<>();
    volatile long backlog;
    volatile String disconnectedFor;

    @Override
    public void deliver(ChatEvent event) {
      events.add(event);
    }

    @Override
    public long backlog() {
      return backlog;
    }

    @Override
    public void disconnect(String reason) {
      disconnectedFor = reason;
    }
  }

  @Test
  void aNewMemberGetsAGuestNameThenTheDefaultRoom() {
    ChatHub hub = new ChatHub(ChatSettings.DEFAULT);
    RecordingMember member = new RecordingMember();
    Session session = hub.connect(member);
    assertThat(session.name()).startsWith("guest-");
    assertThat(session.currentRoom()).isEqualTo("lobby");
    assertThat(member.events)
        .containsExactly(
            new Connected(session.name()),
            // the first member of a new room runs it
            new Entered("lobby", List.of(new Occupant(session.name(), true, false)), null));
  }

  @Test
  void aMemberThatHearsItsOwnMessagesGetsThemInTheRoomsOrder() throws Exception {
    ChatHub hub = new ChatHub(ChatSettings.DEFAULT);
    RecordingMember echoed =
        new RecordingMember() {
          @Override
          public boolean hearsOwnMessages() {
            return true;
          }
        };
    RecordingMember plain = new RecordingMember();
    Session browser = hub.connect(echoed);
    Session line = hub.connect(plain);
    browser.say("first");
    line.say("second");
    browser.act("waves");
    line.say("fourth");

    List<String> heardByBrowser =
        echoed.events.stream().filter(Said.class::isInstance).map(e -> ((Said) e).text()).toList();
    List<String> heardByLine =
        plain.events.stream().filter(Said.class::isInstance).map(e -> ((Said) e).text()).toList();
    assertThat(heardByBrowser).containsExactly("first", "second", "waves", "fourth");
    // the line front's member still hears only the others, as before
    assertThat(heardByLine).containsExactly("first", "waves");
  }

  @Test
  void namesAreUniqueIgnoringCaseAndFreedOnQuit() throws Exception {
    ChatHub hub = new ChatHub(ChatSettings.DEFAULT);
    Session first = hub.connect(new RecordingMember());
    Session second = hub.connect(new RecordingMember());
    first.rename("Alice");
    assertThatThrownBy(() -> second.rename("aLICE"))
        .isInstanceOfSatisfying(
            ChatException.class, e -> assertThat(e.code()).isEqualTo(Code.NAME_TAKEN));
    assertThatThrownBy(() -> second.rename("no spaces"))
        .isInstanceOfSatisfying(
            ChatException.class, e -> assertThat(e.code()).isEqualTo(Code.INVALID_NAME));
    first.quit("bye");
    second.rename("alice");
    assertThat(second.name()).isEqualTo("alice");
  }

  @Test
  void aFullHubForgetsAnEmptyRoomForANewOne() throws Exception {
    ChatHub hub = new ChatHub(ChatSettings.DEFAULT.withMaxRooms(2));
    Session session = hub.connect(new RecordingMember()); // lobby
    session.join("dev");
    assertThatThrownBy(() -> session.join("ops"))
        .isInstanceOfSatisfying(
            ChatException.class, e -> assertThat(e.code()).isEqualTo(Code.TOO_MANY_ROOMS));
    session.leave("lobby");
    session.join("ops");
    assertThat(hub.rooms()).extracting(ChatHub.RoomCount::room).containsExactly("dev", "ops");
  }

  @Test
  void aNewRoomCanBeFoundTheMomentItsCreatorHearsItIsIn() throws Exception {
    ChatHub hub = new ChatHub(ChatSettings.DEFAULT);
    Session other = hub.connect(new RecordingMember());
    List<String> seenByOther = new CopyOnWriteArrayList<>();
    // On hearing it is in, a front writes the JOIN reply, and its user may tell someone who acts on
    // the room at once (the IRC operator's MODE that once found no room). That someone looks here,
    // on the delivering thread, at the very moment the reply would leave: deterministic, no sleep.
    RecordingMember creator =
        new RecordingMember() {
          @Override
          public void deliver(ChatEvent event) {
            super.deliver(event);
            if (event instanceof Entered entered && entered.room().equals("mine")) {
              try {
                seenByOther.add(other.view("mine").name());
              } catch (ChatException e) {
                seenByOther.add(e.getMessage());
              }
            }
          }
        };
    hub.connect(creator).join("mine");
    assertThat(seenByOther).containsExactly("mine");
  }

  @Test
  void theRoomCapHoldsExactlyUnderManyThreadsCreatingAndForgettingRooms() throws Exception {
    int cap = 3;
    int threads = 8;
    int joins = 20_000;
    ChatHub hub = new ChatHub(ChatSettings.DEFAULT.withMaxRooms(cap, 2));
    AtomicInteger mostRooms = new AtomicInteger();
    AtomicInteger inRooms = new AtomicInteger();
    AtomicInteger mostInRooms = new AtomicInteger();
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> work = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
      for (int t = 0; t < threads; t++) {
        Session session = hub.connect(new RecordingMember());
        session.leave(null); // out of the lobby, which is then one more empty room to forget
        String me = "t" + t + "-";
        work.add(
            pool.submit(
                () -> {
                  start.await();
                  // Each thread creates a room of its own, then empties it, over and over: every
                  // new room needs an empty one forgotten, while the others do the same.
                  for (int i = 0; i < joins; i++) {
                    try {
                      session.join(me + i);
                      mostInRooms.accumulateAndGet(inRooms.incrementAndGet(), Math::max);
                      mostRooms.accumulateAndGet(hub.roomCount(), Math::max);
                      inRooms.decrementAndGet();
                      session.leave(null);
                    } catch (ChatException e) {
                      assertThat(e.code()).isEqualTo(Code.TOO_MANY_ROOMS);
                    }
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> done : work) {
        done.get(60, TimeUnit.SECONDS);
      }
    }
    assertThat(mostRooms.get()).as("the most rooms kept at once").isEqualTo(cap);
    assertThat(mostInRooms.get())
        .as("the most members in a room of their own at once")
        .isLessThanOrEqualTo(cap);
  }

  @Test
  void aMemberOverTheBacklogCapIsDroppedAndTheOthersAreTold() throws Exception {
    ChatHub hub = new ChatHub(ChatSettings.DEFAULT.withSlowConsumerBytes(1000));
    RecordingMember speaker = new RecordingMember();
    RecordingMember slow = new RecordingMember();
    Session speaking = hub.connect(speaker);
    Session slowSession = hub.connect(slow);
    slowSession.rename("slow");
    slow.backlog = 5000;

    speaking.say("anyone there?");

    assertThat(slow.disconnectedFor).startsWith("too slow");
    assertThat(hub.who("lobby")).containsExactly(speaking.name());
    assertThat(speaker.events)
        .contains(new Left("lobby", "slow", UNKNOWN, Departure.DISCONNECTED, "too slow"));
    speaking.say("still works");
    assertThat(slow.events).filteredOn(Said.class::isInstance).hasSize(1);
  }

  @Test
  void floodLimitNotifiesOncePerBurst() throws Exception {
    ChatHub hub = new ChatHub(ChatSettings.DEFAULT.withRateLimit(0.001, 3));
    Session session = hub.connect(new RecordingMember());
    assertThat(session.admitLine()).isTrue();
    assertThat(session.admitLine()).isTrue();
    assertThat(session.admitLine()).isTrue();
    assertThatThrownBy(session::admitLine)
        .isInstanceOfSatisfying(
            ChatException.class, e -> assertThat(e.code()).isEqualTo(Code.FLOOD));
    assertThat(session.admitLine()).isFalse();
  }

  @Test
  void joinsAreAnnouncedToOthersOnly() throws Exception {
    ChatHub hub = new ChatHub(ChatSettings.DEFAULT);
    RecordingMember first = new RecordingMember();
    hub.connect(first);
    Session second = hub.connect(new RecordingMember());
    assertThat(first.events).contains(new Joined("lobby", second.name(), UNKNOWN));
  }
}
