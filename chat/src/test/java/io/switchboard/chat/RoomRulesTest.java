package io.switchboard.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.chat.ChatEvent.Invited;
import io.switchboard.chat.ChatEvent.Kicked;
import io.switchboard.chat.ChatEvent.RoomChanged;
import io.switchboard.chat.ChatEvent.Said;
import io.switchboard.chat.ChatEvent.Style;
import io.switchboard.chat.ChatEvent.TopicChanged;
import io.switchboard.chat.ChatException.Code;
import io.switchboard.chat.RoomChange.Setting;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/**
 * What rooms add for the IRC front, as the hub's own concepts, with no socket involved: roles (the
 * first member runs a room), operators' settings and what they refuse, kicks, invitations, topics,
 * bans, secret rooms, hidden members, and a room that empties forgetting all but its history.
 */
class RoomRulesTest {

  /** A front's member that keeps every event. */
  private static final class Recorder implements Member {
    final List<ChatEvent> events = new CopyOnWriteArrayList<>();

    @Override
    public void deliver(ChatEvent event) {
      events.add(event);
    }

    @Override
    public long backlog() {
      return 0;
    }

    @Override
    public void disconnect(String reason) {}

    <T extends ChatEvent> List<T> of(Class<T> type) {
      return events.stream().filter(type::isInstance).map(type::cast).toList();
    }
  }

  private final ChatHub hub = new ChatHub(ChatSettings.DEFAULT);

  private Session member(String name, Recorder recorder) throws ChatException {
    return hub.connectAs(
        recorder, name, new Origin("~" + name, "10.0.0." + name.length(), name, "irc"));
  }

  private Session member(String name) throws ChatException {
    return member(name, new Recorder());
  }

