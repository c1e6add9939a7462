package dev.p2g.encode;

import dev.p2g.field.Degradation;
import java.io.Serializable;

/**
 * What the driver learnt about a model that keeps the contract: its id (SHA-256 of the ONNX
 * file) and the field.* and model.* metadata of DESIGN.md, and its training degradation
 * (degradation.*; null when the model declares none).
 */
public record ModelInfo(
    String id,
    String name,
    String license,
    int k,
    double maxOffset,
    double maxSigma,
    int receptiveField,
    Degradation degradation) implements Serializable {}
