/*
 * Per-pixel math of the Gaussian field, version 1 (docs/design.md, "Rendering"), shared by the
 * CUDA kernels (p2g_render.cu) and a host build: the Maven test CudaMathHostTest compiles this
 * header with g++ and checks it against the float64 reference renderer, so the math the GPU
 * runs is tested on machines without one.
 *
 * The render is a gather: every output pixel visits the anchors whose Gaussians can reach it
 * (one thread per pixel, no atomics, deterministic sums). A first pass turns each Gaussian's
 * stored parameters into what the gather needs (inverse covariance with the anti-aliasing
 * footprint, colour gain), once per Gaussian and scale instead of once per pixel.
 *
 * Constants must equal dev.p2g.field.FieldContract; CudaMathHostTest fails when they do not.
 */
#ifndef P2G_FIELD_H
#define P2G_FIELD_H

#ifdef __CUDACC__
#define P2G_HD __host__ __device__ __forceinline__
#else
#include <math.h>
#define P2G_HD static inline
#endif

/* Parameter planes of a field, in storage order. */
#define P2G_DX 0
#define P2G_DY 1
#define P2G_L11 2
#define P2G_L21 3
#define P2G_L22 4
#define P2G_R 5
#define P2G_G 6
#define P2G_B 7
#define P2G_PARAMS 8

#define P2G_TAU (1.0 / 255.0)
/* q at which exp(-q/2) = TAU: 2 ln 255. */
#define P2G_Q_CUTOFF 11.082527090316852
#define P2G_ANTI_ALIAS_RHO 0.5
#define P2G_MIN_CHOLESKY_DET 1e-12

/* What the gather needs of one Gaussian: its offset, the inverse covariance as
 * q = ia dx^2 + ib dx dy + ic dy^2, and its colour times the anti-aliasing gain.
 * A degenerate Gaussian has zero colour (it adds nothing) and zero reach. */
typedef struct {
  float ox, oy, ia, ib, ic, cr, cg, cb;
} p2g_gaussian;

/* Footprint variance, in LR pixels squared, for an axis rendered at output/input ratio r:
 * (rho / r)^2 on downscaled axes, 0 elsewhere (or everywhere without anti-aliasing). */
P2G_HD double p2g_footprint(double r, int anti_alias) {
  return anti_alias && r < 1.0 ? (P2G_ANTI_ALIAS_RHO / r) * (P2G_ANTI_ALIAS_RHO / r) : 0.0;
}

/* Gaussian i of a field of n Gaussians stored as planes (params[plane * n + i]). reach_out
 * receives the distance from its anchor, in LR pixels, beyond which its weight is 0. */
P2G_HD p2g_gaussian p2g_prepare(const float* params, long n, long i, double pad_x, double pad_y,
                                double* reach_out) {
  p2g_gaussian g;
  double l11 = params[P2G_L11 * n + i];
  double l21 = params[P2G_L21 * n + i];
  double l22 = params[P2G_L22 * n + i];
  double chol_det = l11 * l22;
  g.ox = params[P2G_DX * n + i];
  g.oy = params[P2G_DY * n + i];
  if (fabs(chol_det) < P2G_MIN_CHOLESKY_DET) {
    g.ia = g.ib = g.ic = 0.0f;
    g.cr = g.cg = g.cb = 0.0f;
    *reach_out = 0.0;
    return g;
  }
  double sxx = l11 * l11 + pad_x;
  double sxy = l11 * l21;
  double syy = l21 * l21 + l22 * l22 + pad_y;
  double det = sxx * syy - sxy * sxy;
  /* Convolving with the footprint keeps each Gaussian's integral: c' = c sqrt(det S / det S'). */
  double gain = pad_x == 0.0 && pad_y == 0.0 ? 1.0 : fabs(chol_det) / sqrt(det);
  g.ia = (float)(syy / det);
  g.ib = (float)(-2.0 * sxy / det);
  g.ic = (float)(sxx / det);
  g.cr = (float)(params[P2G_R * n + i] * gain);
  g.cg = (float)(params[P2G_G * n + i] * gain);
  g.cb = (float)(params[P2G_B * n + i] * gain);
  /* The q = Q_CUTOFF ellipse lies within sqrt(Q_CUTOFF * largest eigenvalue) of the centre. */
  double half = 0.5 * (sxx - syy);
  double lambda = 0.5 * (sxx + syy) + sqrt(half * half + sxy * sxy);
  *reach_out = sqrt((double)g.ox * g.ox + (double)g.oy * g.oy) + sqrt(P2G_Q_CUTOFF * lambda);
  return g;
}

