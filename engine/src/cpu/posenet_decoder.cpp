// PosenetDecoderOp (graph/pose.h) in the order of operations of Coral's decoder, so that its poses
// are the reference's: the same float arithmetic, the same standard-library priority queue and sort
// (their ties resolved alike), the same clamps.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <queue>

#include "cpu/reference.h"
#include "graph/pose.h"
#include "mobilevk/error.h"

namespace mobilevk {

void PoseOptions::validate(const std::string& who) const {
  auto bad = [&](const std::string& what) { throw Error(ErrorCode::InvalidModel, who + ": " + what); };
  if (maxDetections <= 0 || maxDetections > 10000) bad("max_detections is " + std::to_string(maxDetections) + "; expected 1 to 10000");
  if (!(scoreThreshold >= 0.0f && scoreThreshold < 1.0f)) bad("score_threshold is " + std::to_string(scoreThreshold) + "; expected [0, 1)");
  if (stride <= 0 || stride > 1024) bad("stride is " + std::to_string(stride) + "; expected 1 to 1024");
  if (!(nmsRadius >= 0.0f) || !std::isfinite(nmsRadius)) bad("nms_radius is " + std::to_string(nmsRadius) + "; it must be finite and not negative");
}

namespace {

struct Point {
  float y, x;
};
struct Candidate {
  Point point;
  int keypoint;
  float score;
};
struct LowerScore {
  bool operator()(const Candidate& a, const Candidate& b) const { return a.score < b.score; }
};
using CandidateQueue = std::priority_queue<Candidate, std::vector<Candidate>, LowerScore>;

// The 16 edges of the keypoint tree, parent first (forward); edges 16..31 are the same backward.
constexpr int kTree[kPoseEdges][2] = {{0, 1},  {1, 3},   {0, 2},   {2, 4},   {0, 5},  {5, 7},   {7, 9},   {5, 11},
                                      {11, 13}, {13, 15}, {0, 6}, {6, 8}, {8, 10}, {6, 12}, {12, 14}, {14, 16}};
constexpr int kMidChannels = 4 * kPoseEdges, kShortChannels = 2 * kPoseKeypoints;

struct Child {
  int keypoint, edge;
};
// Per keypoint, its neighbours in edge order: every edge leaving it, forward or backward.
std::vector<std::vector<Child>> keypointTree() {
  std::vector<std::vector<Child>> children(kPoseKeypoints);
  for (int e = 0; e < 2 * kPoseEdges; ++e) {
    const int* edge = kTree[e % kPoseEdges];
    const bool forward = e < kPoseEdges;
    children[size_t(forward ? edge[0] : edge[1])].push_back({forward ? edge[1] : edge[0], e});
  }
  return children;
}

float clampTo(float v, float lo, float hi) { return v < lo ? lo : hi < v ? hi : v; }

float squaredDistance(const Point& a, const Point& b) {
  const float dy = b.y - a.y, dx = b.x - a.x;
  return dy * dy + dx * dx;
}

// Indices of `n` scores, largest first.
std::vector<int> decreasingOrder(const float* scores, size_t n) {
  std::vector<int> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](int i, int j) { return scores[i] > scores[j]; });
  return order;
}

// A [height][width][channels] map sampled bilinearly at a point (clamped into the map for the
// corners, the weights from the point itself).
class Map {
 public:
  Map(const float* data, int height, int width, int channels) : data_(data), h_(height), w_(width), c_(channels) {}
  void sample(const Point& p, const int* channels, int n, float* out) const {
    int y0, y1, x0, x1;
    float ty, tx;
    axis(p.y, h_, &y0, &y1, &ty);
    axis(p.x, w_, &x0, &x1, &tx);
    const float* tl = data_ + (size_t(y0) * w_ + x0) * c_;
    const float* tr = data_ + (size_t(y0) * w_ + x1) * c_;
    const float* bl = data_ + (size_t(y1) * w_ + x0) * c_;
    const float* br = data_ + (size_t(y1) * w_ + x1) * c_;
    for (int i = 0; i < n; ++i) {
      const int c = channels[i];
      out[i] = (1 - ty) * ((1 - tx) * tl[c] + tx * tr[c]) + ty * ((1 - tx) * bl[c] + tx * br[c]);
    }
  }
  float sample(const Point& p, int channel) const {
    float v;
    sample(p, &channel, 1, &v);
    return v;
  }
  float at(int y, int x, int c) const { return data_[(size_t(y) * w_ + x) * c_ + c]; }
  // A point moved by the offsets read at channels dy, dx, and clamped into the map.
  Point displaced(const Point& p, const Map& offsets, int dy, int dx) const {
    const int channels[2] = {dy, dx};
    float d[2];
    offsets.sample(p, channels, 2, d);
    return {clampTo(p.y + d[0], 0.0f, h_ - 1.0f), clampTo(p.x + d[1], 0.0f, w_ - 1.0f)};
  }

