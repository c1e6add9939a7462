/*
 * CUDA kernels of the Gaussian field renderer (docs/design.md, "Rendering"), batched: one launch
 * of each kernel serves every field of a batch, so many small images do not mean many small
 * launches. The per-pixel math is p2g_field.h, which CudaMathHostTest also builds with g++ and
 * checks against the float64 reference.
 *
 * Built into the jar by build.sh (nvcc, fatbin with cubins and PTX); the launcher loads the
 * fatbin with cuModuleLoadData and finds the kernels by these unmangled names.
 */
#include "p2g_field.h"

/* One field of a batch. Offsets count elements of the batch's buffers. */
typedef struct {
  long long params_offset;   /* float: the 8 parameter planes of this field */
  long long gaussian_offset; /* p2g_gaussian: this field's prepared Gaussians */
  long long out_offset;      /* float: this field's R, G, B output planes */
  int width, height, k;      /* LR size and anchors per LR pixel per axis */
  int out_width, out_height;
  int anti_alias;
} p2g_job;

/* Grid: x over the Gaussians of the largest field, y over the jobs. reach_bits[j] receives
 * job j's largest reach as the bits of a non-negative float (whose order is that of unsigned
 * ints, so atomicMax works); the host zeroes it before the launch. */
extern "C" __global__ void p2g_prepare_kernel(const p2g_job* jobs, const float* params,
                                              p2g_gaussian* gaussians, unsigned int* reach_bits) {
  const p2g_job job = jobs[blockIdx.y];
  const long long n = (long long)job.width * job.k * job.height * job.k;
  const long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= n) return;
  const double rx = (double)job.out_width / job.width;
  const double ry = (double)job.out_height / job.height;
  double reach;
  gaussians[job.gaussian_offset + i] =
      p2g_prepare(params + job.params_offset, n, i, p2g_footprint(rx, job.anti_alias),
                  p2g_footprint(ry, job.anti_alias), &reach);
  /* Rounded up to the next float so the gather's window never misses a Gaussian. */
  float r = __double2float_ru(reach);
  atomicMax(reach_bits + blockIdx.y, __float_as_uint(r));
}

/* Grid: x and y over the output pixels of the largest field (16 x 16 threads a block), z over
 * the jobs; one thread per output pixel. */
extern "C" __global__ void p2g_render_kernel(const p2g_job* jobs, const p2g_gaussian* gaussians,
                                             const unsigned int* reach_bits, float* out) {
  const p2g_job job = jobs[blockIdx.z];
  const int u = blockIdx.x * blockDim.x + threadIdx.x;
  const int v = blockIdx.y * blockDim.y + threadIdx.y;
  if (u >= job.out_width || v >= job.out_height) return;
  const double rx = (double)job.out_width / job.width;
  const double ry = (double)job.out_height / job.height;
  const double reach = __uint_as_float(reach_bits[blockIdx.z]);
  float rgb[3];
  p2g_sample(gaussians + job.gaussian_offset, job.width * job.k, job.height * job.k, job.k,
             (u + 0.5) / rx, (v + 0.5) / ry, reach, rgb);
  const long long plane = (long long)job.out_width * job.out_height;
  const long long o = job.out_offset + (long long)v * job.out_width + u;
  out[o] = rgb[0];
  out[o + plane] = rgb[1];
  out[o + 2 * plane] = rgb[2];
}
