import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.spi.ToolProvider;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Stages the two file trees Jib puts into a Baton service image (see deploy/images/README.md):
 *
 * <ul>
 *   <li>{@code base/}: the root file system shared by every service image: a JRE made with jlink
 *       from the JDK running the build, under /opt/java; the glibc, zlib, libgcc_s and libstdc++
 *       shared libraries the JRE, ONNX Runtime and RocksDB load, copied from the build machine
 *       (Debian); /etc/passwd and /etc/group with the service user; an empty /tmp. Built once
 *       and reused while the JDK and this file are unchanged.
 *   <li>{@code app/}: a copy of the service's Quarkus fast-jar ({@code target/quarkus-app}) in
 *       which every jar has lost its native libraries for platforms other than linux-x64 (glibc).
 *       Jar names are kept, so the fast-jar's index still finds them.
 * </ul>
 *
 * <p>Run with the {@code java} launcher (no dependencies): {@code java ImageStage.java BASE_DIR
 * QUARKUS_APP_DIR APP_DIR}.
 */
public final class ImageStage {

  /** The service user: numeric, so Kubernetes' runAsNonRoot can check it without a name lookup. */
  static final int UID = 1001;

  /**
   * JRE modules: what jdeps reports for the five services' jars (java.base and the rest), plus
   * the providers that are looked up by name at run time (EC and PKCS#11 crypto for TLS, DNS
   * naming, zipfs, JFR and the management beans for diagnostics).
   */
  static final List<String> MODULES =
      List.of(
          "java.base",
          "java.compiler",
          "java.desktop",
          "java.instrument",
          "java.logging",
          "java.management",
          "java.naming",
          "java.net.http",
          "java.prefs",
          "java.rmi",
          "java.scripting",
          "java.security.jgss",
          "java.security.sasl",
          "java.sql",
          "java.transaction.xa",
          "java.xml",
          "java.xml.crypto",
          "jdk.crypto.cryptoki",
          "jdk.crypto.ec",
          "jdk.jfr",
          "jdk.management",
          "jdk.naming.dns",
          "jdk.net",
          "jdk.unsupported",
          "jdk.zipfs");

  /**
   * Shared libraries by soname. The JRE needs glibc and zlib (Debian's JDK links the system
   * zlib); ONNX Runtime and RocksDB need libstdc++ and libgcc_s as well. Nothing else is loaded by
   * a headless JVM (the AWT and sound libraries of java.desktop are never loaded: java.desktop is
   * there for java.beans).
   */
  static final List<String> LIBRARIES =
      List.of(
          "ld-linux-x86-64.so.2",
          "libc.so.6",
          "libm.so.6",
          "libdl.so.2",
          "libpthread.so.0",
          "librt.so.1",
          "libz.so.1",
          "libgcc_s.so.1",
          "libstdc++.so.6");

  static final Path LIB_DIR = Path.of("/lib/x86_64-linux-gnu");

