package dev.baton.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarFile;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Reads each service's OCI image tarball ({@code <service>/target/image/<service>.tar}, built by
 * the "images" profile of the services' package phase; see deploy/images/README.md) the way a
 * container runtime would: the OCI index, the manifest, the config, and every file of every
 * layer, jars opened too. Then runs the image's own JRE on the image's own glibc.
 */
class ServiceImagesTest {

  enum Service {
    INTAKE("intake-service", 8080, 85),
    SENTIMENT("sentiment-service", 8081, 130),
    ROUTING("routing-service", 8082, 175),
    HANDOFF("handoff-service", 8083, 85),
    GATEWAY("agent-gateway", 8084, 85);

    final String module;
    final int port;
    /** Bound on the compressed layers (what a registry stores and a node pulls), in MB. */
    final int maxMegabytes;

    Service(String module, int port, int maxMegabytes) {
      this.module = module;
      this.port = port;
      this.maxMegabytes = maxMegabytes;
    }
  }

  /** The natives each image must still have after the other platforms' were stripped. */
  static final Map<Service, List<String>> REQUIRED_NATIVES =
      Map.of(
          Service.ROUTING,
          List.of(
              "com.microsoft.onnxruntime.onnxruntime-1.20.0.jar!ai/onnxruntime/native/linux-x64/libonnxruntime.so",
              "com.microsoft.onnxruntime.onnxruntime-1.20.0.jar!ai/onnxruntime/native/linux-x64/libonnxruntime4j_jni.so"),
          Service.HANDOFF,
          List.of("org.rocksdb.rocksdbjni-9.7.3.jar!librocksdbjni-linux64.so"));

  static final String JRE_LAYER = "jre and system libraries";
  static final ObjectMapper JSON = new ObjectMapper();
  static final Map<Service, Image> IMAGES = new HashMap<>();

  @BeforeAll
  static void readImages() throws IOException {
    Assumptions.assumeFalse(
        Boolean.getBoolean("baton.skipImages"), "images not built (-Dbaton.skipImages)");
    Path root = Path.of(System.getProperty("baton.root", "..")).toAbsolutePath().normalize();
    for (Service service : Service.values()) {
      Path tar = root.resolve(service.module).resolve("target/image/" + service.module + ".tar");
      assertTrue(
          Files.isRegularFile(tar),
          tar + " is missing: `mvn package` builds it (unless -Dbaton.skipImages)");
      IMAGES.put(service, Image.read(tar));
    }
  }

  @ParameterizedTest
  @EnumSource(Service.class)
  void isNamedForTheServiceAndVersion(Service service) {
    Image image = IMAGES.get(service);
    assertEquals(
        "baton/" + service.module + ":" + System.getProperty("baton.version"), image.refName);
    assertEquals("linux", image.config.path("os").asText());
    assertEquals("amd64", image.config.path("architecture").asText());
  }

  @ParameterizedTest
  @EnumSource(Service.class)
  void runsTheFastJarWithContainerSizedJvmFlags(Service service) {
    JsonNode config = IMAGES.get(service).config.path("config");
    List<String> entrypoint = texts(config.path("Entrypoint"));
    assertEquals("/opt/java/bin/java", entrypoint.get(0), entrypoint.toString());
    assertTrue(entrypoint.contains("-XX:MaxRAMPercentage=75"), entrypoint.toString());
    assertTrue(entrypoint.contains("-XX:+ExitOnOutOfMemoryError"), entrypoint.toString());
    // A fixed heap would ignore the pod's memory limit.
    assertTrue(entrypoint.stream().noneMatch(a -> a.startsWith("-Xmx")), entrypoint.toString());
    assertEquals(
        List.of("-jar", "/deployments/quarkus-run.jar"),
        entrypoint.subList(entrypoint.size() - 2, entrypoint.size()));
    assertTrue(config.path("Cmd").isMissingNode() || config.path("Cmd").isNull());
    assertEquals("/deployments", config.path("WorkingDir").asText());
    assertTrue(
        config.path("ExposedPorts").has(service.port + "/tcp"),
        config.path("ExposedPorts").toString());
  }

  @ParameterizedTest
  @EnumSource(Service.class)
  void runsAsANumericNonRootUserTheImageKnows(Service service) {
    Image image = IMAGES.get(service);
    String user = image.config.path("config").path("User").asText();
    assertTrue(user.matches("\\d+:\\d+"), "numeric uid:gid, for runAsNonRoot: " + user);
    int uid = Integer.parseInt(user.substring(0, user.indexOf(':')));
    assertNotEquals(0, uid);
    String passwd = new String(image.file("etc/passwd").content, StandardCharsets.UTF_8);
    assertTrue(passwd.contains(":x:" + uid + ":"), passwd);
    // Writable by that user: the JVM's temp dir, where ONNX Runtime and RocksDB unpack natives.
    assertEquals(0777, image.file("tmp").mode & 0777);
  }

