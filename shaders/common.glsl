// Shared by every mobilevk shader. Tensors are NC4HW4 (see engine/include/mobilevk/tensor.h):
// one vec4 holds four consecutive channels, and lanes past the real channel count stay zero.

layout(local_size_x_id = 0, local_size_y_id = 1, local_size_z_id = 2) in;

// Texel buffers (uniform texel buffer descriptors) are declared as textureBuffer/utextureBuffer and
// read with texelFetch without a sampler: a GLSL samplerBuffer compiles to a combined image sampler
// over a buffer, which SPIR-V 1.6 (Vulkan 1.3 drivers, e.g. Mesa 25) no longer allows.
#extension GL_EXT_samplerless_texture_functions : require

// Storage precision of the tensors a shader writes. Reads go through texel buffers whose format
// (R32G32B32A32 or R16G16B16A16 float) converts to vec4 by itself, so only stores differ; all
// arithmetic stays fp32. The _fp16 variant of each shader is this source built with MOBILEVK_FP16.
#ifdef MOBILEVK_FP16
#extension GL_EXT_shader_16bit_storage : require
#define STORE_VEC4 f16vec4
#else
#define STORE_VEC4 vec4
#endif

// Read-only tensors and weights: texel buffers, or, in the _ssbo builds (MOBILEVK_SSBO), storage
// buffers of the same vec4s. A texel buffer may hold only maxTexelBufferElements texels (65536 on
// the smallest mobile GPUs), so GpuOp::bindBuffers switches an op to its _ssbo build when a binding
// is larger.
#if defined(MOBILEVK_SSBO) && defined(MOBILEVK_FP16)
// fp16 tensors as pairs of words, widened in integer arithmetic: the arm64 lavapipe (LLVM 15's
// AArch64 backend) aborts compiling either a load of f16vec4 from a storage buffer or
// unpackHalf2x16 there ("Cannot select fp_extend", "Cannot select VLSHR"); found by the aarch64 job
// (scripts/aarch64.sh). Exact for zero, subnormal and normal halves (the only ones a tensor holds:
// activations are clamped, weights refused unless finite); an Inf or NaN would read as 2^16..2^17.
#define READONLY_VEC4S(b, name) layout(std430, binding = b) readonly buffer name##Block { uvec2 name##Vec4s[]; }
#define FETCH4(name, i) halfsToVec4(name##Vec4s[i])
vec4 halfsToVec4(uvec2 h) {
  const uvec4 v = uvec4(h.x & 0xFFFFu, h.x >> 16u, h.y & 0xFFFFu, h.y >> 16u);
  const uvec4 e = (v >> 10u) & 0x1Fu, m = v & 0x3FFu;
  const vec4 normal = uintBitsToFloat(((e + 112u) << 23u) | (m << 13u));  // re-biased exponent
  const vec4 subnormal = vec4(m) * exp2(-24.0);
  const vec4 magnitude = mix(normal, subnormal, equal(e, uvec4(0u)));
  return mix(magnitude, -magnitude, notEqual(v & 0x8000u, uvec4(0u)));
}
#elif defined(MOBILEVK_SSBO)
#define READONLY_VEC4S(b, name) layout(std430, binding = b) readonly buffer name##Block { vec4 name##Vec4s[]; }
#define FETCH4(name, i) name##Vec4s[i]
#else
#define READONLY_VEC4S(b, name) layout(binding = b) uniform textureBuffer name
#define FETCH4(name, i) texelFetch(name, i)
#endif

// The same for the integer kernels' 8-bit tensors and weights, four bytes to a 32-bit word: texelFetch
// of an R8G8B8A8_UINT texel buffer gives one byte per lane, of an R32_UINT one (the packed
// dot-product builds, MOBILEVK_DOT) the whole word in .x; FETCHU gives the same from a storage buffer.
#ifdef MOBILEVK_SSBO
#define READONLY_WORDS(b, name) layout(std430, binding = b) readonly buffer name##Block { uint name##Words[]; }
#ifdef MOBILEVK_DOT
#define FETCHU(name, i) uvec4(name##Words[i], 0u, 0u, 1u)
#else
#define FETCHU(name, i) ((uvec4(name##Words[i]) >> uvec4(0u, 8u, 16u, 24u)) & 0xFFu)
#endif
#else
#define READONLY_WORDS(b, name) layout(binding = b) uniform utextureBuffer name
#define FETCHU(name, i) texelFetch(name, i)
#endif

// Zero the lanes of the last channel group that lie past the real channel count, so padding lanes
// stay zero even when the activation clamp's minimum is above zero.
vec4 maskLanes(vec4 v, int validLanes) {
  return mix(vec4(0.0), v, lessThan(ivec4(0, 1, 2, 3), ivec4(validLanes)));
}

// out = sum over the four input lanes of (weights for that lane across four output channels) * lane.
vec4 mulBlock(vec4 w0, vec4 w1, vec4 w2, vec4 w3, vec4 v) {
  return w0 * v.x + w1 * v.y + w2 * v.z + w3 * v.w;
}