  /** Debian packages whose copyright files travel with the libraries above. */
  static final List<String> PACKAGES = List.of("libc6", "zlib1g", "libgcc-s1", "libstdc++6");

  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      System.err.println("usage: java ImageStage.java BASE_DIR QUARKUS_APP_DIR APP_DIR");
      System.exit(2);
    }
    stageBase(Path.of(args[0]));
    stageApp(Path.of(args[1]), Path.of(args[2]));
  }

  static void stageBase(Path base) throws Exception {
    String fingerprint = fingerprint();
    Path stamp = base.resolve(".stamp");
    if (Files.exists(stamp) && Files.readString(stamp).equals(fingerprint)) {
      System.out.println("[image] base up to date: " + base);
      return;
    }
    deleteTree(base);
    Files.createDirectories(base);
    long start = System.nanoTime();

    ToolProvider jlink =
        ToolProvider.findFirst("jlink")
            .orElseThrow(() -> new IllegalStateException("jlink missing: build with a JDK"));
    StringWriter out = new StringWriter();
    int rc =
        jlink.run(
            new PrintWriter(out),
            new PrintWriter(out),
            "--add-modules", String.join(",", MODULES),
            "--strip-debug", "--no-man-pages", "--no-header-files", "--compress=2",
            "--output", base.resolve("opt/java").toString());
    if (rc != 0) {
      throw new IllegalStateException("jlink failed (" + rc + "): " + out);
    }

    Path libDir = base.resolve(LIB_DIR.toString().substring(1));
    Files.createDirectories(libDir);
    for (String lib : LIBRARIES) {
      // Follows the symlink: the image holds the real file under its soname.
      Files.copy(LIB_DIR.resolve(lib), libDir.resolve(lib), StandardCopyOption.COPY_ATTRIBUTES);
    }
    // The path the kernel reads from every x86-64 executable's PT_INTERP.
    Files.createDirectories(base.resolve("lib64"));
    Files.copy(LIB_DIR.resolve("ld-linux-x86-64.so.2"), base.resolve("lib64/ld-linux-x86-64.so.2"));
    for (String pkg : PACKAGES) {
      Path copyright = Path.of("/usr/share/doc", pkg, "copyright");
      if (Files.exists(copyright)) {
        Path target = base.resolve("usr/share/doc").resolve(pkg).resolve("copyright");
        Files.createDirectories(target.getParent());
        Files.copy(copyright, target);
      }
    }

    Path etc = Files.createDirectories(base.resolve("etc"));
    Files.writeString(
        etc.resolve("passwd"),
        "root:x:0:0:root:/root:/sbin/nologin\n"
            + "baton:x:" + UID + ":" + UID + ":Baton:/deployments:/sbin/nologin\n"
            + "nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\n");
    Files.writeString(
        etc.resolve("group"), "root:x:0:\nbaton:x:" + UID + ":\nnogroup:x:65534:\n");
    Files.writeString(etc.resolve("nsswitch.conf"), "passwd: files\ngroup: files\nhosts: files dns\n");
    Files.createDirectories(base.resolve("tmp"));

    Files.writeString(stamp, fingerprint);
    System.out.printf(
        "[image] base staged in %d ms: %s%n", (System.nanoTime() - start) / 1_000_000, base);
  }

  /** Bump when stageBase changes what it writes, so existing bases are made again. */
  static final int BASE_FORMAT = 1;

  /** Changes when the JDK, the module or library lists, or the system's libraries change. */
  static String fingerprint() throws Exception {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    List<String> parts = new ArrayList<>();
    parts.add(String.valueOf(BASE_FORMAT));
    parts.add(System.getProperty("java.home"));
    parts.add(System.getProperty("java.runtime.version"));
    parts.addAll(MODULES);
    for (String lib : LIBRARIES) {
      Path real = LIB_DIR.resolve(lib).toRealPath();
      parts.add(real + ":" + Files.size(real) + ":" + Files.getLastModifiedTime(real));
    }
    sha.update(String.join("\n", parts).getBytes(StandardCharsets.UTF_8));
    return HexFormat.of().formatHex(sha.digest());
  }

  static void stageApp(Path quarkusApp, Path app) throws IOException {
    if (!Files.isRegularFile(quarkusApp.resolve("quarkus-run.jar"))) {
      throw new IllegalStateException(quarkusApp + " holds no quarkus-run.jar: package first");
    }
    deleteTree(app);
    List<String> stripped = new ArrayList<>();
    long[] saved = {0};
    Files.walkFileTree(
        quarkusApp,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
              throws IOException {
            Files.createDirectories(app.resolve(quarkusApp.relativize(dir).toString()));
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Path target = app.resolve(quarkusApp.relativize(file).toString());
            if (file.toString().endsWith(".jar")) {
              int removed = copyWithoutForeignNatives(file, target);
              if (removed > 0) {
                stripped.add(file.getFileName() + " (" + removed + " entries)");
                saved[0] += Files.size(file) - Files.size(target);
              }
            } else {
              Files.copy(file, target, StandardCopyOption.COPY_ATTRIBUTES);
            }
            return FileVisitResult.CONTINUE;
          }
        });
    System.out.printf(
        "[image] app staged: %s; foreign natives removed from %s, %d MB saved%n",
        app, stripped, saved[0] / (1024 * 1024));
  }

  /** Copies a jar entry by entry (entries stay stored or deflated as they were), minus natives. */
  static int copyWithoutForeignNatives(Path source, Path target) throws IOException {
    int removed = 0;
    try (ZipFile zip = new ZipFile(source.toFile())) {
      if (zip.stream().noneMatch(e -> isForeignNative(e.getName()))) {
        Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
        return 0;
      }
      try (OutputStream file = Files.newOutputStream(target);
          ZipOutputStream out = new ZipOutputStream(file)) {
        for (ZipEntry entry : zip.stream().toList()) {
          if (isForeignNative(entry.getName())) {
            removed++;
            continue;
          }
          ZipEntry copy = new ZipEntry(entry.getName());
          copy.setTime(entry.getTime());
          if (entry.getMethod() == ZipEntry.STORED) {
            copy.setMethod(ZipEntry.STORED);
            copy.setSize(entry.getSize());
            copy.setCompressedSize(entry.getSize());
            copy.setCrc(entry.getCrc());
          }
          out.putNextEntry(copy);
          try (InputStream in = zip.getInputStream(entry)) {
            in.transferTo(out);
          }
          out.closeEntry();
        }
      }
    }
    Files.setLastModifiedTime(target, Files.getLastModifiedTime(source));
    return removed;
  }

  /**
   * A native library (or its debug symbols) for any platform but linux-x64 with glibc: a native
   * file is kept only if its path names linux-x64, in one of the spellings the jars use, and not
   * musl. The image test (e2e-tests' ServiceImagesTest) applies the same rule to every layer.
   */
  static boolean isForeignNative(String entryName) {
    String name = entryName.toLowerCase(Locale.ROOT);
    boolean nativeFile =
        !name.endsWith("/")
            && (name.endsWith(".so")
                || name.matches(".*\\.so\\.[0-9.]+")
                || name.endsWith(".dll")
                || name.endsWith(".dylib")
                || name.endsWith(".jnilib")
                || name.endsWith(".pdb")
                || name.contains(".dsym/"));
    if (!nativeFile) {
      return false;
    }
    boolean linuxX64 =
        (name.endsWith(".so") || name.matches(".*\\.so\\.[0-9.]+"))
            && LINUX_X64.stream().anyMatch(name::contains)
            && !name.contains("musl");
    return !linuxX64;
  }

  /** How the jars Baton ships spell linux-x64 in a native's path (ONNX Runtime, RocksDB, ...). */
  static final List<String> LINUX_X64 =
      List.of(
          "linux-x64/", "linux-x86-64/", "linux-x86_64/", "linux/amd64/", "linux/x86_64/",
          "linux-amd64/", "linux64");

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    Files.walkFileTree(
        dir,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Files.delete(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
            Files.delete(d);
            return FileVisitResult.CONTINUE;
          }
        });
  }
}
