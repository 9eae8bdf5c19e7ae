package io.switchboard.files;

import static io.switchboard.files.FtpClients.loggedIn;
import static io.switchboard.files.FtpClients.quietly;
import static io.switchboard.files.FtpClients.randomBytes;
import static io.switchboard.files.FtpClients.sha256;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.switchboard.testkit.Await;
import io.switchboard.testkit.LargeFiles;
import io.switchboard.testkit.ModelVariant;
import io.switchboard.testkit.TcpStates;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.commons.net.ftp.FTPClient;
import org.apache.commons.net.ftp.FTPFile;
import org.apache.commons.net.ftp.FTPReply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The file server's protocol, checked on every registered model and variant (the conformance
 * suites' pattern), with Apache Commons Net as the client: a whole session's commands and replies,
 * every traversal form on every command that takes a path, the login rules, anonymous read-only
 * access, ABOR and a dropped control connection during an upload, and 20 clients at once.
 *
 * <p>The real clients (curl, lftp, ftplib) run in {@link RealClientsTest} on two representative
 * models only: a blocking one and an event loop. Each of their runs costs processes and seconds,
 * and what differs between models (who reads, who writes, how the data server is served) is what
 * this suite already exercises on all of them.
 */
class FilesConformanceTest {
  @TempDir Path dir;
  private final List<AutoCloseable> resources = new ArrayList<>();

  @AfterEach
  void release() throws Exception {
    for (AutoCloseable resource : resources.reversed()) {
      resource.close();
    }
  }

  private FtpFixture start(ModelVariant model) {
    return keep(FtpFixture.start(model, dir));
  }

  private <T extends AutoCloseable> T keep(T resource) {
    resources.add(resource);
    return resource;
  }

