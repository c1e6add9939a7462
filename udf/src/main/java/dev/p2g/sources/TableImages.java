package dev.p2g.sources;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

/**
 * Where the images of a Parquet input table are (--input-format parquet): the image column,
 * binary or a struct with a binary "bytes" field (the layout of many public image datasets,
 * often with a "path" beside it), optionally the column that holds each image's key, and the
 * columns whose values each image carries into fields/ and manifest/ as its attributes.
 */
public record TableImages(String imageColumn, String keyColumn, List<String> keepColumns) implements Serializable {
  public TableImages {
    keepColumns = List.copyOf(keepColumns);
  }

  static final String BYTES = "bytes";
  static final String PATH = "path";

  /** Why a file's schema does not hold images where this says, or null when it does. */
  String problem(MessageType schema) {
    if (!schema.containsField(imageColumn)) {
      return "has no column '" + imageColumn + "' (--image-column); its columns: " + names(schema);
    }
    Type image = schema.getType(imageColumn);
    if (!isBinary(image) && !(image instanceof GroupType g && g.containsField(BYTES) && isBinary(g.getType(BYTES)))) {
      return "column '" + imageColumn + "' is " + image + ": neither binary nor a struct with a binary '" + BYTES
          + "' field";
    }
    if (keyColumn != null) {
      if (!schema.containsField(keyColumn)) {
        return "has no column '" + keyColumn + "' (--key-column); its columns: " + names(schema);
      }
      Type key = schema.getType(keyColumn);
      if (!key.isPrimitive() || key.asPrimitiveType().getPrimitiveTypeName() == PrimitiveType.PrimitiveTypeName.BOOLEAN) {
        return "key column '" + keyColumn + "' is " + key + ": it must be a string or an integer";
      }
    }
    for (String kept : keepColumns) {
      if (!schema.containsField(kept)) {
        return "has no column '" + kept + "' (--keep-columns); its columns: " + names(schema);
      }
      if (!schema.getType(kept).isPrimitive()) {
        return "column '" + kept + "' to keep is " + schema.getType(kept) + ": only plain values are kept";
      }
    }
    return null;
  }

  /** Whether listing reads any column: for keys, or for values to keep. */
  boolean listingReads(MessageType schema) {
    return keyColumn != null || keysFromPath(schema) || !keepColumns.isEmpty();
  }

  /** The image struct's "path" field, when the key is not given and the struct has one. */
  boolean keysFromPath(MessageType schema) {
    return keyColumn == null && schema.getType(imageColumn) instanceof GroupType g && g.containsField(PATH)
        && isBinary(g.getType(PATH));
  }

  /** Only the columns the listing reads: the key column or the image struct's path, and the columns to keep. */
  MessageType listingProjection(MessageType schema) {
    List<Type> fields = new ArrayList<>();
    if (keyColumn != null) {
      fields.add(schema.getType(keyColumn));
    } else if (keysFromPath(schema)) {
      GroupType image = schema.getType(imageColumn).asGroupType();
      fields.add(new GroupType(image.getRepetition(), image.getName(), image.getType(PATH)));
    }
    for (String kept : keepColumns) {
      if (!kept.equals(keyColumn)) {
        fields.add(schema.getType(kept));
      }
    }
    return new MessageType(schema.getName(), fields);
  }

  /** Only the image's bytes: what encode reads. */
  MessageType bytesProjection(MessageType schema) {
    Type image = schema.getType(imageColumn);
    if (image.isPrimitive()) {
      return new MessageType(schema.getName(), image);
    }
    GroupType g = image.asGroupType();
    return new MessageType(schema.getName(), new GroupType(g.getRepetition(), g.getName(), g.getType(BYTES)));
  }

  private static boolean isBinary(Type t) {
    return t.isPrimitive() && t.asPrimitiveType().getPrimitiveTypeName() == PrimitiveType.PrimitiveTypeName.BINARY;
  }

  private static String names(MessageType schema) {
    return String.join(", ", schema.getFields().stream().map(Type::getName).toList());
  }
}
