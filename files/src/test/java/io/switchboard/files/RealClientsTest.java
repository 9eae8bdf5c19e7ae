package io.switchboard.files;

import static io.switchboard.files.FtpClients.randomFile;
import static io.switchboard.files.FtpClients.sha256;
import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.testkit.Await;
import io.switchboard.testkit.ModelVariant;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The clients people already have, run for real (installed by tools/ensure-packages): curl, lftp
 * and Python's ftplib list, upload and download a 10 MB file with matching checksums, resume,
 * rename, delete, make and remove directories, all with names that hold spaces; a wrong password is
 * refused; a curl killed with SIGKILL in the middle of an upload leaves nothing under the name; 20
 * curls at once.
 *
 * <p>Two models, not all: a blocking one ({@code virtual}) and an event loop ({@code reactor}).
 * Every case here starts client processes and moves megabytes, and {@link FilesConformanceTest}
 * already runs the same protocol paths (control, passive data servers, uploads, aborts) on every
 * model; these cases prove the real clients' habits (EPSV then PASV, SIZE before RETR, FEAT and
 * AUTH TLS before login, REST for resuming, LIST parsing) against both kinds of engine.
 */
class RealClientsTest {
  private static final int TEN_MB = 10 * 1024 * 1024;

  @TempDir Path dir;
  private Path local;
  private FtpFixture ftp;

  static Stream<ModelVariant> representative() {
    return ModelVariant.defaults().filter(m -> List.of("virtual", "reactor").contains(m.model()));
  }

  @BeforeEach
  void local() throws IOException {
    local = Files.createDirectories(dir.resolve("local"));
  }

  @AfterEach
  void stop() {
    if (ftp != null) {
      ftp.close();
    }
  }

  private FtpFixture start(ModelVariant model, int clients) {
    ftp = FtpFixture.start(model, dir.resolve("server"), clients, s -> s);
    return ftp;
  }

  /** A finished client process: exit code and both outputs. */
  record Run(int exit, String out, String err) {
    @Override
    public String toString() {
      return "exit " + exit + "\nstdout: " + out + "\nstderr: " + err;
    }
  }

