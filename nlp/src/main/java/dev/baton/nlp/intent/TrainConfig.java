package dev.baton.nlp.intent;

import dev.baton.nlp.features.Features;
import opennlp.tools.util.TrainingParameters;

/**
 * How to train a text classifier.
 *
 * @param algorithm OpenNLP trainer: MAXENT_QN (L-BFGS), MAXENT (GIS), NAIVEBAYES, PERCEPTRON
 * @param features feature sets, e.g. {@code words,chars,stems} (see {@link Features})
 * @param iterations training iterations
 * @param cutoff minimum count of a feature in the training data
 * @param l2 L2 cost (MAXENT_QN only)
 * @param l1 L1 cost (MAXENT_QN only)
 * @param threads training threads
 */
public record TrainConfig(
    String algorithm, String features, int iterations, int cutoff, double l2, double l1, int threads) {

  public static TrainConfig intentDefault() {
    return new TrainConfig("MAXENT_QN", Features.INTENT_DEFAULT, 200, 2, 0.5, 0, 2);
  }

  public TrainingParameters parameters() {
    TrainingParameters p = new TrainingParameters();
    p.put(TrainingParameters.ALGORITHM_PARAM, algorithm);
    p.put(TrainingParameters.ITERATIONS_PARAM, iterations);
    p.put(TrainingParameters.CUTOFF_PARAM, cutoff);
    p.put(TrainingParameters.THREADS_PARAM, threads);
    if (algorithm.equals("MAXENT_QN")) {
      p.put("L2Cost", l2);
      p.put("L1Cost", l1);
    }
    p.put("PrintMessages", false);
    return p;
  }

  public TrainConfig withAlgorithm(String a) {
    return new TrainConfig(a, features, iterations, cutoff, l2, l1, threads);
  }

  public TrainConfig withFeatures(String f) {
    return new TrainConfig(algorithm, f, iterations, cutoff, l2, l1, threads);
  }

  public TrainConfig withIterations(int i) {
    return new TrainConfig(algorithm, features, i, cutoff, l2, l1, threads);
  }

  public TrainConfig withCutoff(int c) {
    return new TrainConfig(algorithm, features, iterations, c, l2, l1, threads);
  }

  public TrainConfig withL2(double v) {
    return new TrainConfig(algorithm, features, iterations, cutoff, v, l1, threads);
  }

  public TrainConfig withL1(double v) {
    return new TrainConfig(algorithm, features, iterations, cutoff, l2, v, threads);
  }

  public TrainConfig withThreads(int t) {
    return new TrainConfig(algorithm, features, iterations, cutoff, l2, l1, t);
  }

  @Override
  public String toString() {
    return algorithm + " [" + features + "] iter=" + iterations + " cutoff=" + cutoff
        + (algorithm.equals("MAXENT_QN") ? " l2=" + l2 + " l1=" + l1 : "");
  }
}