  private FtpClients.Client client(FtpFixture ftp) throws IOException {
    FtpClients.Client client = loggedIn(ftp);
    resources.add(() -> quietly(client));
    return client;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.switchboard.testkit.ModelVariant#all")
  void aSessionDoesWhatTheRfcsSay(ModelVariant model) throws IOException {
    FtpFixture ftp = start(model);
    FTPClient client = client(ftp);

    assertThat(client.printWorkingDirectory()).isEqualTo("/");
    assertThat(client.features()).isTrue();
    assertThat(client.getReplyStrings())
        .contains(" EPSV", " PASV", " SIZE", " MDTM", " REST STREAM", " UTF8")
        .doesNotContain(" EPRT"); // active mode is off: FEAT lists exactly what works
    assertThat(client.makeDirectory("a dir")).isTrue();
    assertThat(client.getReplyString()).startsWith("257 \"/a dir\" created");
    assertThat(client.changeWorkingDirectory("a dir")).isTrue();
    assertThat(client.printWorkingDirectory()).isEqualTo("/a dir");

    byte[] content = randomBytes(1_000_003, 1);
    assertThat(client.storeFile("file with spaces.bin", new ByteArrayInputStream(content)))
        .as(client.getReplyString())
        .isTrue();
    assertThat(Files.readAllBytes(ftp.root.resolve("a dir/file with spaces.bin")))
        .isEqualTo(content);
    ByteArrayOutputStream downloaded = new ByteArrayOutputStream();
    assertThat(client.retrieveFile("file with spaces.bin", downloaded)).isTrue();
    assertThat(sha256(downloaded.toByteArray())).isEqualTo(sha256(content));

    assertThat(client.sendCommand("SIZE", "file with spaces.bin")).isEqualTo(213);
    assertThat(client.getReplyString().strip()).isEqualTo("213 " + content.length);
    client.setFileType(org.apache.commons.net.ftp.FTP.ASCII_FILE_TYPE);
    assertThat(client.sendCommand("SIZE", "file with spaces.bin"))
        .as("SIZE in TYPE A")
        .isEqualTo(213);
    client.setFileType(org.apache.commons.net.ftp.FTP.BINARY_FILE_TYPE);
    assertThat(client.getModificationTime("file with spaces.bin")).matches("\\d{14}");

    FTPFile[] listed = client.listFiles();
    assertThat(listed).extracting(FTPFile::getName).containsExactly("file with spaces.bin");
    assertThat(listed[0].getSize()).isEqualTo(content.length);
    FTPFile[] facts = client.mlistDir();
    assertThat(facts).extracting(FTPFile::getName).containsExactly("file with spaces.bin");
    assertThat(client.listNames()).containsExactly("file with spaces.bin");
    assertThat(client.mlistFile("file with spaces.bin").getSize()).isEqualTo(content.length);

    // Resume a download from an offset (REST then RETR).
    client.setRestartOffset(600_000);
    ByteArrayOutputStream rest = new ByteArrayOutputStream();
    assertThat(client.retrieveFile("file with spaces.bin", rest)).isTrue();
    assertThat(rest.toByteArray()).isEqualTo(Arrays.copyOfRange(content, 600_000, content.length));
    // Resume an upload: APPE adds to the end, in place.
    assertThat(client.appendFile("file with spaces.bin", new ByteArrayInputStream(new byte[] {7})))
        .isTrue();
    assertThat(Files.size(ftp.root.resolve("a dir/file with spaces.bin")))
        .isEqualTo(content.length + 1L);

    assertThat(client.rename("file with spaces.bin", "renamed.bin")).isTrue();
    assertThat(client.listNames()).containsExactly("renamed.bin");
    assertThat(client.deleteFile("renamed.bin")).isTrue();
    assertThat(client.listNames()).isEmpty();
    assertThat(client.changeToParentDirectory()).isTrue();
    assertThat(client.printWorkingDirectory()).isEqualTo("/");
    assertThat(client.removeDirectory("a dir")).isTrue();
    assertThat(ftp.root.resolve("a dir")).doesNotExist();

    assertThat(client.sendCommand("XYZZY")).as("unknown command").isEqualTo(502);
    assertThat(client.sendCommand("RNTO", "x")).as("RNTO without RNFR").isEqualTo(503);
    assertThat(client.sendCommand("TYPE", "E")).isEqualTo(504);
    assertThat(client.sendCommand("MODE", "S")).isEqualTo(200);
    assertThat(client.sendCommand("STRU", "F")).isEqualTo(200);
    assertThat(client.sendCommand("PORT", "127,0,0,1,200,10")).as("active mode off").isEqualTo(502);
    assertThat(client.sendCommand("ABOR")).as("no transfer to abort").isEqualTo(225);
    assertThat(client.sendCommand("RETR", "missing")).isEqualTo(550);
    assertThat(client.sendCommand("CWD", "../../..")).as("CWD above the root").isEqualTo(250);
    assertThat(client.printWorkingDirectory()).isEqualTo("/");
    assertThat(client.sendCommand("QUIT")).isEqualTo(221);
    assertThat(ftp.leftovers()).isZero();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.switchboard.testkit.ModelVariant#all")
  void everyTraversalFormIsRefusedOnEveryCommand(ModelVariant model) throws IOException {
    FtpFixture ftp = start(model);
    FTPClient client = client(ftp);
    Files.writeString(ftp.root.resolve("inside.txt"), "inside\n");
    String real =
        ftp.outside.toString(); // an absolute path of this machine: inside the root, FTP-wise
    List<String> directories =
        List.of(
            "../outside",
            "../../outside",
            "/../outside",
            "..\\outside",
            "%2e%2e/outside",
            "%2E%2E%2Foutside",
            "..%2foutside",
            "escape",
            "escape/",
            real);
    List<String> pathCommands =
        List.of("RETR", "SIZE", "MDTM", "MLST", "DELE", "RNFR", "RMD", "STOR", "APPE", "MKD");
    List<String> listings = List.of("LIST", "NLST", "MLSD");
    List<String> failures = new ArrayList<>();
    for (String directory : directories) {
      String file = directory.endsWith("/") ? directory + "secret.txt" : directory + "/secret.txt";
      for (String command : pathCommands) {
        int code = client.sendCommand(command, file);
        if (code < 500) {
          failures.add(command + " " + file + " -> " + client.getReplyString().strip());
        }
      }
      for (String command : listings) {
        for (String path : List.of(directory, file)) {
          assertThat(client.sendCommand("PASV")).isEqualTo(227);
          int code = client.sendCommand(command, path);
          if (code < 500) {
            failures.add(command + " " + path + " -> " + client.getReplyString().strip());
          }
        }
      }
      int cwd = client.sendCommand("CWD", directory);
      if (cwd < 500 || !client.printWorkingDirectory().equals("/")) {
        failures.add("CWD " + directory + " -> " + cwd + ", PWD " + client.printWorkingDirectory());
      }
      assertThat(client.sendCommand("RNFR", "inside.txt")).isEqualTo(350);
      if (client.sendCommand("RNTO", file) < 500) {
        failures.add("RNTO " + file + " -> " + client.getReplyString().strip());
      }
    }
    assertThat(failures).as("commands that did not refuse a path leading out").isEmpty();
    try (var outside = Files.list(ftp.outside)) {
      assertThat(outside).extracting(p -> p.getFileName().toString()).containsExactly("secret.txt");
    }
    assertThat(Files.readString(ftp.outside.resolve("secret.txt")))
        .isEqualTo("the outside secret\n");
    assertThat(Files.readString(ftp.root.resolve("inside.txt"))).isEqualTo("inside\n");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.switchboard.testkit.ModelVariant#all")
  void loginRulesHold(ModelVariant model) throws IOException {
    FtpFixture ftp = start(model);
    FTPClient anonymous = FtpClients.connect(ftp.address());
    resources.add(() -> quietly(anonymous));

    assertThat(anonymous.sendCommand("SYST")).isEqualTo(215);
    assertThat(anonymous.sendCommand("FEAT")).isEqualTo(211);
    for (String command : List.of("PWD", "CWD /", "LIST", "RETR x", "STOR x", "PASV", "MKD x")) {
      assertThat(anonymous.sendCommand(command)).as(command + " before login").isEqualTo(530);
    }
    assertThat(anonymous.sendCommand("AUTH", "TLS")).as("lftp's AUTH TLS: a 5xx").isEqualTo(502);
    assertThat(anonymous.sendCommand("PASS", "x")).as("PASS before USER").isEqualTo(503);
    assertThat(anonymous.login("anonymous", "me@example.com")).as("anonymous is off").isFalse();
    assertThat(anonymous.login(FtpFixture.USER, "wrong")).isFalse();
    assertThat(anonymous.getReplyCode()).isEqualTo(530);
    assertThat(anonymous.login("nobody", "wrong")).isFalse();
    // The third failure (max_login_fails) ends the connection after its 530.
    assertThat(anonymous.isConnected()).isTrue();
    Await.until(
        "the server hangs up",
        () -> {
          try {
            return anonymous.sendCommand("NOOP") == FTPReply.SERVICE_NOT_AVAILABLE
                || !anonymous.isConnected();
          } catch (IOException e) {
            return true;
          }
        });

    FTPClient good = client(ftp);
    assertThat(good.printWorkingDirectory()).isEqualTo("/");
    assertThat(good.sendCommand("USER", "someone-else")).isEqualTo(530);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.switchboard.testkit.ModelVariant#all")
  void anonymousMayOnlyReadWhenAllowed(ModelVariant model) throws IOException {
    FtpFixture ftp =
        keep(
            FtpFixture.start(
                model, dir, 1, s -> s.withAnonymous(FilesSettings.Anonymous.READ_ONLY)));
    Files.writeString(ftp.root.resolve("public.txt"), "for everyone\n");
    FTPClient client = FtpClients.connect(ftp.address());
    resources.add(() -> quietly(client));
    assertThat(client.login("anonymous", "guest@example.com")).isTrue();
    client.enterLocalPassiveMode();
    ByteArrayOutputStream read = new ByteArrayOutputStream();
    assertThat(client.retrieveFile("public.txt", read)).isTrue();
    assertThat(read.toString(StandardCharsets.UTF_8)).isEqualTo("for everyone\n");
    for (String command :
        List.of(
            "STOR new.txt",
            "APPE public.txt",
            "MKD d",
            "RMD escape",
            "DELE public.txt",
            "RNFR public.txt")) {
      assertThat(client.sendCommand(command)).as(command).isEqualTo(550);
    }
    assertThat(client.sendCommand("MLST", "public.txt")).isEqualTo(250);
    assertThat(client.getReplyString()).contains("perm=r;");
    try (var files = Files.list(ftp.root)) {
      assertThat(files).hasSize(2); // public.txt and the escape link, nothing new
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.switchboard.testkit.ModelVariant#all")
  void anUploadThatDoesNotCompleteLeavesNothing(ModelVariant model) throws Exception {
    FtpFixture ftp = start(model);
    FTPClient client = client(ftp);

    // ABOR in the middle of a STOR: 426 for the transfer, 226 for the ABOR, no file.
    OutputStream upload = client.storeFileStream("aborted.bin");
    assertThat(upload).as(client.getReplyString()).isNotNull();
    upload.write(randomBytes(200_000, 2));
    upload.flush();
    Await.until("the upload is being written", () -> ftp.leftovers() == 1);
    assertThat(client.sendCommand("ABOR")).as("the transfer's reply").isEqualTo(426);
    assertThat(client.getReply()).as("the ABOR's own reply").isEqualTo(226);
    upload.close();
    Await.until("the aborted upload is deleted", () -> ftp.leftovers() == 0);
    assertThat(ftp.root.resolve("aborted.bin")).doesNotExist();
    assertThat(client.sendCommand("NOOP")).as("the session goes on").isEqualTo(200);
    client.logout(); // iterative serves the next client once this one is gone
    client.disconnect();

    // The data ends cleanly but the control connection is gone: a killed client. Nothing stays.
    FtpClients.Client killed = client(ftp);
    OutputStream data = killed.storeFileStream("killed.bin");
    data.write(randomBytes(100_000, 3));
    data.flush();
    Await.until("the second upload is being written", () -> ftp.leftovers() == 1);
    killed.dropControl();
    data.close();
    Await.until("the orphaned upload is deleted", () -> ftp.leftovers() == 0);
    assertThat(ftp.root.resolve("killed.bin")).doesNotExist();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.switchboard.testkit.ModelVariant#all")
  void twentyClientsAtOnce(ModelVariant model) throws Exception {
    assumeTrue(model.concurrent(), "serves one client at a time: nothing to run at once");
    int clients = 20;
    FtpFixture ftp = keep(FtpFixture.start(model, dir, clients, s -> s));
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    resources.add(pool::shutdownNow);
    CountDownLatch together = new CountDownLatch(clients);
    List<Future<String>> results = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      int index = i;
      results.add(
          pool.submit(
              () -> {
                FTPClient client = loggedIn(ftp);
                try {
                  together.countDown();
                  together.await(20, TimeUnit.SECONDS); // all logged in before anyone transfers
                  byte[] content = randomBytes(300_000 + index, 100 + index);
                  String name = "client " + index + ".bin";
                  if (!client.storeFile(name, new ByteArrayInputStream(content))) {
                    return name + ": " + client.getReplyString();
                  }
                  ByteArrayOutputStream back = new ByteArrayOutputStream();
                  if (!client.retrieveFile(name, back)
                      || !sha256(back.toByteArray()).equals(sha256(content))) {
                    return name + ": download differs";
                  }
                  return "ok";
                } finally {
                  client.logout();
                  quietly(client);
                }
              }));
    }
    for (Future<String> result : results) {
      assertThat(result.get(60, TimeUnit.SECONDS)).isEqualTo("ok");
    }
    try (var files = Files.list(ftp.root)) {
      assertThat(files).hasSize(clients + 1); // and the escape link
    }
  }

  /**
   * Downloads whose clients read nothing fill their sockets; the server's writers must then wait,
   * not spin: one more than there are cores, so that on {@code virtual} writers spinning on every
   * carrier thread would leave none for another session (on a virtual thread {@code transferTo}
   * returns 0 on a full socket instead of waiting). Another client logs in, lists and downloads
   * meanwhile.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("io.switchboard.testkit.ModelVariant#all")
  void downloadsNobodyReadsDoNotStallOtherSessions(ModelVariant model) throws Exception {
    assumeTrue(model.concurrent(), "serves one client at a time: nothing to run at once");
    assumeTrue(TcpStates.available(), "needs the kernel's socket table");
    int stalled = Runtime.getRuntime().availableProcessors() + 1;
    FtpFixture ftp = keep(FtpFixture.start(model, dir, stalled + 1, s -> s));
    // More than the data queue's cap and both sockets' buffers: the writer meets a full socket.
    LargeFiles.write(ftp.root.resolve("large.bin"), 48L << 20);
    List<Integer> dataPorts = new ArrayList<>();
    for (int i = 0; i < stalled; i++) {
      FtpClients.Client client = client(ftp);
      resources.add(client.retrieveFileStream("large.bin")); // opened, never read
      dataPorts.add(client.getPassivePort());
    }
    Await.steady(
        "the stalled downloads' unread bytes",
        () -> dataPorts.stream().mapToLong(TcpStates::unread).sum(),
        Duration.ofMillis(300));

    ExecutorService pool = Executors.newSingleThreadExecutor();
    resources.add(pool::shutdownNow);
    Future<String> other =
        pool.submit(
            () -> {
              FTPClient client = client(ftp);
              Files.writeString(ftp.root.resolve("small.txt"), "small\n");
              ByteArrayOutputStream back = new ByteArrayOutputStream();
              boolean listed = client.listNames() != null;
              boolean got = client.retrieveFile("small.txt", back);
              return listed + " " + got + " " + back.toString(StandardCharsets.UTF_8).trim();
            });
    assertThat(other.get(20, TimeUnit.SECONDS)).isEqualTo("true true small");
  }
}
