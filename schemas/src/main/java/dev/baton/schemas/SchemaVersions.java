package dev.baton.schemas;

/**
 * Schema versions of the event contracts. Bump a version only for an incompatible change and
 * keep readers of the previous version working; additive fields keep the version (readers ignore
 * unknown fields).
 */
public final class SchemaVersions {
  public static final int V1 = 1;
  public static final int CURRENT = V1;

  private SchemaVersions() {}
}
