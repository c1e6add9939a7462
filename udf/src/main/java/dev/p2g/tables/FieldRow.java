package dev.p2g.tables;

import dev.p2g.field.FieldRecord;
import dev.p2g.io.Device;
import dev.p2g.io.SourceStat;
import java.sql.Timestamp;
import java.util.Map;

/**
 * A whole fields/ row: the field (FieldRecord: what rendering needs) and what the run recorded
 * beside it: what the listing said of the source (null where it is not known: a SQL function's
 * bytes), when the run started, where the model ran, and the source's kept attributes (or null).
 * FieldTable turns it into a Spark row and back, by name.
 */
public record FieldRow(FieldRecord field, SourceStat source, Timestamp encodedAt, Device device,
    Map<String, String> attributes) {}
