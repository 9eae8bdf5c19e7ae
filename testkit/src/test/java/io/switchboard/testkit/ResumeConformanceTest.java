package io.switchboard.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.engine.Application;
import io.switchboard.engine.Connection;
import io.switchboard.engine.FrameException;
import io.switchboard.engine.Handler;
import io.switchboard.engine.Limits;
import io.switchboard.engine.Server;
import io.switchboard.engine.codec.LineDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Frames kept while reading was paused are handed out when reading resumes, whenever the resume
 * comes: here it comes before the model's reader has even looked at the pause (the handler pauses
 * in {@code received} and resumes in the {@code writabilityChanged} that its own big send raised,
 * which runs right after {@code received} returns). A client that pipelines two lines and waits for
 * both answers must get both, on every model. (A web server pauses while answers back up and
 * resumes as they drain: without this, pipelined requests were stranded in the decoder.)
 */
class ResumeConformanceTest {

  /** {@code BIG}: a reply past the high-water mark, then pause; any other line: echoed. */
  private static final class PauseThenResume implements Handler<String> {
    @Override
    public void received(Connection connection, String line) {
      if (line.equals("BIG")) {
        connection.send(
            ByteBuffer.wrap(("x".repeat(100 * 1024) + "\n").getBytes(StandardCharsets.US_ASCII)));
        connection.pauseReading();
      } else {
        connection.send(line + "\n");
      }
    }

    @Override
    public void writabilityChanged(Connection connection) {
      connection.resumeReading();
    }

    @Override
    public void malformed(Connection connection, FrameException error) {
      connection.abort();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.switchboard.testkit.ModelVariant#all")
  void framesKeptWhilePausedAreHandedOutWhenReadingResumes(ModelVariant variant) {
    Application<String> app =
        new Application<>(
            "pause-then-resume", LineDecoder::new, new PauseThenResume(), ByteBuffer.allocate(0));
    try (Server server = variant.start(app, Limits.DEFAULT);
        LineClient client = LineClient.connect(server.localAddress())) {
      client.write("BIG\nping\n".getBytes(StandardCharsets.US_ASCII));
      assertThat(client.readLine()).hasSize(100 * 1024);
      assertThat(client.readLine()).isEqualTo("ping");
    }
  }
}