 private:
  static void axis(float v, int n, int* lo, int* hi, float* t) {
    const float inside = clampTo(v, 0.0f, n - 1.0f);
    *lo = int(std::floor(inside));
    *hi = int(std::ceil(inside));
    *t = v - float(*lo);
  }
  const float* data_;
  int h_, w_, c_;
};

struct Pose {
  Point keypoints[kPoseKeypoints];
  float scores[kPoseKeypoints];
};

float sigmoid(float x) { return 1.0f / (1.0f + std::exp(-x)); }

// The mean of a pose's keypoint scores summed largest first, leaving out the occluded ones.
float meanScore(const Pose& pose, const std::vector<bool>& occluded) {
  const std::vector<int> order = decreasingOrder(pose.scores, kPoseKeypoints);
  float total = 0.0f;
  for (int k : order)
    if (!occluded[size_t(k)]) total += pose.scores[k];
  return total / kPoseKeypoints;
}

}  // namespace

PoseResult decodePoses(const PoseOptions& o, const float* heatmapData, const float* shortData, const float* midData, int height, int width) {
  // The offsets in heatmap cells, as the op rescales them.
  const float toCells = float(1.0 / o.stride);
  const size_t cells = size_t(height) * width;
  std::vector<float> shortCells(cells * kShortChannels), midCells(cells * kMidChannels);
  for (size_t i = 0; i < shortCells.size(); ++i) shortCells[i] = shortData[i] * toCells;
  for (size_t i = 0; i < midCells.size(); ++i) midCells[i] = midData[i] * toCells;
  const Map heatmaps(heatmapData, height, width, kPoseKeypoints), shorts(shortCells.data(), height, width, kShortChannels),
      mids(midCells.data(), height, width, kMidChannels);
  const float nmsRadius = o.nmsRadius / o.stride;
  const float squaredRadius = nmsRadius * nmsRadius;

  // Seeds: every heatmap value at least the threshold (as a logit) and no smaller than any in its
  // 3x3 neighbourhood, moved by its short offset.
  const float minLogit = float(-std::log(1.0f / (o.scoreThreshold + 1E-6) - 1.0f));
  CandidateQueue seeds;
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x)
      for (int k = 0; k < kPoseKeypoints; ++k) {
        const float score = heatmaps.at(y, x, k);
        if (!(score >= minLogit)) continue;
        bool maximum = true;
        for (int yy = std::max(y - 1, 0); yy < std::min(y + 2, height) && maximum; ++yy)
          for (int xx = std::max(x - 1, 0); xx < std::min(x + 2, width); ++xx)
            if (heatmaps.at(yy, xx, k) > score) {
              maximum = false;
              break;
            }
        if (!maximum) continue;
        const Point p{clampTo(y + shorts.at(y, x, k), 0.0f, height - 1.0f), clampTo(x + shorts.at(y, x, k + kPoseKeypoints), 0.0f, width - 1.0f)};
        seeds.push({p, k, score});
      }

  const std::vector<std::vector<Child>> tree = keypointTree();
  std::vector<Pose> poses(size_t(o.maxDetections));
  std::vector<float> poseScores;
  int count = 0;
  while (count < o.maxDetections && !seeds.empty()) {
    const Candidate root = seeds.top();
    seeds.pop();
    bool suppressed = false;
    for (int i = 0; i < count && !suppressed; ++i) suppressed = squaredDistance(root.point, poses[size_t(i)].keypoints[root.keypoint]) <= squaredRadius;
    if (suppressed) continue;

    // Grow the pose from the root, best-scoring keypoint first: each neighbour not yet placed is
    // reached by the edge's mid-range offsets, then refined by its short-range offsets five times.
    Pose& pose = poses[size_t(count)];
    for (int k = 0; k < kPoseKeypoints; ++k) {
      pose.keypoints[k] = {-1.0f, -1.0f};
      pose.scores[k] = -1E5f;
    }
    CandidateQueue grow;
    grow.push({root.point, root.keypoint, heatmaps.sample(root.point, root.keypoint)});
    bool placed[kPoseKeypoints] = {};
    while (!grow.empty()) {
      const Candidate c = grow.top();
      grow.pop();
      if (placed[c.keypoint]) continue;
      placed[c.keypoint] = true;
      pose.keypoints[c.keypoint] = c.point;
      pose.scores[c.keypoint] = c.score;
      for (const Child& child : tree[size_t(c.keypoint)]) {
        if (placed[child.keypoint]) continue;
        const int channel = child.edge < kPoseEdges ? child.edge : child.edge + kPoseEdges;
        Point p = heatmaps.displaced(c.point, mids, channel, channel + kPoseEdges);
        for (int step = 0; step < 5; ++step) p = heatmaps.displaced(p, shorts, child.keypoint, child.keypoint + kPoseKeypoints);
        grow.push({p, child.keypoint, heatmaps.sample(p, child.keypoint)});
      }
    }
    for (float& s : pose.scores) s = sigmoid(s);
    const float score = meanScore(pose, std::vector<bool>(kPoseKeypoints, false));
    if (score >= o.scoreThreshold) {
      ++count;
      poseScores.push_back(score);
    }
  }

  // Soft keypoint NMS: each pose rescored without its keypoints that lie within the radius of the
  // same keypoint of a better pose.
  std::vector<int> order = decreasingOrder(poseScores.data(), poseScores.size());
  for (size_t i = 0; i < order.size(); ++i) {
    const Pose& pose = poses[size_t(order[i])];
    std::vector<bool> occluded(kPoseKeypoints, false);
    for (size_t j = 0; j < i; ++j)
      for (int k = 0; k < kPoseKeypoints; ++k)
        if (squaredDistance(pose.keypoints[k], poses[size_t(order[j])].keypoints[k]) <= squaredRadius) occluded[size_t(k)] = true;
    poseScores[size_t(order[i])] = meanScore(pose, occluded);
  }
  order = decreasingOrder(poseScores.data(), poseScores.size());

  PoseResult r;
  r.keypoints.assign(size_t(o.maxDetections) * kPoseKeypoints * 2, 0.0f);
  r.keypointScores.assign(size_t(o.maxDetections) * kPoseKeypoints, 0.0f);
  r.poseScores.assign(size_t(o.maxDetections), 0.0f);
  int kept = 0;
  for (int index : order) {
    if (poseScores[size_t(index)] < o.scoreThreshold) break;
    const Pose& pose = poses[size_t(index)];
    for (int k = 0; k < kPoseKeypoints; ++k) {
      r.keypoints[(size_t(kept) * kPoseKeypoints + k) * 2] = pose.keypoints[k].y * o.stride;
      r.keypoints[(size_t(kept) * kPoseKeypoints + k) * 2 + 1] = pose.keypoints[k].x * o.stride;
      r.keypointScores[size_t(kept) * kPoseKeypoints + k] = pose.scores[k];
    }
    r.poseScores[size_t(kept)] = poseScores[size_t(index)];
    ++kept;
  }
  r.count = float(kept);
  return r;
}

