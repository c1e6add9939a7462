package dev.p2g.render.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jcuda.CudaException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which CUDA errors end the renderer's usefulness (and fail the task) and which stay a field's. */
class CudaErrorsTest {
  @ParameterizedTest
  @CsvSource({
      "CUDA_ERROR_ILLEGAL_ADDRESS, true",
      "CUDA_ERROR_LAUNCH_FAILED, true",
      "CUDA_ERROR_ECC_UNCORRECTABLE, true",
      "CUDA_ERROR_OUT_OF_MEMORY, false",
      "CUDA_ERROR_INVALID_VALUE, false",
      "CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES, false",
  })
  void stickyErrorsAreTold(String result, boolean sticky) {
    assertEquals(sticky, CudaErrors.isSticky(new CudaException(result)));
  }
}
