// Host run of a CUDA render batch: reads the upload CudaRenderer sends (BatchLayout: p2g_job
// records, then the parameter planes), does what the kernels' threads do (p2g_prepare_job for
// every Gaussian, the reach rounded up to a float as the kernel's atomicMax keeps it, then
// p2g_render_job for every sample and, when a level is reduced, the two reduction passes over
// their launch grids), and writes what the renderer downloads. CudaBatchHostTest and
// CudaMathHostTest compare the images it unpacks with the float64 reference.
//
//   batch_host COUNT UPLOAD DOWNLOAD
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "p2g_field.h"

static_assert(sizeof(p2g_job) == 88, "BatchLayout.JOB_BYTES");
static_assert(sizeof(p2g_gaussian) == 32, "BatchLayout.GAUSSIAN_BYTES");

static void grow(size_t& size, long long end) {
  if ((size_t)end > size) size = (size_t)end;
}

int main(int argc, char** argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: batch_host COUNT UPLOAD DOWNLOAD\n");
    return 2;
  }
  const int count = atoi(argv[1]);
  FILE* in = fopen(argv[2], "rb");
  if (!in) {
    perror(argv[2]);
    return 1;
  }
  std::vector<p2g_job> jobs(count);
  if (fread(jobs.data(), sizeof(p2g_job), count, in) != (size_t)count) {
    fprintf(stderr, "short jobs\n");
    return 1;
  }
  const p2g_job& last = jobs[count - 1];
  const long long last_n = (long long)last.width * last.k * last.height * last.k;
  std::vector<float> params(last.params_offset + P2G_PARAMS * last_n);
  if (fread(params.data(), sizeof(float), params.size(), in) != params.size()) {
    fprintf(stderr, "short parameters\n");
    return 1;
  }
  fclose(in);
  std::vector<p2g_gaussian> gaussians(last.gaussian_offset + last_n);
  bool reduces = false;
  size_t sample_size = 0, mid_size = 0, out_size = 0;
  long long max_n = 0;
  int max_sw = 0, max_sh = 0, max_w = 0, max_h = 0;
  for (const p2g_job& j : jobs) {
    long long n = (long long)j.width * j.k * j.height * j.k;
    if (n > max_n) max_n = n;
    if (j.sample_width > max_sw) max_sw = j.sample_width;
    if (j.sample_height > max_sh) max_sh = j.sample_height;
    if (j.out_width > max_w) max_w = j.out_width;
    if (j.out_height > max_h) max_h = j.out_height;
    reduces |= j.sample_width != j.out_width || j.sample_height != j.out_height;
    grow(sample_size, j.sample_offset + 3LL * j.sample_width * j.sample_height);
    grow(mid_size, j.mid_offset + 3LL * j.out_width * j.sample_height);
    grow(out_size, j.out_offset + 3LL * j.out_width * j.out_height);
  }
  std::vector<float> out(out_size);
  std::vector<float> samples(reduces ? sample_size : 0);
  std::vector<float> mid(reduces ? mid_size : 0);
  float* sampled = reduces ? samples.data() : out.data();  // as CudaRenderer chooses the buffer
  for (int b = 0; b < count; b++) {
    float reach_f = 0.0f;
    for (long long i = 0; i < max_n; i++) {  // the prepare grid covers the largest field
      double reach;
      if (p2g_prepare_job(jobs[b], params.data(), gaussians.data(), i, &reach)) {
        float r = (float)reach;
        if ((double)r < reach) r = nextafterf(r, INFINITY);  // __double2float_ru
        if (r > reach_f) reach_f = r;
      }
    }
    for (int v = 0; v < max_sh; v++) {  // the render grid covers the largest sample grid
      for (int u = 0; u < max_sw; u++) {
        p2g_render_job(jobs[b], gaussians.data(), reach_f, sampled, u, v);
      }
    }
  }
  if (reduces) {
    for (int b = 0; b < count; b++) {
      for (int j = 0; j < max_sh; j++) {
        for (int u = 0; u < max_w; u++) {
          p2g_reduce_across_job(jobs[b], samples.data(), mid.data(), u, j);
        }
      }
    }
    for (int b = 0; b < count; b++) {
      for (int v = 0; v < max_h; v++) {
        for (int u = 0; u < max_w; u++) {
          p2g_reduce_down_job(jobs[b], mid.data(), out.data(), u, v);
        }
      }
    }
  }
  FILE* f = fopen(argv[3], "wb");
  if (!f || fwrite(out.data(), sizeof(float), out.size(), f) != out.size() || fclose(f) != 0) {
    perror(argv[3]);
    return 1;
  }
  return 0;
}
