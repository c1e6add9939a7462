package dev.p2g.render.cuda;

import java.util.Set;

/** Which CUDA driver errors leave the context unusable (CUDA's documentation calls them sticky). */
final class CudaErrors {
  private static final Set<String> STICKY = Set.of(
      "CUDA_ERROR_ILLEGAL_ADDRESS",
      "CUDA_ERROR_LAUNCH_FAILED",
      "CUDA_ERROR_HARDWARE_STACK_ERROR",
      "CUDA_ERROR_ILLEGAL_INSTRUCTION",
      "CUDA_ERROR_MISALIGNED_ADDRESS",
      "CUDA_ERROR_INVALID_ADDRESS_SPACE",
      "CUDA_ERROR_INVALID_PC",
      "CUDA_ERROR_ECC_UNCORRECTABLE",
      "CUDA_ERROR_CONTEXT_IS_DESTROYED",
      "CUDA_ERROR_LAUNCH_TIMEOUT",
      "CUDA_ERROR_UNKNOWN");

  private CudaErrors() {}

  /** JCuda's exceptions carry the CUresult's name as their message. */
  static boolean isSticky(Throwable e) {
    String message = String.valueOf(e.getMessage());
    return STICKY.stream().anyMatch(message::contains);
  }
}
