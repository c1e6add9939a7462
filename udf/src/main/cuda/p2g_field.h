/*
 * Per-pixel math of the Gaussian field, version 1 (docs/design.md, "Rendering"), shared by the
 * CUDA kernels (p2g_render.cu) and a host build: the Maven test CudaMathHostTest compiles this
 * header with g++ and checks it against the float64 reference renderer, so the math the GPU
 * runs is tested on machines without one.
 *
 * The render is a gather: every sample visits the anchors whose Gaussians can reach it (one
 * thread per sample, no atomics, deterministic sums). A first pass turns each Gaussian's stored
 * parameters into what the gather needs (inverse covariance, colour), once per Gaussian and
 * scale instead of once per sample. A level below scale 1 samples its reduced axes at the LR
 * pixel centres and is then reduced by Lanczos3, across then down (two more passes, one thread
 * per value, the weights computed where they are used). The field of a model trained on a
 * degradation samples its axes at and below scale 1 at factor times the LR pixels, and reduces
 * them to the LR size by the bicubic of its training before the Lanczos3 (SampleGrid).
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
/* Lobes of the Lanczos kernel that reduces levels below scale 1, and how much wider than the
 * in/out ratio it is stretched (FieldContract.REDUCTION_STRETCH). */
#define P2G_LANCZOS_LOBES 3
#define P2G_REDUCTION_STRETCH 1.05
#define P2G_MIN_CHOLESKY_DET 1e-12

/* What the gather needs of one Gaussian: its offset, the inverse covariance as
 * q = ia dx^2 + ib dx dy + ic dy^2, and its colour.
 * A degenerate Gaussian has zero colour (it adds nothing) and zero reach. */
typedef struct {
  float ox, oy, ia, ib, ic, cr, cg, cb;
} p2g_gaussian;

/* Half-width, on an axis of the given variance, of the box around a Gaussian's centre outside
 * which its weight is 0 (the q = Q_CUTOFF ellipse's bounding box): the one definition of a
 * Gaussian's reach, FieldContract.boxHalfWidth on the Java side. */
P2G_HD double p2g_box_half_width(double variance) { return sqrt(P2G_Q_CUTOFF * variance); }

/* Gaussian i of a field of n Gaussians stored as planes (params[plane * n + i]). reach_out
 * receives the distance from its anchor, in LR pixels, beyond which its weight is 0. */