  @ParameterizedTest
  @EnumSource(Service.class)
  void holdsTheAppAndTheJre(Service service) {
    Image image = IMAGES.get(service);
    for (String path :
        List.of(
            "deployments/quarkus-run.jar",
            "deployments/quarkus/quarkus-application.dat",
            "deployments/lib/boot/io.quarkus.quarkus-bootstrap-runner-3.34.1.jar",
            "lib64/ld-linux-x86-64.so.2",
            "lib/x86_64-linux-gnu/libc.so.6",
            "lib/x86_64-linux-gnu/libstdc++.so.6",
            "opt/java/lib/security/cacerts")) {
      assertTrue(image.files.containsKey(path), service.module + " lacks /" + path);
    }
    assertEquals(0755, image.file("opt/java/bin/java").mode & 0777);
    assertEquals(0755, image.file("lib64/ld-linux-x86-64.so.2").mode & 0777);
  }

  @ParameterizedTest
  @EnumSource(Service.class)
  void hasOnlyLinuxX64Natives(Service service) {
    Image image = IMAGES.get(service);
    assertTrue(image.natives.size() > 10, "natives found: " + image.natives);
    List<String> foreign = new ArrayList<>();
    image.natives.forEach(
        (path, isLinuxX64) -> {
          if (!isLinuxX64) {
            foreign.add(path);
          }
        });
    assertEquals(List.of(), foreign, service.module + " holds natives for other platforms");
    for (String required : REQUIRED_NATIVES.getOrDefault(service, List.of())) {
      assertTrue(
          image.natives.keySet().stream().anyMatch(p -> p.endsWith(required)),
          service.module + " lost " + required);
    }
  }

  @ParameterizedTest
  @EnumSource(Service.class)
  void staysUnderItsSizeBound(Service service) {
    long bytes = IMAGES.get(service).compressedBytes;
    assertTrue(
        bytes < service.maxMegabytes * 1024L * 1024L,
        service.module + " is " + bytes / (1024 * 1024) + " MB, bound " + service.maxMegabytes);
  }

  @Test
  void sharesOneJreLayerAcrossTheServices() {
    List<String> digests =
        IMAGES.values().stream().map(image -> image.layerDigests.get(JRE_LAYER)).distinct().toList();
    assertEquals(1, digests.size(), "JRE layer digests: " + digests);
    assertTrue(digests.get(0).startsWith("sha256:"));
  }

  /**
   * Unpacks the JRE layer and runs its java with its own loader and glibc (no chroot needed), and
   * checks that every library the JVM, ONNX Runtime and RocksDB load is found inside the image.
   */
  @Test
  void theImagesJreRunsOnTheImagesLibraries(@TempDir Path rootfs) throws Exception {
    Image routing = IMAGES.get(Service.ROUTING);
    routing.unpackLayer(JRE_LAYER, rootfs);
    Path loader = rootfs.resolve("lib64/ld-linux-x86-64.so.2");
    Path libs = rootfs.resolve("lib/x86_64-linux-gnu");

    String version = run(loader.toString(), "--library-path", libs.toString(),
        rootfs.resolve("opt/java/bin/java").toString(), "-version");
    assertTrue(version.contains("openjdk version \"17."), version);

    List<Path> natives = new ArrayList<>();
    natives.add(rootfs.resolve("opt/java/lib/server/libjvm.so"));
    natives.add(rootfs.resolve("opt/java/lib/libnet.so"));
    natives.add(rootfs.resolve("opt/java/lib/libzip.so"));
    for (var entry : REQUIRED_NATIVES.entrySet()) {
      for (String nested : entry.getValue()) {
        Path file = rootfs.resolve("unpacked-natives").resolve(entry.getKey().module)
            .resolve(nested.substring(Math.max(nested.lastIndexOf('/'), nested.indexOf('!')) + 1));
        Files.createDirectories(file.getParent());
        Files.write(file, IMAGES.get(entry.getKey()).nested(nested));
        natives.add(file);
      }
    }
    // The JNI shim needs libonnxruntime.so.1 by soname; at run time ONNX Runtime's loader has
    // loaded libonnxruntime.so (that soname) from the same temp dir before it.
    Path onnx = rootfs.resolve("unpacked-natives/" + Service.ROUTING.module);
    Files.copy(onnx.resolve("libonnxruntime.so"), onnx.resolve("libonnxruntime.so.1"));
    String libraryPath = String.join(":", libs.toString(), rootfs.resolve("opt/java/lib").toString(),
        rootfs.resolve("opt/java/lib/server").toString(),
        rootfs.resolve("unpacked-natives/" + Service.ROUTING.module).toString());
    for (Path so : natives) {
      // ld.so --list resolves each needed library; anything found outside the unpacked image
      // (the build machine's own /lib) would be missing in a container.
      String list = run(loader.toString(), "--inhibit-cache", "--library-path", libraryPath,
          "--list", so.toString());
      for (String line : list.lines().map(String::strip).filter(l -> l.contains("=>")).toList()) {
        String resolved = line.substring(line.indexOf("=>") + 2).strip();
        assertTrue(resolved.startsWith(rootfs.toString()), so.getFileName() + ": " + line);
      }
      assertFalse(list.contains("not found"), so.getFileName() + ":\n" + list);
    }
  }

