#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli_util.h"
#include "commands.h"
#include "mobilevk/context.h"

using nlohmann::json;

namespace {

json toJson(const mobilevk::DeviceInfo& d) {
  const auto& c = d.caps;
  return {{"index", d.index},
          {"name", d.name},
          {"type", d.type},
          {"compute_queue", d.hasComputeQueue},
          {"vulkan_version", c.apiVersionString},
          {"driver", {{"name", c.driverName}, {"info", c.driverInfo}}},
          {"vendor_id", c.vendorId},
          {"device_id", c.deviceId},
          {"subgroup", {{"size", c.subgroupSize}, {"in_compute", c.subgroupInCompute}, {"operations", c.subgroupOperations}}},
          {"fp16", {{"storage", c.storage16bit}, {"arithmetic", c.float16Arithmetic}}},
          {"int8", {{"storage", c.storage8bit}, {"arithmetic", c.int8Arithmetic},
                    {"dot_product", c.integerDotProduct}, {"dot_product_accelerated", c.integerDotProductAccelerated}}},
          {"max_workgroup_size", {c.maxWorkgroupSize[0], c.maxWorkgroupSize[1], c.maxWorkgroupSize[2]}},
          {"max_workgroup_invocations", c.maxWorkgroupInvocations},
          {"max_workgroup_count", {c.maxWorkgroupCount[0], c.maxWorkgroupCount[1], c.maxWorkgroupCount[2]}},
          {"max_shared_memory_bytes", c.maxSharedMemoryBytes},
          {"max_image_dimension_2d", c.maxImageDimension2D},
          {"max_push_constant_bytes", c.maxPushConstantBytes},
          {"max_storage_buffer_range", c.maxStorageBufferRange},
          {"max_memory_allocation_size", c.maxMemoryAllocationSize},
          {"device_local_bytes", c.deviceLocalBytes},
          {"max_texel_buffer_elements", c.maxTexelBufferElements},
          {"max_per_stage_storage_buffers", c.maxPerStageStorageBuffers},
          {"max_per_stage_sampled_images", c.maxPerStageSampledImages},
          {"min_storage_buffer_offset_alignment", c.minStorageBufferOffsetAlignment},
          {"device_profile", c.profile},
          {"timestamps", c.timestamps},
          {"timestamp_period_ns", c.timestampPeriodNs}};
}

std::string yesNo(bool b) { return b ? "yes" : "no"; }

}  // namespace

namespace {
void printDevice(const mobilevk::DeviceInfo& d);
}  // namespace

int cmdDevices(const std::vector<std::string>& argv) {
  cli::Args args("devices", argv, {"device", "device-profile"}, {"json"});
  const bool asJson = args.has("json");
  if (args.has("device") && !args.has("device-profile"))
    throw cli::UsageError{"--device only goes with --device-profile here (devices lists every device)"};
  if (args.has("device-profile")) {
    // The device as a network would see it: a context on it, clamped to the profile.
    const auto ctx = cli::contextFor(args, false);
    if (asJson) {
      std::cout << json{{"devices", json::array({toJson(ctx->device())})}}.dump(2) << "\n";
    } else {
      std::cout << "device profile " << ctx->device().caps.profile << " (limits and features are the smaller of the profile's and the device's)\n";
      printDevice(ctx->device());
    }
    return 0;
  }
  const auto devices = mobilevk::listDevices();
  if (asJson) {
    json out = json::array();
    for (const auto& d : devices) out.push_back(toJson(d));
    std::cout << json{{"devices", out}, {"device_profiles", mobilevk::deviceProfileNames()}}.dump(2) << "\n";
    return 0;
  }
  if (devices.empty()) std::cout << "no Vulkan devices (use --device cpu for the CPU reference path)\n";
  for (const auto& d : devices) printDevice(d);
  std::cout << "device profiles (--device-profile):";
  for (const auto& n : mobilevk::deviceProfileNames()) std::cout << " " << n;
  std::cout << "\n";
  return 0;
}

namespace {
void printDevice(const mobilevk::DeviceInfo& d) {
  const auto& c = d.caps;
  {
    std::cout << d.index << ": " << d.name << " (" << d.type << ", Vulkan " << c.apiVersionString << ")\n"
              << "   driver              " << c.driverName << " " << c.driverInfo << "\n"
              << "   compute queue       " << yesNo(d.hasComputeQueue) << "\n"
              << "   subgroup            size " << c.subgroupSize << ", ops:";
    for (const auto& op : c.subgroupOperations) std::cout << " " << op;
    std::cout << "\n"
              << "   fp16                storage " << yesNo(c.storage16bit) << ", arithmetic " << yesNo(c.float16Arithmetic) << "\n"
              << "   int8                storage " << yesNo(c.storage8bit) << ", arithmetic " << yesNo(c.int8Arithmetic)
              << ", packed dot product " << yesNo(c.integerDotProduct)
              << (c.integerDotProduct ? (c.integerDotProductAccelerated ? " (accelerated)" : " (not accelerated)") : "") << "\n"
              << "   workgroup           max " << c.maxWorkgroupSize[0] << "x" << c.maxWorkgroupSize[1] << "x"
              << c.maxWorkgroupSize[2] << ", " << c.maxWorkgroupInvocations << " invocations\n"
              << "   shared memory       " << c.maxSharedMemoryBytes << " bytes\n"
              << "   push constants      " << c.maxPushConstantBytes << " bytes\n"
              << "   storage buffer      " << c.maxStorageBufferRange << " bytes max range, offsets aligned to "
              << c.minStorageBufferOffsetAlignment << "\n"
              << "   texel buffer        " << c.maxTexelBufferElements << " texels max\n"
              << "   descriptors         " << c.maxPerStageStorageBuffers << " storage buffers, " << c.maxPerStageSampledImages
              << " sampled images/texel buffers per shader\n"
              << "   device-local memory " << (c.deviceLocalBytes >> 20) << " MiB\n"
              << "   timestamps          " << yesNo(c.timestamps) << " (" << c.timestampPeriodNs << " ns/tick)\n";
  }
}
}  // namespace
