package dev.p2g.job.report;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * report/summary.json: what a run made and what failed, as typed records that Jackson writes
 * (snake_case names; absent parts, such as encode in a render, are left out). The report page
 * reads the same records.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunSummary(String command, String startedAt, double wallSeconds, String output, Model model,
    String codec, String format, String deviceRequested, Long imagesListed, Stage encode, Stage render,
    Map<String, Level> levels, List<String> devicesUsed, Map<String, Long> errorsByClass, BytesStored bytesStored) {

  private static final ObjectMapper JSON = new ObjectMapper()
      .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .enable(SerializationFeature.INDENT_OUTPUT);

  /** The model the fields came from; name and k are unknown to a render of stored fields. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Model(String id, String name, Integer k) {}

  /** One stage's numbers; the source counts are encode's only. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Stage(long written, long skipped, long failed, double seconds, double busySeconds, Long sourcesHashed,
      Long sourcesChanged, Long sourceBytesRead, List<String> devices) {

    public Stage(long written, long skipped, long failed, double seconds, double busySeconds) {
      this(written, skipped, failed, round(seconds), round(busySeconds), null, null, null, null);
    }

    public Stage withSources(long hashed, long changed, long bytesRead) {
      return new Stage(written, skipped, failed, seconds, busySeconds, hashed, changed, bytesRead, devices);
    }

    /** Where the stage's tasks ran ("cpu", "cuda:0"): encode's from its tasks, render's from the manifest. */
    public Stage withDevices(List<String> used) {
      return new Stage(written, skipped, failed, seconds, busySeconds, sourcesHashed, sourcesChanged, sourceBytesRead,
          used);
    }

    /** The numbers in summary.json's order and names, for the page. */
    @SuppressWarnings("unchecked")
    Map<String, Object> named() {
      return JSON.convertValue(this, LinkedHashMap.class);
    }
  }

  /** One pyramid level, from the manifest. */
  public record Level(long images, long writtenThisRun, long bytes, List<String> devices, long failedThisRun) {}

  public record BytesStored(long fields, long pyramid) {}

  public byte[] toJson() throws JsonProcessingException {
    return JSON.writeValueAsBytes(this);
  }

  public static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }
}