  static String run(String... command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), String.join(" ", command));
    assertEquals(0, process.exitValue(), String.join(" ", command) + "\n" + out);
    return out;
  }

  static List<String> texts(JsonNode array) {
    return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
  }

  /** A file of the image's file system: its mode, and its content if it is small. */
  record ImageFile(int mode, byte[] content) {}

  /** What the test needs of one image, read in one pass over the tarball. */
  static final class Image {
    final Path tar;
    String refName;
    JsonNode config;
    long compressedBytes;
    /** Layer name (from the config's history) to digest. */
    final Map<String, String> layerDigests = new HashMap<>();
    final Map<String, String> layerBlobs = new HashMap<>();
    final Map<String, ImageFile> files = new HashMap<>();
    /** Every native (in a layer, or in a jar as jar!entry) and whether it is linux-x64 glibc. */
    final Map<String, Boolean> natives = new HashMap<>();

    private Image(Path tar) {
      this.tar = tar;
    }

    ImageFile file(String path) {
      ImageFile file = files.get(path);
      assertTrue(file != null, tar.getFileName() + " lacks /" + path);
      return file;
    }

    static Image read(Path tar) throws IOException {
      Image image = new Image(tar);
      try (TarFile outer = new TarFile(tar)) {
        Map<String, TarArchiveEntry> entries = new HashMap<>();
        for (TarArchiveEntry entry : outer.getEntries()) {
          entries.put(entry.getName().replaceFirst("^\\./", ""), entry);
        }
        assertTrue(entries.containsKey("oci-layout"), "not an OCI layout: " + entries.keySet());
        JsonNode index = JSON.readTree(outer.getInputStream(entries.get("index.json")));
        assertEquals(1, index.path("manifests").size(), index.toString());
        JsonNode descriptor = index.path("manifests").get(0);
        image.refName =
            descriptor.path("annotations").path("org.opencontainers.image.ref.name").asText();
        JsonNode manifest = JSON.readTree(blob(outer, entries, descriptor.path("digest").asText()));
        assertEquals("application/vnd.oci.image.manifest.v1+json", manifest.path("mediaType").asText());
        image.config = JSON.readTree(blob(outer, entries, manifest.path("config").path("digest").asText()));

        JsonNode layers = manifest.path("layers");
        List<String> names = new ArrayList<>();
        image.config.path("history").forEach(h -> names.add(h.path("comment").asText()));
        assertEquals(layers.size(), names.size(), "one history entry per layer");
        assertEquals(layers.size(), image.config.path("rootfs").path("diff_ids").size());
        for (int i = 0; i < layers.size(); i++) {
          String digest = layers.get(i).path("digest").asText();
          image.compressedBytes += layers.get(i).path("size").asLong();
          image.layerDigests.putIfAbsent(names.get(i), digest);
          image.layerBlobs.putIfAbsent(names.get(i), digest);
          TarArchiveEntry blobEntry = entries.get(blobPath(digest));
          assertTrue(blobEntry != null, "missing layer blob " + digest);
          image.scanLayer(outer.getInputStream(blobEntry), digest);
        }
      }
      return image;
    }

    static String blobPath(String digest) {
      return "blobs/" + digest.replace(':', '/');
    }

    static InputStream blob(TarFile outer, Map<String, TarArchiveEntry> entries, String digest)
        throws IOException {
      TarArchiveEntry entry = entries.get(blobPath(digest));
      assertTrue(entry != null, "missing blob " + digest);
      return outer.getInputStream(entry);
    }

    /** Walks one gzipped layer; checks its digest on the way. */
    void scanLayer(InputStream raw, String digest) throws IOException {
      MessageDigest sha = sha256();
      try (DigestInputStream hashed = new DigestInputStream(raw, sha);
          TarArchiveInputStream layer =
              new TarArchiveInputStream(new GzipCompressorInputStream(hashed))) {
        for (TarArchiveEntry entry; (entry = layer.getNextEntry()) != null; ) {
          String name = entry.getName().replaceFirst("^\\./", "").replaceFirst("/$", "");
          byte[] content = null;
          if (entry.isFile() && name.startsWith("etc/")) {
            content = layer.readAllBytes();
          } else if (entry.isFile() && isNativeName(name)) {
            content = layer.readNBytes(20); // the ELF header is enough
          }
          files.put(name, new ImageFile(entry.getMode(), content));
          if (entry.isFile() && name.endsWith(".jar")) {
            scanJar(name, layer);
          } else if (content != null && isNativeName(name)) {
            natives.put(name, isLinuxX64Native(name, content));
          }
        }
        hashed.transferTo(OutputStreamSink.INSTANCE);
      }
      assertEquals(digest, "sha256:" + HexFormat.of().formatHex(sha.digest()), "layer digest");
    }

    void scanJar(String jarName, InputStream in) throws IOException {
      ZipInputStream jar = new ZipInputStream(in); // not closed: it would close the layer
      for (ZipEntry entry; (entry = jar.getNextEntry()) != null; ) {
        if (!entry.isDirectory() && isNativeName(entry.getName())) {
          byte[] head = jar.readNBytes(20);
          natives.put(jarName + "!" + entry.getName(), isLinuxX64Native(entry.getName(), head));
        }
      }
    }

    /** The bytes of a jar entry, addressed as {@code jar-file-name!entry}, from any layer. */
    byte[] nested(String address) throws IOException {
      String jarName = address.substring(0, address.indexOf('!'));
      String entryName = address.substring(address.indexOf('!') + 1);
      try (TarFile outer = new TarFile(tar)) {
        for (String digest : layerBlobs.values()) {
          try (TarArchiveInputStream layer = openLayer(outer, digest)) {
            for (TarArchiveEntry entry; (entry = layer.getNextEntry()) != null; ) {
              if (entry.getName().endsWith("/" + jarName)) {
                ZipInputStream jar = new ZipInputStream(layer);
                for (ZipEntry e; (e = jar.getNextEntry()) != null; ) {
                  if (e.getName().equals(entryName)) {
                    return jar.readAllBytes();
                  }
                }
              }
            }
          }
        }
      }
      throw new IllegalStateException(address + " not found in " + tar);
    }

    /** The (gzipped) layer blob {@code digest} of the image tarball, as a tar stream. */
    private TarArchiveInputStream openLayer(TarFile outer, String digest) throws IOException {
      TarArchiveEntry blob = outer.getEntries().stream()
          .filter(e -> e.getName().replaceFirst("^\\./", "").equals(blobPath(digest)))
          .findFirst()
          .orElseThrow();
      return new TarArchiveInputStream(new GzipCompressorInputStream(outer.getInputStream(blob)));
    }

    /** Unpacks the regular files and directories of one layer (no links are expected). */
    void unpackLayer(String layerName, Path target) throws IOException {
      String digest = layerBlobs.get(layerName);
      try (TarFile outer = new TarFile(tar)) {
        try (TarArchiveInputStream layer = openLayer(outer, digest)) {
          for (TarArchiveEntry entry; (entry = layer.getNextEntry()) != null; ) {
            Path path = target.resolve(entry.getName()).normalize();
            assertTrue(path.startsWith(target), entry.getName());
            if (entry.isDirectory()) {
              Files.createDirectories(path);
            } else if (entry.isFile()) {
              Files.createDirectories(path.getParent());
              Files.copy(layer, path);
              if ((entry.getMode() & 0100) != 0) {
                assertTrue(path.toFile().setExecutable(true, false));
              }
            } else {
              throw new AssertionError("unexpected entry type: " + entry.getName());
            }
          }
        }
      }
    }
  }

  /** A native library or its debug symbols, by name, for any platform. */
  static boolean isNativeName(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return n.endsWith(".so")
        || n.matches(".*\\.so\\.[0-9.]+")
        || n.endsWith(".dll")
        || n.endsWith(".dylib")
        || n.endsWith(".jnilib")
        || n.endsWith(".pdb")
        || n.contains(".dsym/");
  }

  /**
   * By content, not by name: an ELF shared object for x86-64 (64-bit, little-endian, machine 62),
   * and not built for musl. Windows and macOS natives are not ELF at all.
   */
  static boolean isLinuxX64Native(String name, byte[] head) {
    boolean elf = head.length >= 20 && head[0] == 0x7f && head[1] == 'E' && head[2] == 'L'
        && head[3] == 'F';
    return elf
        && head[4] == 2 // ELFCLASS64
        && head[5] == 1 // little-endian
        && (head[18] & 0xff) == 62 && head[19] == 0 // EM_X86_64
        && !name.toLowerCase(Locale.ROOT).contains("musl");
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Drains a stream (the rest of a layer after its tar end, which the digest covers). */
  static final class OutputStreamSink extends java.io.OutputStream {
    static final OutputStreamSink INSTANCE = new OutputStreamSink();

    @Override
    public void write(int b) {}

    @Override
    public void write(byte[] b, int off, int len) {}
  }
}
