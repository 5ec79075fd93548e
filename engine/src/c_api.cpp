// The C API: each call catches every exception at the boundary and turns it into an mvk_result
// plus a per-thread message.
#include "mobilevk/mobilevk.h"

#include <algorithm>
#include <cstring>
#include <vector>
#include <memory>
#include <string>

#include "mobilevk/context.h"
#include "mobilevk/error.h"
#include "mobilevk/labels.h"
#include "mobilevk/model.h"
#include "mobilevk/network.h"
#include "c_api_internal.h"

namespace {

thread_local std::string lastError;

}  // namespace

mvk_result mvkResultFor(mobilevk::ErrorCode code) {
  using mobilevk::ErrorCode;
  switch (code) {
    case ErrorCode::InvalidArgument: return MVK_ERROR_INVALID_ARGUMENT;
    case ErrorCode::InvalidModel: return MVK_ERROR_INVALID_MODEL;
    case ErrorCode::Unsupported: return MVK_ERROR_UNSUPPORTED;
    case ErrorCode::IO: return MVK_ERROR_IO;
    case ErrorCode::OutOfMemory: return MVK_ERROR_OUT_OF_MEMORY;
    case ErrorCode::DeviceLost: return MVK_ERROR_DEVICE_LOST;
    case ErrorCode::Internal: return MVK_ERROR_UNEXPECTED;
  }
  return MVK_ERROR_FAILED;
}

namespace {

template <class F>
mvk_result guarded(F&& f) {
  try {
    f();
    return MVK_OK;
  } catch (const mobilevk::Error& e) {
    lastError = e.what();
    return mvkResultFor(e.code());
  } catch (const std::bad_alloc&) {
    lastError = "out of host memory";
    return MVK_ERROR_OUT_OF_MEMORY;
  } catch (const std::exception& e) {
    lastError = std::string("unexpected: ") + e.what();
    return MVK_ERROR_UNEXPECTED;
  } catch (...) {
    lastError = "unexpected non-standard exception";
    return MVK_ERROR_UNEXPECTED;
  }
}

// Copies a caller's options struct of this or an earlier version (fields past its struct_size keep
// the defaults already in `out`); false, with the error set, for a size no version had.
template <class Options>
bool readOptions(const Options* given, Options& out, const char* call) {
  if (given->struct_size < sizeof(uint32_t) || given->struct_size > sizeof(Options)) {
    lastError = std::string(call) + ": struct_size " + std::to_string(given->struct_size) + " is not the size of " +
                "its options struct in this or an earlier version (" + std::to_string(sizeof(Options)) + " now)";
    return false;
  }
  std::memcpy(&out, given, given->struct_size);
  return true;
}

mvk_result invalid(const std::string& what) {
  lastError = what;
  return MVK_ERROR_INVALID_ARGUMENT;
}

// The C options as ContextOptions (the log callback wrapped, the cache blob copied).
mvk_result contextOptions(const mvk_context_options* options, mobilevk::ContextOptions& co, const char* call) {
  mvk_context_options o{};
  if (!readOptions(options, o, call)) return MVK_ERROR_INVALID_ARGUMENT;
  if (o.pipeline_cache_size && !o.pipeline_cache)
    return invalid(std::string(call) + ": pipeline_cache is NULL but pipeline_cache_size is not 0");
  co.device = o.device ? o.device : "";
  co.deviceProfile = o.device_profile ? o.device_profile : "";
  co.validation = o.validation ? mobilevk::Validation::On : mobilevk::Validation::Off;
  if (o.pipeline_cache) {
    const auto* p = static_cast<const uint8_t*>(o.pipeline_cache);
    co.pipelineCache.assign(p, p + o.pipeline_cache_size);
  }
  if (o.log) {
    const mvk_log_callback log = o.log;
    void* user = o.log_user_data;
    co.log = [log, user](mobilevk::LogLevel level, const std::string& message) {
      log(static_cast<mvk_log_level>(level), message.c_str(), user);
    };
  }
  return MVK_OK;
}

}  // namespace