P2G_HD p2g_gaussian p2g_prepare(const float* params, long n, long i, double* reach_out) {
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
  double sxx = l11 * l11;
  double sxy = l11 * l21;
  double syy = l21 * l21 + l22 * l22;
  double det = sxx * syy - sxy * sxy;
  g.ia = (float)(syy / det);
  g.ib = (float)(-2.0 * sxy / det);
  g.ic = (float)(sxx / det);
  g.cr = params[P2G_R * n + i];
  g.cg = params[P2G_G * n + i];
  g.cb = params[P2G_B * n + i];
  /* The gather's window is square: the reach is the farther side of the box, from the anchor. */
  const double reach_x = fabs((double)g.ox) + p2g_box_half_width(sxx);
  const double reach_y = fabs((double)g.oy) + p2g_box_half_width(syy);
  *reach_out = reach_x > reach_y ? reach_x : reach_y;
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

/* Lanczos3 at t input pixels from the output's centre: sinc(t) sinc(t / 3) for |t| < 3. */
P2G_HD double p2g_lanczos3(double t) {
  if (t == 0.0) return 1.0;
  if (t <= -P2G_LANCZOS_LOBES || t >= P2G_LANCZOS_LOBES) return 0.0;
  const double pt = 3.14159265358979323846 * t;
  return P2G_LANCZOS_LOBES * sin(pt) * sin(pt / P2G_LANCZOS_LOBES) / (pt * pt);
}

/* The inputs [*lo, *hi) of output u of an axis of n samples resized to m, for a kernel of the
 * given lobes stretched by scale input pixels: those within lobes * scale of the output's
 * centre (u + 0.5) n / m, which it returns. */
P2G_HD double p2g_window(int n, int m, int u, int lobes, double scale, int* lo, int* hi) {
  const double centre = (u + 0.5) * n / m;
  const double support = lobes * scale;
  *lo = (int)floor(centre - support + 0.5);
  *hi = (int)floor(centre + support + 0.5);
  if (*lo < 0) *lo = 0;
  if (*hi > n) *hi = n;
  return centre;
}

/* Output u of an axis of n samples reduced to m < n (docs/design.md, "Downscales"): the weighted
 * sum of src[i * stride], i in the kernel's window, over the sum of the weights. */
P2G_HD float p2g_reduce(const float* src, long long stride, int n, int m, int u) {
  const double scale = (double)n / m * P2G_REDUCTION_STRETCH;
  int lo, hi;
  const double centre = p2g_window(n, m, u, P2G_LANCZOS_LOBES, scale, &lo, &hi);
  double total = 0.0;
  float sum = 0.0f;
  for (int i = lo; i < hi; i++) {
    const double w = p2g_lanczos3((i + 0.5 - centre) / scale);
    total += w;
    sum += (float)w * src[i * stride];
  }
  return total == 0.0 ? 0.0f : (float)(sum / total);
}

/* Keys' cubic (a = -0.5) at t, Pillow's BICUBIC. */
P2G_HD double p2g_cubic(double t) {
  const double a = -0.5;
  const double x = fabs(t);
  if (x < 1.0) return ((a + 2.0) * x - (a + 3.0)) * x * x + 1.0;
  if (x < 2.0) return (((x - 5.0) * x + 8.0) * x - 4.0) * a;
  return 0.0;
}

/* Output u of an axis of n samples reduced to m < n by the antialiased bicubic of Pillow (the
 * degradation models are trained on), in double. */
P2G_HD double p2g_bicubic_reduce(const float* src, long long stride, int n, int m, int u) {
  const double scale = (double)n / m;
  int lo, hi;
  const double centre = p2g_window(n, m, u, 2, scale, &lo, &hi);
  double total = 0.0;
  double sum = 0.0;
  for (int i = lo; i < hi; i++) {
    const double w = p2g_cubic((i + 0.5 - centre) / scale);
    total += w;
    sum += w * src[i * stride];
  }
  return total == 0.0 ? 0.0 : sum / total;
}

/* Output u of a reduced axis of n samples, lr LR pixels and m outputs: with factor 1 the samples
 * are the LR pixel centres, reduced by Lanczos3 (p2g_reduce); with factor f > 1 there are f * lr
 * samples, reduced to lr by the bicubic, then to m by the same Lanczos3 (docs/design.md, "Scale
 * 1 and downscales"). */
P2G_HD float p2g_reduce_axis(const float* src, long long stride, int n, int lr, int m, int factor, int u) {
  if (n == m) return src[u * stride];
  if (factor <= 1) return p2g_reduce(src, stride, n, m, u);
  if (lr == m) return (float)p2g_bicubic_reduce(src, stride, n, lr, u);
  const double scale = (double)lr / m * P2G_REDUCTION_STRETCH;
  int lo, hi;
  const double centre = p2g_window(lr, m, u, P2G_LANCZOS_LOBES, scale, &lo, &hi);
  double total = 0.0;
  double sum = 0.0;
  for (int j = lo; j < hi; j++) {
    const double w = p2g_lanczos3((j + 0.5 - centre) / scale);
    total += w;
    sum += w * p2g_bicubic_reduce(src, stride, n, lr, j);
  }
  return total == 0.0 ? 0.0f : (float)(sum / total);
}

/* One field of a batch (CudaRenderer packs these, 88 bytes each). Offsets count floats of the
 * batch's buffers (gaussian_offset: p2g_gaussians). A level that reduces samples a
 * sample_width x sample_height grid into the samples buffer, reduces across into the
 * out_width x sample_height planes at mid_offset, then down into the output; one that does not
 * samples straight into the output (its sample_offset is its out_offset in that buffer).
 *
 * A job may also be a band of a larger image (a tiled image, rendered strip by strip): the field
 * is then the image's LR rows [origin_y, origin_y + height) at full width, and the job samples
 * rows [row0, row0 + sample_height) of the image's grid_height-row sample grid, whose rows are
 * spaced for an image_height-row LR image. A whole field has origin_y = row0 = 0,
 * image_height = height and grid_height = sample_height. Bands are never reduced on the GPU. */
typedef struct {
  long long params_offset;   /* float: the 8 parameter planes of this field */
  long long gaussian_offset; /* p2g_gaussian: this field's prepared Gaussians */
  long long sample_offset;   /* float: R, G, B planes of the samples */
  long long mid_offset;      /* float: R, G, B planes reduced across */
  long long out_offset;      /* float: R, G, B planes of the output */
  int width, height, k;      /* LR size of the field and anchors per LR pixel per axis */
  int sample_width, sample_height;
  int out_width, out_height;
  int origin_y;              /* LR row of the image where the field's first row lies */
  int image_height;          /* LR rows of the whole image */
  int grid_height;           /* sample rows of the whole image */
  int row0;                  /* the image's sample row of this job's first sample row */
  int factor;                /* samples per LR pixel of a reduced axis (SampleGrid): 1, or a
                                degradation's render scale */
} p2g_job;

/* Prepares Gaussian i of a job; false when i is past the job's Gaussians. */
P2G_HD int p2g_prepare_job(p2g_job job, const float* params, p2g_gaussian* gaussians, long long i,
                           double* reach) {
  const long long n = (long long)job.width * job.k * job.height * job.k;
  if (i >= n) return 0;
  gaussians[job.gaussian_offset + i] = p2g_prepare(params + job.params_offset, n, i, reach);
  return 1;
}

/* Sample (u, v) of a job's grid into its sample planes; nothing outside the grid. */
P2G_HD void p2g_render_job(p2g_job job, const p2g_gaussian* gaussians, double reach, float* samples, int u,
                           int v) {
  if (u >= job.sample_width || v >= job.sample_height) return;
  const double rx = (double)job.sample_width / job.width;
  const double ry = (double)job.grid_height / job.image_height;
  float rgb[3];
  p2g_sample(gaussians + job.gaussian_offset, job.width * job.k, job.height * job.k, job.k,
             (u + 0.5) / rx, (job.row0 + v + 0.5) / ry - job.origin_y, reach, rgb);
  const long long plane = (long long)job.sample_width * job.sample_height;
  const long long o = job.sample_offset + (long long)v * job.sample_width + u;
  samples[o] = rgb[0];
  samples[o + plane] = rgb[1];
  samples[o + 2 * plane] = rgb[2];
}

/* Value (u, row j) of a job's planes reduced across, from its (clamped) samples. */
P2G_HD void p2g_reduce_across_job(p2g_job job, const float* samples, float* mid, int u, int j) {
  if (u >= job.out_width || j >= job.sample_height) return;
  const long long in_plane = (long long)job.sample_width * job.sample_height;
  const long long out_plane = (long long)job.out_width * job.sample_height;
  for (int c = 0; c < 3; c++) {
    const float* row = samples + job.sample_offset + c * in_plane + (long long)j * job.sample_width;
    mid[job.mid_offset + c * out_plane + (long long)j * job.out_width + u] =
        p2g_reduce_axis(row, 1, job.sample_width, job.width, job.out_width, job.factor, u);
  }
}

/* Output pixel (u, v) of a job, reduced down from its planes reduced across, clamped to [0, 1]. */
P2G_HD void p2g_reduce_down_job(p2g_job job, const float* mid, float* out, int u, int v) {
  if (u >= job.out_width || v >= job.out_height) return;
  const long long in_plane = (long long)job.out_width * job.sample_height;
  const long long out_plane = (long long)job.out_width * job.out_height;
  for (int c = 0; c < 3; c++) {
    const float* column = mid + job.mid_offset + c * in_plane + u;
    const float value =
        p2g_reduce_axis(column, job.out_width, job.sample_height, job.height, job.out_height, job.factor, v);
    out[job.out_offset + c * out_plane + (long long)v * job.out_width + u] = fminf(1.0f, fmaxf(0.0f, value));
  }
}

#endif /* P2G_FIELD_H */
