#version 450
// Memory bandwidth: a plain vec4 copy, one element per invocation.
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"

layout(std430, binding = 0) readonly buffer Input { vec4 inp[]; };
layout(std430, binding = 1) writeonly buffer Output { vec4 outp[]; };
layout(push_constant) uniform Params { int count; } p;

void main() {
  const int i = int(gl_GlobalInvocationID.x);
  if (i < p.count) outp[i] = inp[i];
}
