package dev.baton.nlp;

import dev.baton.nlp.intent.IntentModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * An intent classifier that can be swapped while the service runs: messages in flight keep the
 * classifier they started with, the next ones use the new one. {@link #reloadIfChanged()} loads a
 * retrained default model from a file when the file changes (call it from a scheduled job, off
 * the event loop: building a tenant's classifier takes about a second).
 *
 * <pre>{@code
 * var c = ReloadableIntentClassifier.watching(
 *     Path.of("/models/intent-default.bin"), m -> IntentModels.forTenant(tenantId, faq, m));
 * // every minute:  c.reloadIfChanged();
 * }</pre>
 */
public final class ReloadableIntentClassifier implements IntentClassifier {
  private final AtomicReference<IntentClassifier> current;
  private final Path modelFile;
  private final Function<IntentModel, IntentClassifier> factory;
  private FileTime loadedVersion;

  public ReloadableIntentClassifier(IntentClassifier initial) {
    this(initial, null, null, null);
  }

  private ReloadableIntentClassifier(IntentClassifier initial, Path modelFile,
      Function<IntentModel, IntentClassifier> factory, FileTime version) {
    this.current = new AtomicReference<>(Objects.requireNonNull(initial));
    this.modelFile = modelFile;
    this.factory = factory;
    this.loadedVersion = version;
  }

  /**
   * Watches a model file: the classifier starts on the file if it exists, otherwise on the
   * shipped default model, and {@link #reloadIfChanged()} picks up later versions.
   */
  public static ReloadableIntentClassifier watching(Path modelFile, Function<IntentModel, IntentClassifier> factory) {
    FileTime version = modified(modelFile);
    IntentModel m = version == null ? IntentModels.defaultModel() : IntentModel.load(modelFile);
    return new ReloadableIntentClassifier(factory.apply(m), modelFile, factory, version);
  }

  /** Replaces the classifier. */
  public void swap(IntentClassifier next) {
    current.set(Objects.requireNonNull(next));
  }

  /**
   * Loads the watched model file if it changed since the last load and swaps it in.
   *
   * @return true if a new model was loaded
   */
  public synchronized boolean reloadIfChanged() {
    if (modelFile == null) {
      return false;
    }
    FileTime now = modified(modelFile);
    if (now == null || now.equals(loadedVersion)) {
      return false;
    }
    IntentModel m = IntentModel.load(modelFile);
    swap(factory.apply(m));
    loadedVersion = now;
    return true;
  }

  private static FileTime modified(Path p) {
    try {
      return p != null && Files.exists(p) ? Files.getLastModifiedTime(p) : null;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public IntentScore classify(String text) {
    return current.get().classify(text);
  }

  @Override
  public IntentScore classifyWithoutEncoder(String text) {
    return current.get().classifyWithoutEncoder(text);
  }

  @Override
  public String modelName() {
    return current.get().modelName();
  }
}
