package io.switchboard.chat.irc;

import io.switchboard.chat.ChatHub;
import io.switchboard.chat.ChatSettings;
import io.switchboard.chat.line.ChatServer;
import io.switchboard.engine.Limits;
import io.switchboard.engine.Server;
import io.switchboard.testkit.LineClient;
import io.switchboard.testkit.ModelVariant;
import java.util.List;
import org.junit.jupiter.api.Test;

class IrcSmokeTest {
  @Test
  void smoke() {
    ModelVariant model =
        ModelVariant.defaults().filter(m -> m.model().equals("virtual")).findFirst().orElseThrow();
    ChatHub hub = new ChatHub(ChatSettings.DEFAULT);
    try (Server irc =
            model.start(
                IrcServer.application(hub, IrcSettings.named("irc.test")), Limits.DEFAULT, 4);
        Server line = model.start(ChatServer.application(hub), Limits.DEFAULT, 4);
        LineClient alice = LineClient.connect(irc.localAddress());
        LineClient bob = LineClient.connect(line.localAddress())) {
      List<String> burst = Irc.register(alice, "alice");
      burst.forEach(System.out::println);
      bob.until(l -> l.startsWith("= joined"));
      bob.send("/nick bob");
      alice.send("JOIN #lobby");
      for (String l : Irc.upTo(alice, l -> Irc.is(l, "366"))) System.out.println(l);
      bob.send("hello alice");
      System.out.println(Irc.expect(alice, "PRIVMSG"));
      alice.send("PRIVMSG #lobby :hi bob");
      alice.send("PRIVMSG #lobby :\u0001ACTION waves\u0001");
      System.out.println(bob.readLine());
      System.out.println(bob.readLine());
      System.out.println(bob.readLine());
      alice.send("QUIT :bye");
      System.out.println(alice.untilClosed());
      System.out.println(bob.readLine());
    }
  }
}
