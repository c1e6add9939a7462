/*
 * CUDA kernels of the Gaussian field renderer (docs/design.md, "Rendering"), batched: one launch
 * of each kernel serves every field of a batch, so many small images do not mean many small
 * launches. Levels below scale 1 take two more launches, the Lanczos3 reduction across and down. The per-pixel math is p2g_field.h, which CudaMathHostTest also builds with g++ and
 * checks against the float64 reference.
 *
 * Built into the jar by build.sh (nvcc, fatbin with cubins and PTX); the launcher loads the
 * fatbin with cuModuleLoadData and finds the kernels by these unmangled names. The kernels only
 * map threads to work: what a thread does is p2g_prepare_job, p2g_render_job and the
 * p2g_reduce_*_job functions of p2g_field.h, which the host test runs over the same batch layout.
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

/* Grid: x and y over the samples of the largest grid (16 x 16 threads a block), z over the jobs;
 * one thread per sample. */
extern "C" __global__ void p2g_render_kernel(const p2g_job* jobs, const p2g_gaussian* gaussians,
                                             const unsigned int* reach_bits, float* samples) {
  p2g_render_job(jobs[blockIdx.z], gaussians, __uint_as_float(reach_bits[blockIdx.z]), samples,
                 blockIdx.x * blockDim.x + threadIdx.x, blockIdx.y * blockDim.y + threadIdx.y);
}

/* Grid: x over the output columns, y over the sample rows of the largest job, z over the jobs. */
extern "C" __global__ void p2g_reduce_across_kernel(const p2g_job* jobs, const float* samples, float* mid) {
  p2g_reduce_across_job(jobs[blockIdx.z], samples, mid, blockIdx.x * blockDim.x + threadIdx.x,
                        blockIdx.y * blockDim.y + threadIdx.y);
}

/* Grid: x and y over the output pixels of the largest job, z over the jobs. */
extern "C" __global__ void p2g_reduce_down_kernel(const p2g_job* jobs, const float* mid, float* out) {
  p2g_reduce_down_job(jobs[blockIdx.z], mid, out, blockIdx.x * blockDim.x + threadIdx.x,
                      blockIdx.y * blockDim.y + threadIdx.y);
}
