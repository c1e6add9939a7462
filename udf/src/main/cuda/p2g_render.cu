/*
 * CUDA kernels of the Gaussian field renderer (docs/design.md, "Rendering"), batched: one launch
 * of each kernel serves every field of a batch, so many small images do not mean many small
 * launches. The per-pixel math is p2g_field.h, which CudaMathHostTest also builds with g++ and
 * checks against the float64 reference.
 *
 * Built into the jar by build.sh (nvcc, fatbin with cubins and PTX); the launcher loads the
 * fatbin with cuModuleLoadData and finds the kernels by these unmangled names. The kernels only
 * map threads to work: what a thread does is p2g_prepare_job and p2g_render_job in p2g_field.h,
 * which the host test runs over the same batch layout.
 */
#include "p2g_field.h"

/* Grid: x over the Gaussians of the largest field, y over the jobs. reach_bits[j] receives
 * job j's largest reach as the bits of a non-negative float (whose order is that of unsigned
 * ints, so atomicMax works); the host zeroes it before the launch. */
extern "C" __global__ void p2g_prepare_kernel(const p2g_job* jobs, const float* params,
                                              p2g_gaussian* gaussians, unsigned int* reach_bits) {
  const long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x;
  double reach;
  if (!p2g_prepare_job(jobs[blockIdx.y], params, gaussians, i, &reach)) return;
  /* Rounded up to the next float so the gather's window never misses a Gaussian. */
  atomicMax(reach_bits + blockIdx.y, __float_as_uint(__double2float_ru(reach)));
}

/* Grid: x and y over the output pixels of the largest field (16 x 16 threads a block), z over
 * the jobs; one thread per output pixel. */
extern "C" __global__ void p2g_render_kernel(const p2g_job* jobs, const p2g_gaussian* gaussians,
                                             const unsigned int* reach_bits, float* out) {
  p2g_render_job(jobs[blockIdx.z], gaussians, __uint_as_float(reach_bits[blockIdx.z]), out,
                 blockIdx.x * blockDim.x + threadIdx.x, blockIdx.y * blockDim.y + threadIdx.y);
}
