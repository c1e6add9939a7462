// Host build of the CUDA kernels' per-pixel math (src/main/cuda/p2g_field.h), driven the way the
// kernels drive it: a prepare pass over the Gaussians, then one p2g_sample per output pixel.
// CudaMathHostTest compiles it with g++ and compares its output with the float64 reference.
//
//   render_host IN OUT
//   render_host --constants
// IN: int32 width, height, k, out_width, out_height, anti_alias (little-endian), then the
// 8 parameter planes of the (width k) x (height k) anchor grid as float32.
// OUT: float32 planes R, G, B of out_width x out_height.
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "p2g_field.h"

static bool read_all(FILE* f, void* to, size_t bytes) { return fread(to, 1, bytes, f) == bytes; }

int main(int argc, char** argv) {
  if (argc == 2 && std::string(argv[1]) == "--constants") {
    // What the compiled header holds, for the test to compare with FieldContract.
    printf("TAU %.17g\nQ_CUTOFF %.17g\nANTI_ALIAS_RHO %.17g\nMIN_CHOLESKY_DET %.17g\n", P2G_TAU,
           P2G_Q_CUTOFF, P2G_ANTI_ALIAS_RHO, P2G_MIN_CHOLESKY_DET);
    printf("PARAMS %d\nDX %d\nDY %d\nL11 %d\nL21 %d\nL22 %d\nR %d\nG %d\nB %d\n", P2G_PARAMS, P2G_DX,
           P2G_DY, P2G_L11, P2G_L21, P2G_L22, P2G_R, P2G_G, P2G_B);
    return 0;
  }
  if (argc != 3) {
    fprintf(stderr, "usage: render_host IN OUT | render_host --constants\n");
    return 2;
  }
  FILE* in = fopen(argv[1], "rb");
  if (!in) {
    perror(argv[1]);
    return 1;
  }
  int32_t h[6];
  if (!read_all(in, h, sizeof h)) {
    fprintf(stderr, "%s: short header\n", argv[1]);
    return 1;
  }
  const int width = h[0], height = h[1], k = h[2], out_w = h[3], out_h = h[4], anti_alias = h[5];
  const int gw = width * k, gh = height * k;
  const long n = (long)gw * gh;
  std::vector<float> params(P2G_PARAMS * n);
  if (!read_all(in, params.data(), params.size() * sizeof(float))) {
    fprintf(stderr, "%s: short parameters\n", argv[1]);
    return 1;
  }
  fclose(in);

  const double rx = (double)out_w / width, ry = (double)out_h / height;
  const double pad_x = p2g_footprint(rx, anti_alias), pad_y = p2g_footprint(ry, anti_alias);
  std::vector<p2g_gaussian> prepared(n);
  double reach = 0.0;
  for (long i = 0; i < n; i++) {
    double r;
    prepared[i] = p2g_prepare(params.data(), n, i, pad_x, pad_y, &r);
    if (r > reach) reach = r;
  }
  const long plane = (long)out_w * out_h;
  std::vector<float> out(3 * plane);
  for (int v = 0; v < out_h; v++) {
    for (int u = 0; u < out_w; u++) {
      float rgb[3];
      p2g_sample(prepared.data(), gw, gh, k, (u + 0.5) / rx, (v + 0.5) / ry, reach, rgb);
      const long o = (long)v * out_w + u;
      out[o] = rgb[0];
      out[plane + o] = rgb[1];
      out[2 * plane + o] = rgb[2];
    }
  }
  FILE* f = fopen(argv[2], "wb");
  if (!f || fwrite(out.data(), sizeof(float), out.size(), f) != out.size() || fclose(f) != 0) {
    perror(argv[2]);
    return 1;
  }
  return 0;
}
