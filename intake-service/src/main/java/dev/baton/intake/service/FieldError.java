package dev.baton.intake.service;

/** One thing wrong with a request, named by its JSON path. */
public record FieldError(String field, String message) {}
