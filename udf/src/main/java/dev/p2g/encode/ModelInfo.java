package dev.p2g.encode;

import java.io.Serializable;

/**
 * What the driver learnt about a model that keeps the contract: its id (SHA-256 of the ONNX
 * file) and the field.* and model.* metadata of DESIGN.md.
 */
public record ModelInfo(
    String id,
    String name,
    String license,
    int k,
    double maxOffset,
    double maxSigma,
    int receptiveField) implements Serializable {}
