package io.switchboard.files;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * A file of user names and password hashes, one {@code name:hash} per line, as {@code htpasswd}
 * keeps them. It knows nothing of FTP: the file server checks logins with it, and any other front
 * that needs named users with passwords (IRC operators) reads the same file and is fed by the same
 * {@code switchboard files adduser} command.
 *
 * <p>Hashes are salted and deliberately slow, made by Bouncy Castle: Argon2id in the PHC string
 * form ({@code $argon2id$v=19$m=19456,t=2,p=1$salt$hash}, OWASP's parameters, the same text the
 * {@code argon2} tool and most libraries write), so the cost travels with each hash and can be
 * raised later without breaking old lines. Lines in bcrypt form ({@code $2y$...}, as {@code
 * htpasswd -B} writes them) are verified too. Nothing here is a home-made hash: the two functions
 * and their encodings are the libraries' and the formats' own.
 *
 * <p>The file is refused if other users may read or write it (its hashes are worth guessing
 * offline), and rewritten atomically: a new file in the same directory, readable by its owner only,
 * moved over the old one, so a reader sees the old users or the new, never half a file.
 *
 * <p>Thread contract: immutable; any thread. {@link #verify} costs tens of milliseconds of CPU by
 * design, so callers on an event loop run it elsewhere.
 */
public final class UsersFile {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._][A-Za-z0-9._-]{0,63}");
  private static final String ARGON2ID = "$argon2id$";
  private static final int SALT_BYTES = 16;
  private static final int HASH_BYTES = 32;
  private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
  private static final Base64.Decoder B64_IN = Base64.getDecoder();
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Set<PosixFilePermission> OTHERS =
      EnumSet.of(
          PosixFilePermission.GROUP_READ,
          PosixFilePermission.GROUP_WRITE,
          PosixFilePermission.OTHERS_READ,
          PosixFilePermission.OTHERS_WRITE);

  /**
   * Argon2id's cost: memory in KiB, passes, lanes. {@link #DEFAULT} is OWASP's recommendation (19
   * MiB, 2 passes, 1 lane); tests use a cheap one so hundreds of logins stay fast.
   */
  public record Cost(int memoryKiB, int iterations, int parallelism) {
    public static final Cost DEFAULT = new Cost(19_456, 2, 1);

    public Cost {
      if (parallelism < 1 || iterations < 1 || memoryKiB < 8 * parallelism) {
        throw new IllegalArgumentException("Argon2id needs p >= 1, t >= 1 and m >= 8p KiB");
      }
    }
  }

  /**
   * Verified against when the name is unknown, so a wrong name costs what a wrong password does.
   */
  private static final String DECOY = hash("decoy".toCharArray(), Cost.DEFAULT);

  private final Path path;
  private final Map<String, String> hashes;

  private UsersFile(Path path, Map<String, String> hashes) {
    this.path = path;
    this.hashes = Collections.unmodifiableMap(hashes);
  }

  /**
   * Reads the file, refusing one that other users can read or write, or a line that is not {@code
   * name:hash} with a hash in a known form.
   *
   * @throws IOException with a message fit to show the operator as it is
   */
  public static UsersFile load(Path path) throws IOException {
    checkPrivate(path);
    Map<String, String> hashes = new LinkedHashMap<>();
    List<String> lines;
    try {
      lines = Files.readAllLines(path, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new IOException(
          "users file "
              + path
              + " does not exist; create it with: switchboard files adduser NAME"
              + " --users "
              + path,
          e);
    }
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int colon = line.indexOf(':');
      String name = colon < 0 ? line : line.substring(0, colon);
      String hash = colon < 0 ? "" : line.substring(colon + 1);
      if (!validName(name) || !(hash.startsWith(ARGON2ID) || isBcrypt(hash))) {
        throw new IOException(
            path + " line " + (i + 1) + ": expected NAME:HASH with an $argon2id$ or $2y$ hash");
      }
      hashes.put(name, hash);
    }
    return new UsersFile(path, hashes);
  }

  /** The file at {@code path} if it exists, else an empty one that {@link #save} will create. */
  public static UsersFile loadOrEmpty(Path path) throws IOException {
    return Files.exists(path) ? load(path) : new UsersFile(path, new LinkedHashMap<>());
  }

  public Path path() {
    return path;
  }

  public Set<String> names() {
    return hashes.keySet();
  }

  /** True if a user of that name exists and this is their password. Same cost either way. */
  public boolean verify(String name, char[] password) {
    String hash = hashes.get(name);
    if (hash == null) {
      var unused = matches(DECOY, password);
      return false;
    }
    return matches(hash, password);
  }

  /** This file with {@code name} added, or its password replaced, at the default cost. */
  public UsersFile withUser(String name, char[] password) {
    return withUser(name, password, Cost.DEFAULT);
  }

  /** This file with {@code name} added or replaced, hashed at {@code cost}. */
  public UsersFile withUser(String name, char[] password, Cost cost) {
    if (!validName(name)) {
      throw new IllegalArgumentException(
          "user name '" + name + "' must be 1-64 letters, digits, '.', '_' or '-'");
    }
    if (password.length == 0) {
      throw new IllegalArgumentException("the password must not be empty");
    }
    Map<String, String> changed = new LinkedHashMap<>(hashes);
    changed.put(name, hash(password, cost));
    return new UsersFile(path, changed);
  }

  /**
   * Writes the file atomically, readable by its owner only: a reader sees the old contents or the
   * new, never a mix, and a crash leaves the old file in place.
   */
  public void save() throws IOException {
    StringBuilder text = new StringBuilder("# switchboard users: NAME:HASH (Argon2id)\n");
    hashes.forEach((name, hash) -> text.append(name).append(':').append(hash).append('\n'));
    Path directory = path.toAbsolutePath().getParent();
    Path temporary =
        Files.createTempFile(
            directory,
            "." + path.getFileName() + ".",
            ".tmp",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try {
      Files.writeString(temporary, text, StandardCharsets.UTF_8);
      try (var channel = java.nio.channels.FileChannel.open(temporary)) {
        channel.force(true);
      }
      try {
        Files.move(
            temporary, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException("cannot replace " + path + " atomically: " + e.getMessage(), e);
      }
    } finally {
      Files.deleteIfExists(temporary);
    }
  }

  private static void checkPrivate(Path path) throws IOException {
    PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class);
    if (view == null || !Files.exists(path)) {
      return; // not POSIX, or missing (load says so)
    }
    Set<PosixFilePermission> permissions = view.readAttributes().permissions();
    if (!Collections.disjoint(permissions, OTHERS)) {
      throw new IOException(
          "users file "
              + path
              + " can be read or written by other users ("
              + PosixFilePermissions.toString(permissions)
              + "); its hashes must stay private: chmod 600 "
              + path);
    }
  }

  private static boolean validName(String name) {
    return NAME.matcher(name).matches();
  }

  private static boolean isBcrypt(String hash) {
    return hash.startsWith("$2a$") || hash.startsWith("$2b$") || hash.startsWith("$2y$");
  }

  static String hash(char[] password, Cost cost) {
    byte[] salt = new byte[SALT_BYTES];
    RANDOM.nextBytes(salt);
    byte[] out = argon2id(password, salt, cost, HASH_BYTES);
    return ARGON2ID
        + "v=19$m="
        + cost.memoryKiB()
        + ",t="
        + cost.iterations()
        + ",p="
        + cost.parallelism()
        + "$"
        + B64.encodeToString(salt)
        + "$"
        + B64.encodeToString(out);
  }

  private static byte[] argon2id(char[] password, byte[] salt, Cost cost, int length) {
    Argon2BytesGenerator generator = new Argon2BytesGenerator();
    generator.init(
        new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
            .withVersion(Argon2Parameters.ARGON2_VERSION_13)
            .withMemoryAsKB(cost.memoryKiB())
            .withIterations(cost.iterations())
            .withParallelism(cost.parallelism())
            .withSalt(salt)
            .build());
    byte[] out = new byte[length];
    generator.generateBytes(password, out);
    return out;
  }

  /** Checks {@code password} against a stored hash; a malformed hash matches nothing. */
  private static boolean matches(String hash, char[] password) {
    try {
      if (isBcrypt(hash)) {
        return OpenBSDBCrypt.checkPassword(hash, password);
      }
      // $argon2id$v=19$m=M,t=T,p=P$salt$hash
      String[] parts = hash.split("\\$");
      if (parts.length != 6 || !parts[1].equals("argon2id") || !parts[2].equals("v=19")) {
        return false;
      }
      Map<String, Integer> parameters = new LinkedHashMap<>();
      for (String parameter : parts[3].split(",")) {
        String[] pair = parameter.split("=", 2);
        parameters.put(pair[0], Integer.parseInt(pair[1]));
      }
      Cost cost =
          new Cost(
              Objects.requireNonNull(parameters.get("m")),
              Objects.requireNonNull(parameters.get("t")),
              Objects.requireNonNull(parameters.get("p")));
      byte[] salt = B64_IN.decode(parts[4]);
      byte[] expected = B64_IN.decode(parts[5]);
      return MessageDigest.isEqual(expected, argon2id(password, salt, cost, expected.length));
    } catch (RuntimeException e) {
      return false; // a damaged line: no password opens it
    }
  }

  @Override
  public String toString() {
    return path + " (" + new ArrayList<>(hashes.keySet()) + ")";
  }
}