  private static void refused(Code code, ThrowingCallable call) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(ChatException.class, e -> assertThat(e.code()).isEqualTo(code));
  }

  private static RoomChange on(Setting setting, String argument) {
    return new RoomChange(setting, true, argument);
  }

  @Test
  void theFirstMemberRunsTheRoomAndOnlyOperatorsChangeIt() throws Exception {
    Recorder aliceHears = new Recorder();
    Session alice = member("alice", aliceHears);
    Session bob = member("bob");
    alice.join("dev");
    bob.join("dev");
    assertThat(bob.view("dev").occupants())
        .containsExactly(new Occupant("alice", true, false), new Occupant("bob", false, false));

    refused(Code.NOT_OPERATOR, () -> bob.changeRoom("dev", List.of(on(Setting.MODERATED, null))));
    refused(Code.NOT_OPERATOR, () -> bob.setTopic("dev", "mine")); // new rooms lock the topic
    refused(Code.NOT_OPERATOR, () -> bob.kick("dev", "alice", null));

    RoomChanges changes =
        alice.changeRoom(
            "dev",
            List.of(
                on(Setting.VOICE, "BOB"),
                on(Setting.LIMIT, "many"),
                on(Setting.KEY, "two words"),
                on(Setting.OPERATOR, "nobody"),
                on(Setting.MODERATED, null),
                on(Setting.MODERATED, null)));
    assertThat(changes.applied())
        .containsExactly(on(Setting.VOICE, "bob"), on(Setting.MODERATED, null));
    assertThat(changes.refused())
        .extracting(refused -> refused.why().code())
        .containsExactly(Code.INVALID_SETTING, Code.INVALID_SETTING, Code.TARGET_NOT_IN_ROOM);
    assertThat(aliceHears.of(RoomChanged.class))
        .containsExactly(new RoomChanged("dev", "alice", "~alice@10.0.0.5", changes.applied()));
  }

  @Test
  void moderatedAndMembersOnlyRoomsRefuseWhoMayNotSpeak() throws Exception {
    Session alice = member("alice");
    Session bob = member("bob");
    Session carol = member("carol");
    alice.join("dev");
    bob.join("dev");
    refused(Code.CANNOT_SEND, () -> carol.sayIn("dev", "from outside", Style.PLAIN));
    alice.changeRoom("dev", List.of(new RoomChange(Setting.MEMBERS_ONLY, false, null)));
    carol.sayIn("dev", "from outside", Style.PLAIN);
    alice.changeRoom("dev", List.of(on(Setting.MODERATED, null)));
    refused(Code.CANNOT_SEND, () -> bob.sayIn("dev", "may I?", Style.PLAIN));
    alice.changeRoom("dev", List.of(on(Setting.VOICE, "bob")));
    bob.sayIn("dev", "thank you", Style.ACTION);
    Recorder later = new Recorder();
    Session dave = member("dave", later);
    dave.join("dev");
    dave.history(10);
    ChatEvent.History history = later.of(ChatEvent.History.class).get(0);
    assertThat(history.messages())
        .extracting(Said::from, Said::text, Said::style)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("carol", "from outside", Style.PLAIN),
            org.assertj.core.groups.Tuple.tuple("bob", "thank you", Style.ACTION));
  }

  @Test
  void keysLimitsInvitationsAndBansDecideWhoJoins() throws Exception {
    Session alice = member("alice");
    Session bob = member("bob");
    Recorder carolHears = new Recorder();
    Session carol = member("carol", carolHears);
    alice.join("dev");
    alice.changeRoom("dev", List.of(on(Setting.KEY, "sesame"), on(Setting.LIMIT, "2")));
    refused(Code.BAD_KEY, () -> bob.join("dev"));
    refused(Code.BAD_KEY, () -> bob.join("dev", "open"));
    bob.join("dev", "sesame");
    refused(Code.ROOM_FULL, () -> carol.join("dev", "sesame"));

    alice.changeRoom(
        "dev",
        List.of(
            new RoomChange(Setting.LIMIT, false, null),
            new RoomChange(Setting.KEY, false, null),
            on(Setting.INVITE_ONLY, null)));
    refused(Code.INVITE_ONLY, () -> carol.join("dev"));
    refused(Code.NOT_OPERATOR, () -> bob.invite("carol", "dev"));
    refused(Code.ALREADY_IN_ROOM, () -> alice.invite("bob", "dev"));
    refused(Code.NO_SUCH_NAME, () -> alice.invite("nobody", "dev"));
    alice.changeRoom("dev", List.of(on(Setting.BAN, "carol!*@10.0.0.*")));
    alice.invite("carol", "dev");
    assertThat(carolHears.of(Invited.class))
        .containsExactly(new Invited("dev", "carol", "alice", "~alice@10.0.0.5"));
    carol.join("dev"); // the invitation lets her past the rule and the ban, once
    refused(Code.CANNOT_SEND, () -> carol.sayIn("dev", "still banned", Style.PLAIN));
    carol.leave("dev");
    alice.changeRoom("dev", List.of(new RoomChange(Setting.INVITE_ONLY, false, null)));
    refused(Code.BANNED, () -> carol.join("dev"));
  }

  @Test
  void aKickPutsAMemberOutAndEveryoneHearsIt() throws Exception {
    Recorder bobHears = new Recorder();
    Session alice = member("alice");
    Session bob = member("bob", bobHears);
    Session root = member("root");
    alice.join("dev");
    bob.join("lobby");
    bob.join("dev");
    alice.kick("dev", "bob", "be nice");
    assertThat(bobHears.of(Kicked.class))
        .containsExactly(new Kicked("dev", "bob", "alice", "~alice@10.0.0.5", "be nice"));
    assertThat(bob.rooms()).containsExactly("lobby");
    assertThat(bob.currentRoom()).isEqualTo("lobby");
    refused(Code.TARGET_NOT_IN_ROOM, () -> alice.kick("dev", "bob", null));

    // A hub operator acts as an operator of every room, from outside it.
    refused(Code.NOT_IN_ROOM, () -> root.kick("lobby", "bob", null));
    root.becomeOperator();
    root.kick("lobby", "bob", null);
    assertThat(bobHears.of(Kicked.class).get(1).reason()).isEqualTo("root");
    assertThat(bob.rooms()).isEmpty();
  }

  @Test
  void aMemberIsFoundByTheNameItHasNowInEveryRoomItIsIn() throws Exception {
    Recorder bobHears = new Recorder();
    Session alice = member("alice");
    Session bob = member("bob", bobHears);
    alice.join("dev");
    alice.join("ops");
    bob.join("dev");
    bob.join("ops");
    bob.rename("Robert");

    refused(Code.NO_SUCH_NAME, () -> alice.kick("dev", "bob", null));
    alice.changeRoom("dev", List.of(on(Setting.VOICE, "ROBERT")));
    assertThat(alice.view("dev").occupants())
        .containsExactly(new Occupant("alice", true, false), new Occupant("Robert", false, true));
    alice.kick("ops", "robert", null);
    assertThat(bobHears.of(Kicked.class))
        .containsExactly(new Kicked("ops", "Robert", "alice", "~alice@10.0.0.5", "alice"));
    assertThat(bob.rooms()).containsExactly("dev");

    // The old name is free again, for someone else, in the same rooms.
    Session newBob = member("bob");
    newBob.join("dev");
    alice.kick("dev", "bob", null);
    assertThat(alice.view("dev").occupants())
        .containsExactly(new Occupant("alice", true, false), new Occupant("Robert", false, true));
  }

  @Test
  void aRoomThatEmptiesForgetsAllButItsHistory() throws Exception {
    Recorder aliceHears = new Recorder();
    Session alice = member("alice", aliceHears);
    alice.join("dev");
    alice.setTopic("dev", "release day");
    assertThat(aliceHears.of(TopicChanged.class).get(0).topic().text()).isEqualTo("release day");
    alice.changeRoom("dev", List.of(on(Setting.KEY, "sesame"), on(Setting.SECRET, null)));
    alice.say("for the record");
    Recorder bobHears = new Recorder();
    Session bob = member("bob", bobHears);
    assertThat(bob.listRooms()).extracting(RoomView::name).doesNotContain("dev");
    assertThat(hub.rooms()).extracting(ChatHub.RoomCount::room).doesNotContain("dev");
    refused(Code.NO_SUCH_ROOM, () -> bob.view("dev"));
    alice.leave("dev");

    bob.join("dev"); // no key now, and bob runs it
    RoomView view = bob.view("dev");
    assertThat(view.settings()).isEqualTo(RoomSettings.NEW_ROOM);
    assertThat(view.topic()).isNull();
    assertThat(view.occupants()).containsExactly(new Occupant("bob", true, false));
    bob.history(10);
    assertThat(bobHears.of(ChatEvent.History.class).get(0).messages())
        .extracting(Said::text)
        .containsExactly("for the record");
  }

  @Test
  void whatOneMemberMaySeeOfAnother() throws Exception {
    Session alice = member("alice");
    Session bob = member("bob");
    Session carol = member("carol");
    alice.join("open");
    alice.join("hidden");
    alice.changeRoom("hidden", List.of(on(Setting.SECRET, null)));
    alice.setAway("lunch");
    Profile seen = bob.whois("ALICE");
    assertThat(seen.name()).isEqualTo("alice");
    assertThat(seen.away()).isEqualTo("lunch");
    assertThat(seen.origin().address()).isEqualTo("~alice@10.0.0.5");
    assertThat(seen.rooms()).extracting(Profile.RoomRole::room).containsExactly("open");

    // Hidden: nothing of its rooms to those who share none; members of a room see it there.
    alice.setInvisible(true);
    assertThat(bob.whois("alice").rooms()).isEmpty();
    assertThat(bob.view("open").occupants()).isEmpty();
    carol.join("open");
    assertThat(carol.whois("alice").rooms())
        .extracting(Profile.RoomRole::room)
        .containsExactly("open");
    assertThat(carol.view("open").occupants()).extracting(Occupant::name).contains("alice");
    assertThat(hub.invisibleCount()).isEqualTo(1);
  }

  @Test
  void namesAndRoomsFoldOnlyAsciiLetters() throws Exception {
    member("Émile");
    assertThat(hub.isNameTaken("ÉMILE")).isTrue(); // É is É in any case...
    assertThat(hub.isNameTaken("émile")).isFalse(); // ...and é another letter, as IRC's ascii has
    member("émile");
    refused(Code.NAME_TAKEN, () -> member("ALICE", new Recorder()).rename("émile"));
    assertThat(NameRules.key("Room-1.B_x")).isEqualTo("room-1.b_x");
  }

  @Test
  void masksMatchAsIrcBansDoAndNeverTakeLong() {
    assertThat(Mask.matches("*!*@10.0.0.*", "bob!~bob@10.0.0.3")).isTrue();
    assertThat(Mask.matches("BOB!*@*", "bob!line@127.0.0.1")).isTrue();
    assertThat(Mask.matches("b?b!*", "bob!x@y")).isTrue();
    assertThat(Mask.matches("b?b!*", "bb!x@y")).isFalse();
    assertThat(Mask.matches("a\\*b", "a*b")).isTrue();
    assertThat(Mask.matches("a\\*b", "axb")).isFalse();
    assertThat(Mask.matches("*", "")).isTrue();
    assertThat(Mask.matches("", "x")).isFalse();
    String hard = "*a".repeat(50) + "b";
    assertThat(Mask.matches(hard, "a".repeat(5000)))
        .isFalse(); // quadratic at worst, not exponential
  }
}