extern "C" {

const char* mvk_last_error(void) { return lastError.c_str(); }

mvk_result mvk_context_create(const char* device, mvk_context* out) {
  if (!out) return invalid("mvk_context_create: out is NULL");
  *out = nullptr;
  return guarded([&] {
    mobilevk::ContextOptions o;
    o.device = device ? device : "";
    *out = new mvk_context_s{std::make_unique<mobilevk::Context>(o)};
  });
}

mvk_result mvk_context_create_external(VkInstance instance, VkPhysicalDevice physical_device, VkDevice device,
                                       uint32_t queue_family_index, VkQueue queue, int storage16bit_enabled,
                                       mvk_context* out) {
  const mvk_external_vulkan external{sizeof(mvk_external_vulkan), instance, physical_device, device, queue_family_index,
                                     queue, storage16bit_enabled, nullptr};
  return mvk_context_create_external_with_options(&external, nullptr, out);
}

mvk_result mvk_context_create_with_options(const mvk_context_options* options, mvk_context* out) {
  if (!out || !options) return invalid("mvk_context_create_with_options: options or out is NULL");
  *out = nullptr;
  mobilevk::ContextOptions co;
  const mvk_result r = contextOptions(options, co, "mvk_context_create_with_options");
  if (r != MVK_OK) return r;
  return guarded([&] { *out = new mvk_context_s{std::make_unique<mobilevk::Context>(co)}; });
}

mvk_result mvk_context_create_external_with_options(const mvk_external_vulkan* external,
                                                    const mvk_context_options* options, mvk_context* out) {
  const char* call = "mvk_context_create_external_with_options";
  if (!out || !external) return invalid(std::string(call) + ": external or out is NULL");
  *out = nullptr;
  mvk_external_vulkan x{};
  if (!readOptions(external, x, call)) return MVK_ERROR_INVALID_ARGUMENT;
  mobilevk::ContextOptions co;
  if (options) {
    const mvk_result r = contextOptions(options, co, call);
    if (r != MVK_OK) return r;
  }
  return guarded([&] {
    mobilevk::ExternalVulkan e;
    e.instance = x.instance;
    e.physicalDevice = x.physical_device;
    e.device = x.device;
    e.queueFamilyIndex = x.queue_family_index;
    e.queue = x.queue;
    e.storageBuffer16BitAccessEnabled = x.storage16bit_enabled != 0;
    e.shaderIntegerDotProductEnabled = x.shader_integer_dot_product_enabled != 0;
    e.getInstanceProcAddr = x.get_instance_proc_addr;
    *out = new mvk_context_s{std::make_unique<mobilevk::Context>(e, co)};
  });
}

mvk_result mvk_context_pipeline_cache(mvk_context context, void* data, size_t* size) {
  if (!context || !size) return invalid("mvk_context_pipeline_cache: context or size is NULL");
  std::vector<uint8_t> blob;
  const mvk_result r = guarded([&] { blob = context->context->pipelineCacheData(); });
  if (r != MVK_OK) return r;
  if (!data) {
    *size = blob.size();
    return MVK_OK;
  }
  *size = std::min(*size, blob.size());
  std::memcpy(data, blob.data(), *size);
  return MVK_OK;
}

void mvk_context_destroy(mvk_context context) { delete context; }

mvk_result mvk_model_load(const char* path, mvk_model* out) {
  if (!out || !path) return invalid("mvk_model_load: path or out is NULL");
  *out = nullptr;
  return guarded([&] { *out = new mvk_model_s{mobilevk::Model::load(path)}; });
}

mvk_result mvk_model_load_memory(const void* data, size_t size, mvk_model* out) {
  if (!out || !data) return invalid("mvk_model_load_memory: data or out is NULL");
  *out = nullptr;
  return guarded([&] { *out = new mvk_model_s{mobilevk::Model::fromTflite(data, size)}; });
}

void mvk_model_destroy(mvk_model model) { delete model; }

size_t mvk_model_output_size(mvk_model model) {
  if (!model) return 0;
  try {
    return model->model.outputShape(1).elements();
  } catch (...) {
    return 0;
  }
}

mvk_result mvk_network_create(mvk_context context, mvk_model model, int fp16, mvk_network* out) {
  mvk_network_options o{};
  o.struct_size = sizeof o;
  o.fp16 = fp16;
  o.frames_in_flight = 1;
  return mvk_network_create_with_options(context, model, &o, out);
}

mvk_result mvk_network_create_with_options(mvk_context context, mvk_model model, const mvk_network_options* options,
                                           mvk_network* out) {
  if (!out || !context || !model || !options)
    return invalid("mvk_network_create_with_options: context, model, options or out is NULL");
  *out = nullptr;
  mvk_network_options no{};
  no.frames_in_flight = 1;
  if (!readOptions(options, no, "mvk_network_create_with_options")) return MVK_ERROR_INVALID_ARGUMENT;
  if (no.frames_in_flight < 1)
    return invalid("mvk_network_create_with_options: frames_in_flight must be >= 1, got " + std::to_string(no.frames_in_flight));
  if (no.execution < 0 || no.execution > 2)
    return invalid("mvk_network_create_with_options: execution must be 0 (auto), 1 (float) or 2 (integer), got " +
                   std::to_string(no.execution));
  if (no.fp16 < 0 || no.fp16 > 2)
    return invalid("mvk_network_create_with_options: fp16 must be 0 (fp32), 1 (fp16) or 2 (auto), got " +
                   std::to_string(no.fp16));
  if (no.dot_product < 0 || no.dot_product > 2)
    return invalid("mvk_network_create_with_options: dot_product must be 0 (auto), 1 (packed) or 2 (plain), got " +
                   std::to_string(no.dot_product));
  return guarded([&] {
    using Execution = mobilevk::NetworkOptions::Execution;
    mobilevk::NetworkOptions o;
    o.precision = no.fp16 == 1 ? mobilevk::Precision::FP16 : mobilevk::Precision::FP32;
    if (no.fp16 == 2) o.precisionPolicy = mobilevk::NetworkOptions::PrecisionPolicy::Auto;
    o.framesInFlight = no.frames_in_flight;
    o.execution = no.execution == 1 ? Execution::Float : no.execution == 2 ? Execution::Integer : Execution::Auto;
    using DotProduct = mobilevk::NetworkOptions::DotProduct;
    o.dotProduct = no.dot_product == 1 ? DotProduct::Packed : no.dot_product == 2 ? DotProduct::Plain : DotProduct::Auto;
    if (no.tuning_cache) o.tuningCache = no.tuning_cache;
    auto n = std::make_unique<mvk_network_s>();
    n->network = std::make_unique<mobilevk::Network>(*context->context, model->model, o);
    n->outputSize = n->network->outputShape().elements();
    *out = n.release();
  });
}

void mvk_network_destroy(mvk_network network) { delete network; }

static mvk_result copyOut(const mobilevk::HostTensor& t, float* out, size_t count) {
  if (count < t.data.size()) {
    lastError = "output needs " + std::to_string(t.data.size()) + " floats, buffer holds " + std::to_string(count);
    return MVK_ERROR_INVALID_ARGUMENT;
  }
  std::copy(t.data.begin(), t.data.end(), out);
  return MVK_OK;
}

namespace {
// Why tightly packed RGBA8 pixels of that size cannot be `rgba_size` bytes ("" when they can).
std::string rgbaProblem(const char* call, size_t rgba_size, uint32_t width, uint32_t height) {
  if (width == 0 || height == 0)
    return std::string(call) + ": the image is " + std::to_string(width) + "x" + std::to_string(height) + "; width and height must be at least 1";
  if (rgba_size / 4 / width < height)
    return std::string(call) + ": a " + std::to_string(width) + "x" + std::to_string(height) + " RGBA8 image needs " +
           std::to_string(uint64_t(width) * height * 4) + " bytes, rgba_size is " + std::to_string(rgba_size);
  return "";
}
}  // namespace

mvk_result mvk_classify_rgba8(mvk_network network, const uint8_t* rgba, size_t rgba_size, uint32_t width,
                              uint32_t height, float* out, size_t out_count) {
  if (!network || !rgba || !out) return invalid("mvk_classify_rgba8: network, rgba or out is NULL");
  if (const std::string bad = rgbaProblem("mvk_classify_rgba8", rgba_size, width, height); !bad.empty()) return invalid(bad);
  if (out_count < network->outputSize) return invalid("mvk_classify_rgba8: out_count is smaller than the output size");
  mobilevk::HostTensor result;
  const mvk_result r = guarded([&] { result = network->network->runPixels(rgba, width, height); });
  return r == MVK_OK ? copyOut(result, out, out_count) : r;
}

namespace {
mvk_result copyDetections(const std::vector<mobilevk::Detection>& found, mvk_detection* out, size_t capacity, size_t* count) {
  *count = found.size();
  for (size_t i = 0; i < found.size() && i < capacity; ++i) {
    const mobilevk::Detection& d = found[i];
    out[i] = {d.classId, d.score, d.ymin, d.xmin, d.ymax, d.xmax};
  }
  return MVK_OK;
}
}  // namespace

mvk_result mvk_detect(mvk_network network, const uint8_t* rgba, size_t rgba_size, uint32_t width, uint32_t height,
                      float score_threshold, mvk_detection* out, size_t capacity, size_t* count) {
  if (!network || !rgba || !count || (!out && capacity)) return invalid("mvk_detect: network, rgba, count or out is NULL");
  if (const std::string bad = rgbaProblem("mvk_detect", rgba_size, width, height); !bad.empty()) return invalid(bad);
  std::vector<mobilevk::Detection> found;
  const mvk_result r = guarded([&] { found = network->network->detect(rgba, width, height, score_threshold); });
  return r == MVK_OK ? copyDetections(found, out, capacity, count) : r;
}

mvk_result mvk_read_detections(mvk_network network, int frame, float score_threshold, mvk_detection* out, size_t capacity,
                               size_t* count) {
  if (!network || !count || (!out && capacity)) return invalid("mvk_read_detections: network, count or out is NULL");
  std::vector<mobilevk::Detection> found;
  const mvk_result r = guarded([&] { found = network->network->detections(score_threshold, frame); });
  return r == MVK_OK ? copyDetections(found, out, capacity, count) : r;
}

namespace {
mvk_result copyClasses(const char* call, const mobilevk::IndexTensor& map, int32_t* classes, size_t classes_count) {
  if (classes_count < map.data.size())
    return invalid(std::string(call) + ": the class map " + map.shape.str() + " has " + std::to_string(map.data.size()) +
                   " pixels, classes_count is " + std::to_string(classes_count));
  std::copy(map.data.begin(), map.data.end(), classes);
  return MVK_OK;
}
}  // namespace

mvk_result mvk_segment(mvk_network network, const uint8_t* rgba, size_t rgba_size, uint32_t width, uint32_t height, int32_t* classes,
                       size_t classes_count) {
  if (!network || !rgba || !classes) return invalid("mvk_segment: network, rgba or classes is NULL");
  if (const std::string bad = rgbaProblem("mvk_segment", rgba_size, width, height); !bad.empty()) return invalid(bad);
  mobilevk::IndexTensor map;
  const mvk_result r = guarded([&] { map = network->network->segment(rgba, width, height); });
  return r == MVK_OK ? copyClasses("mvk_segment", map, classes, classes_count) : r;
}

mvk_result mvk_read_class_map(mvk_network network, int frame, int32_t* classes, size_t classes_count) {
  if (!network || !classes) return invalid("mvk_read_class_map: network or classes is NULL");
  mobilevk::IndexTensor map;
  const mvk_result r = guarded([&] { map = network->network->classMap(frame); });
  return r == MVK_OK ? copyClasses("mvk_read_class_map", map, classes, classes_count) : r;
}

const char* mvk_keypoint_name(int keypoint) {
  return keypoint >= 0 && keypoint < MVK_KEYPOINT_COUNT ? mobilevk::keypointName(keypoint) : nullptr;
}

namespace {
static_assert(MVK_KEYPOINT_COUNT == mobilevk::kKeypointCount, "mobilevk.h and mobilevk/pose.h count the same keypoints");

mvk_result copyPoses(const std::vector<mobilevk::Pose>& found, mvk_body_pose* out, size_t capacity, size_t* count) {
  *count = found.size();
  for (size_t i = 0; i < found.size() && i < capacity; ++i) {
    out[i].score = found[i].score;
    for (int k = 0; k < MVK_KEYPOINT_COUNT; ++k) {
      const mobilevk::Keypoint& kp = found[i].keypoints[size_t(k)];
      out[i].keypoints[k] = {kp.x, kp.y, kp.score};
    }
  }
  return MVK_OK;
}
}  // namespace

mvk_result mvk_pose(mvk_network network, const uint8_t* rgba, size_t rgba_size, uint32_t width, uint32_t height, float score_threshold,
                    mvk_body_pose* out, size_t capacity, size_t* count) {
  if (!network || !rgba || !count || (!out && capacity)) return invalid("mvk_pose: network, rgba, count or out is NULL");
  if (const std::string bad = rgbaProblem("mvk_pose", rgba_size, width, height); !bad.empty()) return invalid(bad);
  std::vector<mobilevk::Pose> found;
  const mvk_result r = guarded([&] { found = network->network->estimatePoses(rgba, width, height, score_threshold); });
  return r == MVK_OK ? copyPoses(found, out, capacity, count) : r;
}

mvk_result mvk_read_poses(mvk_network network, int frame, float score_threshold, mvk_body_pose* out, size_t capacity, size_t* count) {
  if (!network || !count || (!out && capacity)) return invalid("mvk_read_poses: network, count or out is NULL");
  std::vector<mobilevk::Pose> found;
  const mvk_result r = guarded([&] { found = network->network->poses(score_threshold, frame); });
  return r == MVK_OK ? copyPoses(found, out, capacity, count) : r;
}

mvk_result mvk_record_image_input(mvk_network network, VkCommandBuffer cmd, VkImageView view, VkImageLayout layout,
                                  uint32_t width, uint32_t height, VkFormat format, const int32_t crop[4]) {
  if (!network || !cmd || !view) return invalid("mvk_record_image_input: network, cmd or view is NULL");
  return guarded([&] {
    mobilevk::ImageSource s;
    s.view = view;
    s.layout = layout;
    s.width = width;
    s.height = height;
    s.format = format;
    if (crop) {
      s.cropX = crop[0];
      s.cropY = crop[1];
      s.cropWidth = crop[2];
      s.cropHeight = crop[3];
    }
    network->network->recordImageInput(cmd, s);
  });
}

mvk_result mvk_record(mvk_network network, VkCommandBuffer cmd) { return mvk_record_frame(network, cmd, 0); }

mvk_result mvk_record_frame(mvk_network network, VkCommandBuffer cmd, int frame) {
  if (!network || !cmd) return invalid("mvk_record_frame: network or cmd is NULL");
  return guarded([&] { network->network->record(cmd, frame); });
}

mvk_result mvk_read_output(mvk_network network, float* out, size_t out_count) {
  return mvk_read_output_frame(network, 0, out, out_count);
}

mvk_result mvk_read_output_frame(mvk_network network, int frame, float* out, size_t out_count) {
  if (!network || !out) return invalid("mvk_read_output_frame: network or out is NULL");
  mobilevk::HostTensor result;
  const mvk_result r = guarded([&] { result = network->network->readOutput(frame); });
  return r == MVK_OK ? copyOut(result, out, out_count) : r;
}

mvk_result mvk_output_buffer(mvk_network network, VkBuffer* buffer, VkDeviceSize* offset, VkDeviceSize* size) {
  if (!network || !buffer || !offset || !size) return invalid("mvk_output_buffer: a pointer is NULL");
  const auto t = network->network->outputTensor();
  *buffer = t.buffer;
  *offset = t.offset;
  *size = t.size;
  return MVK_OK;
}

size_t mvk_network_output_count(mvk_network network) { return network ? network->network->outputCount() : 0; }

mvk_result mvk_network_output_info(mvk_network network, size_t index, mvk_output_info* info) {
  if (!network || !info) return invalid("mvk_network_output_info: network or info is NULL");
  return guarded([&] {
    const mobilevk::OutputInfo o = network->network->outputInfo(index);
    if (network->outputNames.empty()) network->outputNames.resize(network->network->outputCount());
    network->outputNames[index] = o.name;
    *info = {};
    info->name = network->outputNames[index].c_str();
    info->shape[0] = o.shape.n;
    info->shape[1] = o.shape.h;
    info->shape[2] = o.shape.w;
    info->shape[3] = o.shape.c;
    info->count = o.shape.elements();
    info->quantized = o.quantized;
    info->is_signed = o.quantization.isSigned;
    info->scale = o.quantization.scale;
    info->zero_point = o.quantization.zeroPoint;
    info->indices = o.indices;
  });
}

mvk_result mvk_read_output_at(mvk_network network, size_t index, int frame, float* out, size_t count) {
  if (!network || !out) return invalid("mvk_read_output_at: network or out is NULL");
  mobilevk::HostTensor result;
  const mvk_result r = guarded([&] { result = network->network->readOutput(index, frame); });
  return r == MVK_OK ? copyOut(result, out, count) : r;
}

void mvk_forget_image_view(mvk_network network, VkImageView view) {
  if (network) network->network->forgetImageView(view);
}

mvk_result mvk_top_k(const float* values, size_t count, size_t k, int32_t* indices) {
  if (!values || !indices) return invalid("mvk_top_k: values or indices is NULL");
  if (k > count) return invalid("mvk_top_k: k is larger than count");
  return guarded([&] {
    const auto top = mobilevk::topK(values, count, k);
    std::copy(top.begin(), top.end(), indices);
  });
}

}  // extern "C"
