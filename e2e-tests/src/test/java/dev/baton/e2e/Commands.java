package dev.baton.e2e;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the external tools the offline checks use (kubectl, node, npm, promtool) and fails the
 * test, with what the tool printed, unless it exits 0; a tool that is not installed fails with a
 * pointer to test.sh, which installs them.
 */
final class Commands {
  private static final Duration TIMEOUT = Duration.ofMinutes(10);

  private Commands() {}

  /** Runs {@code command} in {@code dir} (null: here); returns its output, errors included. */
  static String output(List<String> command, Path dir, Path work) throws Exception {
    return run(command, dir, work, null, true);
  }

  /** As {@link #output}, returning only its standard output (its errors shown if it fails). */
  static String stdout(List<String> command, Path dir, Path work) throws Exception {
    return run(command, dir, work, null, false);
  }

  /** Runs {@code command} with its standard output written to {@code file}. */
  static void toFile(List<String> command, Path file, Path work) throws Exception {
    run(command, null, work, file, false);
  }

  private static String run(List<String> command, Path dir, Path work, Path stdoutFile, boolean mergeErrors)
      throws Exception {
    Files.createDirectories(work);
    Path out = stdoutFile != null ? stdoutFile : Files.createTempFile(work, "out-", ".txt");
    Path err = Files.createTempFile(work, "err-", ".txt");
    ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile());
    if (dir != null) {
      pb.directory(dir.toFile());
    }
    if (mergeErrors) {
      pb.redirectErrorStream(true);
    } else {
      pb.redirectError(err.toFile());
    }
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      return fail(command.get(0) + " is not installed (the repository's test.sh installs it): " + e.getMessage());
    }
    if (!p.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
      p.destroyForcibly();
      fail(String.join(" ", command) + " did not finish within " + TIMEOUT.toMinutes() + " minutes");
    }
    if (p.exitValue() != 0) {
      String shown = stdoutFile != null ? Files.readString(err) : Files.readString(out) + Files.readString(err);
      fail(String.join(" ", command) + " exited " + p.exitValue() + ":\n" + shown);
    }
    return Files.readString(out);
  }
}
