package io.switchboard.bench.jmh;

import io.switchboard.engine.codec.LineDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * {@link LineDecoder} on the echo scenario's 64-byte lines: how many lines per second one core
 * decodes, with several lines packed in one read and with each line split across two reads (the
 * partial-line path). Run by hand (see docs/benchmarks.md), never by the test suite.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class LineDecoderBenchmark {

  /** Lines in one read. */
  @Param({"1", "16"})
  int lines;

  private ByteBuffer packed;
  private ByteBuffer firstHalf;
  private ByteBuffer secondHalf;
  private LineDecoder decoder;

  @Setup
  public void setUp() {
    byte[] line = ("switchboard echo " + "x".repeat(46) + "\n").getBytes(StandardCharsets.UTF_8);
    packed = ByteBuffer.allocate(line.length * lines);
    for (int i = 0; i < lines; i++) {
      packed.put(line);
    }
    packed.flip();
    firstHalf = ByteBuffer.wrap(line, 0, line.length / 2).slice();
    secondHalf = ByteBuffer.wrap(line, line.length / 2, line.length - line.length / 2).slice();
    decoder = new LineDecoder(64 * 1024);
  }

  @Benchmark
  public void packedLines(Blackhole hole) throws Exception {
    packed.rewind();
    decoder.decode(
        packed,
        frame -> {
          hole.consume(frame);
          return true;
        });
  }

  @Benchmark
  public void lineSplitAcrossReads(Blackhole hole) throws Exception {
    firstHalf.rewind();
    secondHalf.rewind();
    decoder.decode(
        firstHalf,
        frame -> {
          hole.consume(frame);
          return true;
        });
    decoder.decode(
        secondHalf,
        frame -> {
          hole.consume(frame);
          return true;
        });
  }
}
