// Shared by concatenation.comp and concatenation_int.comp, included after their push block `p`
// (outH, outW, outC, axis: 1 = H, 2 = W, 3 = C; ends: each input's end along the axis, cumulative,
// past the last input the total). It reads `p` itself: passing `ends` as an argument copies the
// array, which cost lavapipe a fifth of the kernel's time.
struct ConcatSource {
  int source;  // which of the (up to eight) inputs
  int index;   // its NC4HW4 element holding the channel
  int lane;    // the lane of that element holding it
};

// Where output channel c at (n, y, x) comes from.
ConcatSource concatSource(int n, int y, int x, int c) {
  ivec3 at = ivec3(y, x, c);
  const int a = at[p.axis - 1];
  int k = 0;
  while (k < 7 && a >= p.ends[k]) ++k;
  const int start = k == 0 ? 0 : p.ends[k - 1];
  at[p.axis - 1] = a - start;
  ivec3 dims = ivec3(p.outH, p.outW, p.outC);
  dims[p.axis - 1] = p.ends[k] - start;
  const int c4 = (dims.z + 3) / 4;
  return ConcatSource(k, ((n * c4 + at.z / 4) * dims.x + at.x) * dims.y + at.y, at.z % 4);
}