namespace cpu {

// The inputs as the device part leaves them: heatmaps {1, H, W, 17}, short offsets {1, H, W, 34},
// mid offsets {1, H, W, 64}.
HostOutputs runPosenetDecoder(const Node& node, const HostInputs& inputs) {
  const HostTensor& heatmaps = *inputs.at(0);
  const std::vector<Shape> shapes = opKind(node.kind).outputShapes(node, {heatmaps.shape, inputs.at(1)->shape, inputs.at(2)->shape});
  const PoseResult r = decodePoses(node.pose().options, heatmaps.data.data(), inputs[1]->data.data(), inputs[2]->data.data(), heatmaps.shape.h,
                                   heatmaps.shape.w);
  HostOutputs out;
  for (const Shape& s : shapes) out.emplace_back(s);
  out[0].data = r.keypoints;
  out[1].data = r.keypointScores;
  out[2].data = r.poseScores;
  out[3].data = {r.count};
  return out;
}

QuantizedTensor runIntegerPosenetDecoder(const Node& node, const QuantizedInputs&) {
  throw Error(ErrorCode::Internal, "PosenetDecoder '" + node.name + "' runs on the host in floats: its inputs are dequantized before it (graph/op_list.h)");
}

}  // namespace cpu
}  // namespace mobilevk
