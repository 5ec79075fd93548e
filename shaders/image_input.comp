#version 450
// Image -> model input on the GPU: crop, resize and normalize an 8-bit RGB(A) image into the
// network's NC4HW4 input tensor, so camera frames and render targets never pass through host memory.
// The resize is the one the host path uses (PIL's BILINEAR): a triangle filter whose support widens
// with the downscale factor, evaluated here in one 2-D pass (the host rounds to 8 bits between its
// two passes, so the two paths differ by at most about one 8-bit step).
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"

layout(binding = 0) uniform sampler2D image;  // read with texelFetch: no filtering by the sampler
#ifdef MOBILEVK_INT8
// The image_input_int8 variant writes the 8-bit input tensor of integer execution (shaders/int8.glsl):
// each value put on the input's grid, q = round(value / scale) + zero point, saturated.
layout(std430, binding = 1) writeonly buffer Output { uint outp[]; };
#else
layout(std430, binding = 1) writeonly buffer Output { STORE_VEC4 outp[]; };
#endif

layout(push_constant) uniform Params {
  ivec4 crop;    // x, y, width, height in image pixels
  ivec4 dims;    // output width, output height, batch index, 1 when the view decodes sRGB
  vec4 scale;    // value = 8-bit pixel * scale + offset, per RGB channel
  vec4 offset;
  vec4 quant;    // MOBILEVK_INT8: 1 / input scale, zero point, lowest and highest value of the type
} p;

float encodeSrgb(float linear) {
  return linear <= 0.0031308 ? linear * 12.92 : 1.055 * pow(linear, 1.0 / 2.4) - 0.055;
}

void main() {
  const int x = int(gl_GlobalInvocationID.x), y = int(gl_GlobalInvocationID.y);
  const int outW = p.dims.x, outH = p.dims.y;
  if (x >= outW || y >= outH) return;
  const vec2 scaleXY = vec2(p.crop.zw) / vec2(outW, outH);
  const vec2 support = max(scaleXY, vec2(1.0));
  const vec2 center = vec2(p.crop.xy) + (vec2(x, y) + 0.5) * scaleXY;
  const ivec2 lo = max(p.crop.xy, ivec2(floor(center - support)));
  const ivec2 hi = min(p.crop.xy + p.crop.zw, ivec2(ceil(center + support)));
  vec3 acc = vec3(0.0);
  float total = 0.0;
  for (int iy = lo.y; iy < hi.y; ++iy) {
    const float wy = max(0.0, 1.0 - abs((float(iy) + 0.5 - center.y) / support.y));
    if (wy == 0.0) continue;
    for (int ix = lo.x; ix < hi.x; ++ix) {
      const float w = wy * max(0.0, 1.0 - abs((float(ix) + 0.5 - center.x) / support.x));
      acc += w * texelFetch(image, ivec2(ix, iy), 0).rgb;
      total += w;
    }
  }
  vec3 rgb = acc / max(total, 1e-20);
  if (p.dims.w != 0) rgb = vec3(encodeSrgb(rgb.r), encodeSrgb(rgb.g), encodeSrgb(rgb.b));
  const vec3 value = rgb * 255.0 * p.scale.rgb + p.offset.rgb;
#ifdef MOBILEVK_INT8
  const ivec3 q = clamp(ivec3(roundEven(value * p.quant.x)) + int(p.quant.y), ivec3(int(p.quant.z)), ivec3(int(p.quant.w)));
  const uvec4 b = uvec4(ivec4(q, int(p.quant.y))) & 0xFFu;
  outp[(p.dims.z * outH + y) * outW + x] = b.x | (b.y << 8) | (b.z << 16) | (b.w << 24);
#else
  outp[(p.dims.z * outH + y) * outW + x] = STORE_VEC4(vec4(value, 0.0));
#endif
}
