package io.switchboard.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one place paths go through: virtual paths fold inside the root; escapes are refused. */
class FileRootTest {
  @TempDir Path dir;

  @Test
  void virtualPathsFoldDotsAndStopAtTheTop() throws IOException {
    FileRoot root = new FileRoot(dir);
    assertThat(root.virtualPath("/", "a/./b/../c")).isEqualTo("/a/c");
    assertThat(root.virtualPath("/a/b", "..")).isEqualTo("/a");
    assertThat(root.virtualPath("/a", "../../../..")).isEqualTo("/");
    assertThat(root.virtualPath("/a", "/etc/passwd")).isEqualTo("/etc/passwd");
    assertThat(root.virtualPath("/", "name with space/ü.txt")).isEqualTo("/name with space/ü.txt");
    assertThat(root.virtualPath("/", "100%25 real")).isEqualTo("/100%25 real");
  }

  @Test
  void bytesNoHonestPathCarriesAreRefused() throws IOException {
    FileRoot root = new FileRoot(dir);
    for (String path :
        new String[] {
          "..\\x", "a\u0000b", "a\nb", "%2e%2e/x", "%2E%2e", "a%2fb", "a%5Cb", ".%2e", "bad\uFFFD"
        }) {
      assertThatThrownBy(() -> root.virtualPath("/", path))
          .as(path)
          .isInstanceOf(FileRoot.RefusedPathException.class);
    }
  }

  @Test
  void linksThatLeadOutAreRefusedAndUploadsInProgressAreInvisible() throws IOException {
    Path served = Files.createDirectories(dir.resolve("served"));
    Path outside = Files.createDirectories(dir.resolve("outside"));
    Files.createSymbolicLink(served.resolve("out"), outside);
    Files.createSymbolicLink(served.resolve("dangling"), dir.resolve("nothing"));
    Files.createDirectories(served.resolve("in"));
    Files.createSymbolicLink(served.resolve("in-link"), served.resolve("in"));
    Files.writeString(served.resolve(FileRoot.UPLOAD_PREFIX + "123"), "partial");
    FileRoot root = new FileRoot(served);

    assertThatThrownBy(() -> root.existing("/out"))
        .isInstanceOf(FileRoot.RefusedPathException.class);
    assertThatThrownBy(() -> root.creatable("/out/new"))
        .isInstanceOf(FileRoot.RefusedPathException.class);
    assertThatThrownBy(() -> root.existing("/dangling"))
        .isInstanceOf(FileRoot.RefusedPathException.class);
    assertThat(root.directory("/in-link")).isEqualTo(served.toRealPath().resolve("in-link"));
    assertThatThrownBy(() -> root.existing("/" + FileRoot.UPLOAD_PREFIX + "123"))
        .isInstanceOf(java.nio.file.NoSuchFileException.class);
    assertThatThrownBy(() -> root.creatable("/" + FileRoot.UPLOAD_PREFIX + "x"))
        .isInstanceOf(FileRoot.RefusedPathException.class);
    assertThat(new String(Listing.of(served, Listing.Form.NLST, true).bytes()))
        .doesNotContain(FileRoot.UPLOAD_PREFIX);
  }
}
