#include <doctest/doctest.h>
#include "internal_access.h"

#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "helpers.h"
#include "mobilevk/context.h"
#include "mobilevk/error.h"
#include "vulkan/check.h"
#include "vulkan/gpu.h"
#include "vulkan/image.h"
#include "vulkan/shader_registry.h"

using namespace mobilevk;

TEST_CASE("devices are listed with a capability report") {
  const auto devices = listDevices();
  REQUIRE(!devices.empty());
  bool anyCompute = false;
  for (const auto& d : devices) {
    CAPTURE(d.name);
    anyCompute |= d.hasComputeQueue;
    CHECK(!d.name.empty());
    CHECK(d.caps.maxWorkgroupInvocations >= 128);  // Vulkan's required minimum
    CHECK(d.caps.maxStorageBufferRange >= (1u << 27));
    CHECK(d.caps.maxPushConstantBytes >= 128);
    CHECK(d.caps.subgroupSize >= 1);
  }
  CHECK(anyCompute);
}

TEST_CASE("the test context runs with the validation layer on") {
  auto& ctx = testing::context();
  CHECK(ctx.validationEnabled());
  CHECK(ctx.device().hasComputeQueue);
}

TEST_CASE("the validation messenger records errors so tests can fail on them") {
  auto& ctx = testing::context();
  ctx.clearValidationMessages();
  // A zero-sized buffer is invalid usage (VUID-VkBufferCreateInfo-size-00912); the layer must report it.
  VkBufferCreateInfo info{VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO};
  info.size = 0;
  info.usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT;
  VkBuffer buffer = VK_NULL_HANDLE;
  VkResult r = vkCreateBuffer(InternalAccess::gpu(ctx).device(), &info, nullptr, &buffer);
  if (r == VK_SUCCESS && buffer) vkDestroyBuffer(InternalAccess::gpu(ctx).device(), buffer, nullptr);
  const auto msgs = ctx.validationMessages();
  CHECK(!msgs.empty());
  ctx.clearValidationMessages();
}

TEST_CASE("device selection by index and name, with clear errors") {
  const auto devices = listDevices();
  {
    ContextOptions o;
    o.device = "0";
    o.validation = Validation::Off;
    Context ctx(o);
    CHECK(ctx.device().index == 0);
  }
  {
    ContextOptions o;
    o.device = devices[0].name.substr(0, 4);  // substring, any case
    for (auto& ch : o.device) ch = char(std::toupper(static_cast<unsigned char>(ch)));
    o.validation = Validation::Off;
    Context ctx(o);
    CHECK(ctx.device().name == devices[0].name);
  }
  ContextOptions bad;
  bad.validation = Validation::Off;
  bad.device = "99";
  try {
    Context ctx(bad);
    FAIL("index 99 was accepted");
  } catch (const Error& e) {
    CHECK(std::string(e.what()).find("device index 99") != std::string::npos);
  }
  bad.device = "no-such-gpu-anywhere";
  try {
    Context ctx(bad);
    FAIL("an unknown name was accepted");
  } catch (const Error& e) {
    CHECK(std::string(e.what()).find("no-such-gpu-anywhere") != std::string::npos);
  }
  // The library reads no environment variable: MOBILEVK_DEVICE is the CLI's (tests/CMakeLists.txt
  // checks that the CLI honours it), so here it changes nothing.
  setenv("MOBILEVK_DEVICE", "no-such-gpu-from-env", 1);
  setenv("MOBILEVK_VALIDATION", "1", 1);
  {
    ContextOptions o;
    o.validation = Validation::Auto;
    Context ctx(o);
    CHECK(ctx.device().name == listDevices()[0].name);
#ifdef NDEBUG
    CHECK_FALSE(ctx.validationEnabled());  // Auto is off in release builds, whatever the environment says
#endif
  }
  unsetenv("MOBILEVK_DEVICE");
  unsetenv("MOBILEVK_VALIDATION");
}

TEST_CASE("buffers are sub-allocated from a few large blocks and given back") {
  auto& gpu = InternalAccess::gpu(testing::context());
  const auto before = gpu.allocator().stats();
  {
    std::vector<Buffer> buffers;
    for (int i = 0; i < 200; ++i) buffers.emplace_back(gpu, 4096 + 16 * i, MemoryUsage::Device, "many");
    const auto during = gpu.allocator().stats();
    CHECK(during.liveAllocations == before.liveAllocations + 200);
    CHECK(during.blocks <= before.blocks + 1);  // 200 small buffers fit one 64 MiB block
    // Freeing every other one and allocating again reuses the holes.
    for (int i = 0; i < 200; i += 2) buffers[i] = Buffer();
    for (int i = 0; i < 100; ++i) buffers.emplace_back(gpu, 4096, MemoryUsage::Device, "again");
    CHECK(gpu.allocator().stats().blocks == during.blocks);
  }
  const auto after = gpu.allocator().stats();
  CHECK(after.usedBytes == before.usedBytes);
  CHECK(after.liveAllocations == before.liveAllocations);
  testing::expectNoValidationMessages();
}