  static Run run(List<String> command) {
    try {
      Process process = new ProcessBuilder(command).start();
      process.getOutputStream().close();
      CompletableFuture<String> out = read(process.getInputStream());
      CompletableFuture<String> err = read(process.getErrorStream());
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("timed out: " + command);
      }
      return new Run(process.exitValue(), out.join(), err.join());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static CompletableFuture<String> read(java.io.InputStream stream) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        },
        run -> Thread.ofVirtual().start(run));
  }

  private List<String> curl(String... arguments) {
    List<String> command = new ArrayList<>(List.of("curl", "-sS", "--max-time", "60", "-u"));
    command.add(FtpFixture.USER + ":" + FtpFixture.PASSWORD);
    command.addAll(Arrays.asList(arguments));
    return command;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("representative")
  void curlListsUploadsDownloadsResumesRenamesAndDeletes(ModelVariant model) throws IOException {
    start(model, 1);
    Path big = randomFile(local.resolve("big.bin"), TEN_MB, 10);
    String url = ftp.url("dir%20with%20space/my%20file.bin");

    Run upload = run(curl("--ftp-create-dirs", "-T", big.toString(), url));
    assertThat(upload.exit()).as(upload.toString()).isZero();
    assertThat(sha256(ftp.root.resolve("dir with space/my file.bin"))).isEqualTo(sha256(big));

    Run list = run(curl(ftp.url("dir%20with%20space/")));
    // curl turns the listing's CRLF (an ASCII transfer) into the local line end.
    assertThat(list.out()).as(list.toString()).contains(TEN_MB + " ").endsWith(" my file.bin\n");
    Run names = run(curl("--list-only", ftp.url("dir%20with%20space/")));
    assertThat(names.out()).isEqualTo("my file.bin\n");

    Path downloaded = local.resolve("downloaded.bin");
    Run download = run(curl("-o", downloaded.toString(), url));
    assertThat(download.exit()).as(download.toString()).isZero();
    assertThat(sha256(downloaded)).isEqualTo(sha256(big));

    // Resume: a partial copy grows to the whole file (REST, then RETR of the rest).
    Path partial = local.resolve("partial.bin");
    Files.write(partial, Arrays.copyOf(Files.readAllBytes(big), 3_000_000));
    Run resume = run(curl("-C", "-", "-o", partial.toString(), url));
    assertThat(resume.exit()).as(resume.toString()).isZero();
    assertThat(sha256(partial)).isEqualTo(sha256(big));

    Run rename =
        run(
            curl(
                "-Q",
                "RNFR dir with space/my file.bin",
                "-Q",
                "RNTO dir with space/renamed file.bin",
                "-Q",
                "MKD new dir",
                ftp.url("")));
    assertThat(rename.exit()).as(rename.toString()).isZero();
    assertThat(ftp.root.resolve("dir with space/renamed file.bin")).exists();
    assertThat(ftp.root.resolve("new dir")).isDirectory();
    Run delete =
        run(
            curl(
                "-Q",
                "DELE dir with space/renamed file.bin",
                "-Q",
                "RMD dir with space",
                "-Q",
                "RMD new dir",
                ftp.url("")));
    assertThat(delete.exit()).as(delete.toString()).isZero();
    try (var left = Files.list(ftp.root)) {
      assertThat(left).extracting(p -> p.getFileName().toString()).containsExactly("escape");
    }

    Run wrong = run(List.of("curl", "-sS", "-u", FtpFixture.USER + ":wrong", ftp.url("")));
    assertThat(wrong.exit()).as("curl's 'login denied'").isEqualTo(67);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("representative")
  void lftpListsUploadsDownloadsResumesRenamesAndDeletes(ModelVariant model) throws IOException {
    start(model, 1);
    Path big = randomFile(local.resolve("big.bin"), TEN_MB, 11);
    Path downloaded = local.resolve("downloaded.bin");
    Path partial = local.resolve("partial.bin");
    Files.write(partial, Arrays.copyOf(Files.readAllBytes(big), 4_000_000));

    Run session =
        lftp(
            "mkdir 'dir with space'",
            "cd 'dir with space'",
            "put " + big + " -o 'my file.bin'",
            "cls -1",
            "ls",
            "get 'my file.bin' -o " + downloaded,
            "get -c 'my file.bin' -o " + partial,
            "mv 'my file.bin' 'renamed file.bin'",
            "cls -1");
    assertThat(session.exit()).as(session.toString()).isZero();
    assertThat(
            sha256(
                ftp.root.resolve("dir with space/my file.bin").resolveSibling("renamed file.bin")))
        .isEqualTo(sha256(big));
    assertThat(sha256(downloaded)).isEqualTo(sha256(big));
    assertThat(sha256(partial)).as("resumed with REST").isEqualTo(sha256(big));
    assertThat(session.out())
        .as("cls, ls, cls")
        .contains("my file.bin\n")
        .contains(TEN_MB + " ")
        .contains("renamed file.bin\n");

    Run cleanup = lftp("rm 'dir with space/renamed file.bin'", "rmdir 'dir with space'");
    assertThat(cleanup.exit()).as(cleanup.toString()).isZero();
    try (var left = Files.list(ftp.root)) {
      assertThat(left).extracting(p -> p.getFileName().toString()).containsExactly("escape");
    }

    Run wrong =
        run(
            List.of(
                "lftp",
                "-c",
                "set net:max-retries 1; open -u "
                    + FtpFixture.USER
                    + ",wrong -p "
                    + ftp.port()
                    + " 127.0.0.1; ls"));
    assertThat(wrong.exit()).as(wrong.toString()).isNotZero();
    assertThat(wrong.err()).contains("Login incorrect");
  }

  /** Runs lftp commands in one session, stopping at the first that fails. */
  private Run lftp(String... commands) {
    String script =
        "set cmd:fail-exit yes; set net:max-retries 1; open -u '"
            + FtpFixture.USER
            + ","
            + FtpFixture.PASSWORD
            + "' -p "
            + ftp.port()
            + " 127.0.0.1; "
            + String.join("; ", commands);
    return run(List.of("lftp", "-c", script));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("representative")
  void pythonsFtplibWorks(ModelVariant model) throws IOException {
    start(model, 1);
    Path file = randomFile(local.resolve("file.bin"), 2_000_000, 12);
    String script =
        String.join(
            "\n",
            "import ftplib, hashlib, io, sys",
            "ftp = ftplib.FTP()",
            "ftp.connect('127.0.0.1', " + ftp.port() + ")",
            "ftp.login('" + FtpFixture.USER + "', '" + FtpFixture.PASSWORD + "')",
            "print(ftp.mkd('py dir'))",
            "ftp.cwd('py dir')",
            "with open(sys.argv[1], 'rb') as f: print(ftp.storbinary('STOR up load.bin', f))",
            "print(ftp.nlst())",
            "out = io.BytesIO()",
            "print(ftp.retrbinary('RETR up load.bin', out.write))",
            "print('sha256', hashlib.sha256(out.getvalue()).hexdigest())",
            "print(ftp.size('up load.bin'))",
            "print(ftp.rename('up load.bin', 'moved.bin'))",
            "print(ftp.delete('moved.bin'))",
            "ftp.cwd('..')",
            "print(ftp.rmd('py dir'))",
            "try:",
            "    ftplib.FTP().connect('127.0.0.1', " + ftp.port() + ") and None",
            "except Exception as e: print(e)",
            "bad = ftplib.FTP()",
            "bad.connect('127.0.0.1', " + ftp.port() + ")",
            "try:",
            "    bad.login('" + FtpFixture.USER + "', 'wrong')",
            "except ftplib.error_perm as e: print('refused', e)",
            "ftp.quit()");
    Run python = run(List.of("python3", "-c", script, file.toString()));
    assertThat(python.exit()).as(python.toString()).isZero();
    assertThat(python.out())
        .contains("/py dir")
        .contains("226 Transfer complete.")
        .contains("['up load.bin']")
        .contains("sha256 " + sha256(file))
        .contains("2000000")
        .contains("250 Rename successful.")
        .contains("250 Delete operation successful.")
        .contains("refused 530 Login incorrect.");
    assertThat(ftp.leftovers()).isZero();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("representative")
  void aCurlKilledMidUploadLeavesNothingUnderItsName(ModelVariant model) throws Exception {
    start(model, 1);
    Process curl =
        new ProcessBuilder(curl("-T", "-", ftp.url("killed.bin")))
            .redirectErrorStream(true)
            .start();
    try {
      OutputStream stdin = curl.getOutputStream();
      stdin.write(FtpClients.randomBytes(2_000_000, 13));
      stdin.flush(); // and stays open: curl waits for more, mid-upload
      Await.until("the upload is under way", () -> ftp.leftovers() == 1);
      curl.destroyForcibly(); // SIGKILL: its data and control connections end together
      assertThat(curl.waitFor(10, TimeUnit.SECONDS)).isTrue();
      Await.until("the half upload is deleted", () -> ftp.leftovers() == 0);
      assertThat(ftp.root.resolve("killed.bin")).doesNotExist();
    } finally {
      curl.destroyForcibly();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("representative")
  void twentyCurlsAtOnce(ModelVariant model) throws Exception {
    int clients = 20;
    start(model, clients);
    List<Process> uploads = new ArrayList<>();
    List<Path> files = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      Path file = randomFile(local.resolve("file " + i + ".bin"), 500_000 + i, 100 + i);
      files.add(file);
      uploads.add(
          new ProcessBuilder(curl("-T", file.toString(), ftp.url("file%20" + i + ".bin")))
              .redirectErrorStream(true)
              .start());
    }
    for (Process upload : uploads) {
      assertThat(upload.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(upload.exitValue())
          .as(new String(upload.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
          .isZero();
    }
    List<Process> downloads = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      downloads.add(
          new ProcessBuilder(
                  curl(
                      "-o", local.resolve("back " + i).toString(), ftp.url("file%20" + i + ".bin")))
              .redirectErrorStream(true)
              .start());
    }
    for (int i = 0; i < clients; i++) {
      assertThat(downloads.get(i).waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(downloads.get(i).exitValue()).isZero();
      assertThat(sha256(local.resolve("back " + i))).isEqualTo(sha256(files.get(i)));
      assertThat(sha256(ftp.root.resolve("file " + i + ".bin"))).isEqualTo(sha256(files.get(i)));
    }
  }
}
