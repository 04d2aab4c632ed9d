package dev.baton.nlp;

import dev.baton.nlp.complaint.TrainedComplaintDetector;

/** Loads the complaint model once per service. */
public final class ComplaintModels {
  /** Classpath folder of the shipped complaint.bin. */
  public static final String MODEL_DIR = "models/complaint";

  private ComplaintModels() {}

  private static final class Holder {
    static final ComplaintDetector DETECTOR = TrainedComplaintDetector.loadResources(MODEL_DIR);
  }

  /**
   * The trained complaint model with its cues (stated failure, repeated contact, sarcasm; see
   * nlp/README.md), loaded from the classpath on first use and shared (thread-safe).
   */
  public static ComplaintDetector load() {
    return Holder.DETECTOR;
  }
}