TEST_CASE("images are sub-allocated too, in blocks of their own, and given back") {
  auto& gpu = InternalAccess::gpu(testing::context());
  // A buffer first, so that a buffer block exists whatever ran before (buffer blocks are kept when
  // empty; image blocks are not).
  Buffer buffer(gpu, 4096, MemoryUsage::Device, "a buffer");
  const auto before = gpu.allocator().stats();
  {
    std::vector<std::unique_ptr<Rgba8Image>> images;
    for (uint32_t i = 0; i < 8; ++i) images.push_back(std::make_unique<Rgba8Image>(gpu, 64 + i, 48));
    const auto withImages = gpu.allocator().stats();
    CHECK(withImages.liveAllocations == before.liveAllocations + 8);
    // All eight fit one image block (a new one unless an earlier test left an image alive).
    CHECK(withImages.blocks <= before.blocks + 1);
  }
  const auto after = gpu.allocator().stats();
  CHECK(after.blocks == before.blocks);  // the emptied image block went back to the driver
  CHECK(after.usedBytes == before.usedBytes);
  CHECK(after.liveAllocations == before.liveAllocations);
  testing::expectNoValidationMessages();
}

TEST_CASE("upload and download round-trip, mapped and through staging") {
  for (bool staging : {false, true}) {
    CAPTURE(staging);
    ContextOptions o;
    o.validation = Validation::On;
    o.forceStaging = staging;
    Context ctx(o);
    auto& gpu = InternalAccess::gpu(ctx);
    CHECK(gpu.usesStaging() == (staging || !gpu.allocator().deviceMemoryIsHostVisible()));
    std::vector<float> data(10007);
    for (size_t i = 0; i < data.size(); ++i) data[i] = float(i) * 0.5f - 7.0f;
    Buffer b(gpu, data.size() * sizeof(float), MemoryUsage::Device, "round trip");
    gpu.upload(b, data.data(), data.size() * sizeof(float));
    std::vector<float> back(data.size());
    gpu.download(b, back.data(), back.size() * sizeof(float));
    CHECK(back == data);
    // Partial ranges at an offset.
    gpu.upload(b, data.data(), 16, 400);
    float four[4];
    gpu.download(b, four, 16, 400);
    CHECK(four[3] == data[3]);
    CHECK_THROWS_AS(gpu.upload(b, data.data(), 16, b.size() - 8), Error);
    CHECK(ctx.validationMessages().empty());
  }
}

TEST_CASE("oversized buffers and bad pipeline requests fail with context") {
  auto& gpu = InternalAccess::gpu(testing::context());
  const uint64_t range = gpu.info().caps.maxStorageBufferRange;
  try {
    Buffer b(gpu, range + 16, MemoryUsage::Device, "an oversized tensor");
    FAIL("oversized buffer accepted");
  } catch (const Error& e) {
    CHECK(std::string(e.what()).find("an oversized tensor") != std::string::npos);
    CHECK(std::string(e.what()).find("maxStorageBufferRange") != std::string::npos);
  }
  CHECK_THROWS_AS(gpu.pipeline({"no_such_shader", 1, 0, {1, 1, 1}}), Error);
  CHECK_THROWS_AS(gpu.pipeline({"softmax", 2, 16, {4096, 1, 1}}), Error);  // over maxWorkgroupInvocations
  try {
    vkCheck(VK_ERROR_OUT_OF_DEVICE_MEMORY, "vkAllocateMemory for a test");
  } catch (const Error& e) {
    CHECK(std::string(e.what()).find("VK_ERROR_OUT_OF_DEVICE_MEMORY") != std::string::npos);
    CHECK(std::string(e.what()).find("vkAllocateMemory for a test") != std::string::npos);
  }
  testing::expectNoValidationMessages();
}

TEST_CASE("every shader is embedded") {
  for (const char* name : {"conv2d", "depthwise_conv", "pointwise_conv", "global_avg_pool", "fully_connected", "softmax"}) {
    CAPTURE(name);
    const auto* s = findEmbeddedShader(name);
    REQUIRE(s != nullptr);
    CHECK(s->wordCount > 5);
    CHECK(s->words[0] == 0x07230203u);  // SPIR-V magic
  }
}

TEST_CASE("synchronization validation catches a missing barrier (when MOBILEVK_SYNC_VALIDATION=1)") {
  const char* env = std::getenv("MOBILEVK_SYNC_VALIDATION");
  if (!env || std::string(env) != "1") {
    MESSAGE("synchronization validation is off in this run (ctest turns it on)");
    return;
  }
  auto& ctx = testing::context();
  auto& gpu = InternalAccess::gpu(ctx);
  ctx.clearValidationMessages();
  // A shader write followed by transfer writes to the same buffer with no barrier between them:
  // write-after-write hazards.
  Buffer in(gpu, 1024, MemoryUsage::Device, "hazard input");
  Buffer out(gpu, 1024, MemoryUsage::Device, "hazard output");
  auto pipeline = gpu.pipeline({"peak_copy", 2, sizeof(int32_t), {64, 1, 1}});
  DescriptorSet set(gpu, *pipeline, {in, out});
  const int32_t count = 64;
  const uint32_t inv[3] = {64, 1, 1};
  gpu.runAndWait(
      [&](VkCommandBuffer cmd) {
        recordDispatch(cmd, *pipeline, set, &count, sizeof(count), inv);
        vkCmdFillBuffer(cmd, out.handle(), 0, 256, 1u);
        vkCmdFillBuffer(cmd, out.handle(), 0, 256, 2u);
      },
      "hazard test");
  bool hazard = false;
  for (const auto& m : ctx.validationMessages()) hazard |= m.find("SYNC-HAZARD") != std::string::npos;
  CHECK(hazard);
  ctx.clearValidationMessages();
}
