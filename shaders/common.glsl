// Shared by every mobilevk shader. Tensors are NC4HW4 (see engine/include/mobilevk/tensor.h):
// one vec4 holds four consecutive channels, and lanes past the real channel count stay zero.

layout(local_size_x_id = 0, local_size_y_id = 1, local_size_z_id = 2) in;

// Zero the lanes of the last channel group that lie past the real channel count, so padding lanes
// stay zero even when the activation clamp's minimum is above zero.
vec4 maskLanes(vec4 v, int validLanes) {
  return mix(vec4(0.0), v, lessThan(ivec4(0, 1, 2, 3), ivec4(validLanes)));
}

// out = sum over the four input lanes of (weights for that lane across four output channels) * lane.
vec4 mulBlock(vec4 w0, vec4 w1, vec4 w2, vec4 w3, vec4 v) {
  return w0 * v.x + w1 * v.y + w2 * v.z + w3 * v.w;
}