/* The field at the sample (x, y), in LR pixels, from the prepared Gaussians of a gw x gh anchor
 * grid (k anchors per LR pixel per axis, anchor (a, b) at ((a + 0.5) / k, (b + 0.5) / k));
 * reach bounds every Gaussian's reach. Clamped to [0, 1]. The sample minus anchor difference is
 * taken in double: far from the origin of a large image a float loses the fraction. */
P2G_HD void p2g_sample(const p2g_gaussian* g, int gw, int gh, int k, double x, double y, double reach,
                       float out[3]) {
  const float weight_scale = (float)(1.0 / (1.0 - P2G_TAU));
  const float tau = (float)P2G_TAU;
  const float q_cutoff = (float)P2G_Q_CUTOFF;
  int a0 = (int)ceil(k * (x - reach) - 0.5);
  int a1 = (int)floor(k * (x + reach) - 0.5);
  int b0 = (int)ceil(k * (y - reach) - 0.5);
  int b1 = (int)floor(k * (y + reach) - 0.5);
  if (a0 < 0) a0 = 0;
  if (b0 < 0) b0 = 0;
  if (a1 > gw - 1) a1 = gw - 1;
  if (b1 > gh - 1) b1 = gh - 1;
  float r = 0.0f, gr = 0.0f, bl = 0.0f;
  for (int b = b0; b <= b1; b++) {
    float ay = (float)(y - (b + 0.5) / k);
    const p2g_gaussian* row = g + (long)b * gw;
    for (int a = a0; a <= a1; a++) {
      const p2g_gaussian* p = row + a;
      float dx = (float)(x - (a + 0.5) / k) - p->ox;
      float dy = ay - p->oy;
      float q = p->ia * dx * dx + p->ib * dx * dy + p->ic * dy * dy;
      if (q < q_cutoff) {
        float w = (expf(-0.5f * q) - tau) * weight_scale;
        if (w > 0.0f) {
          r += p->cr * w;
          gr += p->cg * w;
          bl += p->cb * w;
        }
      }
    }
  }
  out[0] = fminf(1.0f, fmaxf(0.0f, r));
  out[1] = fminf(1.0f, fmaxf(0.0f, gr));
  out[2] = fminf(1.0f, fmaxf(0.0f, bl));
}

/* One field of a batch (CudaRenderer packs these, 48 bytes each). Offsets count elements of the
 * batch's buffers. */
typedef struct {
  long long params_offset;   /* float: the 8 parameter planes of this field */
  long long gaussian_offset; /* p2g_gaussian: this field's prepared Gaussians */
  long long out_offset;      /* float: this field's R, G, B output planes */
  int width, height, k;      /* LR size and anchors per LR pixel per axis */
  int out_width, out_height;
  int anti_alias;
} p2g_job;

/* Prepares Gaussian i of a job; false when i is past the job's Gaussians. */
P2G_HD int p2g_prepare_job(p2g_job job, const float* params, p2g_gaussian* gaussians, long long i,
                           double* reach) {
  const long long n = (long long)job.width * job.k * job.height * job.k;
  if (i >= n) return 0;
  const double rx = (double)job.out_width / job.width;
  const double ry = (double)job.out_height / job.height;
  gaussians[job.gaussian_offset + i] = p2g_prepare(params + job.params_offset, n, i,
      p2g_footprint(rx, job.anti_alias), p2g_footprint(ry, job.anti_alias), reach);
  return 1;
}

/* Renders output pixel (u, v) of a job into its planes; nothing outside the job's image. */
P2G_HD void p2g_render_job(p2g_job job, const p2g_gaussian* gaussians, double reach, float* out, int u,
                           int v) {
  if (u >= job.out_width || v >= job.out_height) return;
  const double rx = (double)job.out_width / job.width;
  const double ry = (double)job.out_height / job.height;
  float rgb[3];
  p2g_sample(gaussians + job.gaussian_offset, job.width * job.k, job.height * job.k, job.k,
             (u + 0.5) / rx, (v + 0.5) / ry, reach, rgb);
  const long long plane = (long long)job.out_width * job.out_height;
  const long long o = job.out_offset + (long long)v * job.out_width + u;
  out[o] = rgb[0];
  out[o + plane] = rgb[1];
  out[o + 2 * plane] = rgb[2];
}

#endif /* P2G_FIELD_H */
