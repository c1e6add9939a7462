// What the CUDA kernels' header (src/main/cuda/p2g_field.h) holds, built for the host with g++:
// CudaMathHostTest compares these constants with FieldContract and ResampleFilter.
#include <cstdio>

#include "p2g_field.h"

int main() {
  printf("TAU %.17g\nQ_CUTOFF %.17g\nLANCZOS_LOBES %d\nREDUCTION_STRETCH %.17g\nMIN_CHOLESKY_DET %.17g\n", P2G_TAU,
         P2G_Q_CUTOFF, P2G_LANCZOS_LOBES, P2G_REDUCTION_STRETCH, P2G_MIN_CHOLESKY_DET);
  printf("PARAMS %d\nDX %d\nDY %d\nL11 %d\nL21 %d\nL22 %d\nR %d\nG %d\nB %d\n", P2G_PARAMS, P2G_DX, P2G_DY,
         P2G_L11, P2G_L21, P2G_L22, P2G_R, P2G_G, P2G_B);
  return 0;
}
