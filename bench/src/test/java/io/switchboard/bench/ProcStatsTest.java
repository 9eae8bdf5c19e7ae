package io.switchboard.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ProcStatsTest {

  @Test
  void cpuTimeIsUtimePlusStimeCountedFromTheLastParenthesis() {
    // A command name with spaces and parentheses must not shift the fields.
    String stat =
        "4242 (java (x) y) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 30 0"
            + " 12345 1000000 2000 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0";

    assertThat(ProcStats.cpuSecondsFromStat(stat, 100)).isEqualTo(3.0);
  }

  @Test
  void statusFieldsAreReadByName() {
    String status =
        """
        Name:\tjava
        State:\tS (sleeping)
        VmPeak:\t  999 kB
        VmRSS:\t   51200 kB
        Threads:\t17
        SigQ:\t0/95000
        """;

    assertThat(ProcStats.statusField(status, "VmRSS")).isEqualTo(51_200);
    assertThat(ProcStats.statusField(status, "Threads")).isEqualTo(17);
    assertThatThrownBy(() -> ProcStats.statusField(status, "VmSwap"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void readsThisProcess() throws Exception {
    assumeTrue(ProcStats.available(), "needs /proc");

    ProcStats self = ProcStats.self();

    assertThat(self.rssBytes()).isGreaterThan(1 << 20);
    assertThat(self.threads()).isGreaterThan(1);
    assertThat(self.cpuSeconds()).isGreaterThan(0);
  }

  /**
   * A forking server's sessions end all the time; one that has ended but is not reaped yet (a
   * zombie) has no VmRSS line, and must count as nothing rather than fail the trial. Here {@code
   * sh} forks a child that exits at once, then becomes {@code sleep}, which never reaps it.
   */
  @Test
  void aTreeWithAZombieInItIsRead() throws Exception {
    assumeTrue(ProcStats.available(), "needs /proc");
    Process parent = new ProcessBuilder("sh", "-c", "true & exec sleep 30").start();
    try {
      // The child can end before sh has become sleep: wait for both, so the parent's memory is
      // settled when it is read.
      long deadline = System.nanoTime() + 20_000_000_000L;
      while (!isSleep(parent.pid())
          || parent.descendants().noneMatch(child -> isZombie(child.pid()))) {
        assertThat(System.nanoTime())
            .as("sleep with a zombie child within 20 s")
            .isLessThan(deadline);
        Thread.onSpinWait();
      }

      long before = ProcStats.read(parent.pid()).rssBytes();
      ProcStats tree = ProcStats.tree(parent.pid());
      long after = ProcStats.read(parent.pid()).rssBytes();

      assertThat(tree.threads()).isGreaterThanOrEqualTo(2); // sleep's, and the zombie's one
      assertThat(tree.rssBytes()) // the zombie adds nothing
          .isBetween(Math.min(before, after), Math.max(before, after));
    } finally {
      parent.destroyForcibly().waitFor();
    }
  }

  /**
   * CPU spent by a grandchild that has ended counts while its parent lives: here {@code sh} (the
   * root) runs a second {@code sh} that forks a child burning one second of CPU ({@code ulimit -t}
   * ends it there), waits for it, then waits on {@code sleep}. Without the middle process's cutime,
   * that second is missing from the tree until the middle process ends.
   */
  @Test
  void aTreeCountsWhatItsLiveProcessesHaveReaped() throws Exception {
    assumeTrue(ProcStats.available(), "needs /proc");
    Process root =
        new ProcessBuilder(
                "sh", "-c", "sh -c '(ulimit -t 1; while :; do :; done); sleep 30' & wait")
            .start();
    try {
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (root.descendants().noneMatch(process -> isSleep(process.pid()))) {
        assertThat(System.nanoTime())
            .as("the burner done and sleep started within 30 s")
            .isLessThan(deadline);
        Thread.onSpinWait();
      }

      assertThat(ProcStats.tree(root.pid()).cpuSeconds()).isGreaterThanOrEqualTo(0.9);
    } finally {
      root.descendants().forEach(ProcessHandle::destroyForcibly);
      root.destroyForcibly().waitFor();
    }
  }

  private static boolean isSleep(long pid) {
    try {
      return Files.readString(Path.of("/proc", Long.toString(pid), "comm")).trim().equals("sleep");
    } catch (IOException e) {
      return false;
    }
  }

  private static boolean isZombie(long pid) {
    try {
      return Files.readString(Path.of("/proc", Long.toString(pid), "status")).contains("State:\tZ");
    } catch (IOException e) {
      return false;
    }
  }
}
