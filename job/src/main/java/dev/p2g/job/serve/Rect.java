package dev.p2g.job.serve;

/** A rectangle of a source image in its pixels: the region a request extracts. */
public record Rect(int x, int y, int width, int height) {}
