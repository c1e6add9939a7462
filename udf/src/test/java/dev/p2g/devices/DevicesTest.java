package dev.p2g.devices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A task's GPU addresses: one is used; several are reported, not silently narrowed to the first. */
class DevicesTest {
  @Test
  void severalAddressesAreToldOfAndTheFirstIsUsed() {
    List<String> told = new ArrayList<>();
    assertEquals(Optional.of("2"), Devices.first(new String[] {"2", "3"}, told::add));
    assertEquals(1, told.size(), told.toString());
    assertTrue(told.get(0).contains("2 GPUs [2, 3]") && told.get(0).contains("spark.task.resource.gpu.amount"),
        told.get(0));
  }

  @Test
  void oneAddressOrNoneIsQuiet() {
    List<String> told = new ArrayList<>();
    assertEquals(Optional.of("1"), Devices.first(new String[] {"1"}, told::add));
    assertEquals(Optional.empty(), Devices.first(new String[0], told::add));
    assertEquals(List.of(), told);
  }
}
