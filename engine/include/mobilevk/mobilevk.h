/* mobilevk C API: a thin layer over the C++ API for engines written in C or bound from C#, Rust,
 * Lua. Opaque handles; every call returns an mvk_result, and on failure mvk_last_error() gives the
 * message of the last failed call on this thread (valid until the next failing call there).
 * Handles are not thread-safe: use each one from one thread at a time. */
#ifndef MOBILEVK_MOBILEVK_H
#define MOBILEVK_MOBILEVK_H

#include <stddef.h>
#include <stdint.h>
#include <vulkan/vulkan.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct mvk_context_s* mvk_context;
typedef struct mvk_model_s* mvk_model;
typedef struct mvk_network_s* mvk_network;

typedef enum mvk_result {
  MVK_OK = 0,
  MVK_ERROR_INVALID_ARGUMENT = 1, /* a null handle or pointer, a size that does not fit, bad input data */
  MVK_ERROR_FAILED = 2,           /* a failure none of the codes below names (kept for compatibility) */
  MVK_ERROR_UNEXPECTED = 3,       /* an internal error; please report it */
  MVK_ERROR_INVALID_MODEL = 4,    /* a model file or buffer that is malformed or inconsistent */
  MVK_ERROR_UNSUPPORTED = 5,      /* valid, but beyond what mobilevk or this device can run */
  MVK_ERROR_IO = 6,               /* a file that cannot be read (missing, not a regular file, ...) */
  MVK_ERROR_OUT_OF_MEMORY = 7,    /* host or device memory ran out */
  MVK_ERROR_DEVICE_LOST = 8       /* the Vulkan device was lost: destroy its networks and the context (in
                                     either order), make a new context */
} mvk_result;

typedef enum mvk_log_level { MVK_LOG_DEBUG = 0, MVK_LOG_INFO = 1, MVK_LOG_WARNING = 2, MVK_LOG_ERROR = 3 } mvk_log_level;
/* Receives every message mobilevk has for its user (the library prints nothing itself). May be
 * called from the driver's threads. */
typedef void (*mvk_log_callback)(mvk_log_level level, const char* message, void* user_data);

const char* mvk_last_error(void);

/* A context on mobilevk's own device: device NULL or "" for the best one, else an index or a name
 * substring. Messages are dropped (use mvk_context_create_with_options for a log). */
mvk_result mvk_context_create(const char* device, mvk_context* out);
typedef struct mvk_context_options {
  uint32_t struct_size;          /* sizeof(mvk_context_options): lets the struct grow compatibly */
  const char* device;            /* NULL or "": best device; else index or name substring */
  mvk_log_callback log;          /* NULL: messages are dropped */
  void* log_user_data;
  const void* pipeline_cache;    /* a blob from mvk_context_pipeline_cache, or NULL */
  size_t pipeline_cache_size;
  int validation;                /* 1: Khronos validation layer on; its reports go to the log */
  /* NULL or "": the device as it is; else a built-in device profile's name or a profile JSON file's
   * path: limits and features clamped to that (mobile) GPU's (ContextOptions::deviceProfile). */
  const char* device_profile;
} mvk_context_options;
/* A context with options; a stale or foreign pipeline_cache is ignored with a warning to the log. */
mvk_result mvk_context_create_with_options(const mvk_context_options* options, mvk_context* out);
/* data NULL: *size receives the needed size; else copies up to *size bytes and sets *size */
mvk_result mvk_context_pipeline_cache(mvk_context context, void* data, size_t* size);

/* A context on the host's device (see ExternalVulkan in context.h for what it requires and owns). */
mvk_result mvk_context_create_external(VkInstance instance, VkPhysicalDevice physical_device, VkDevice device,
                                       uint32_t queue_family_index, VkQueue queue, int storage16bit_enabled,
                                       mvk_context* out);
/* The host's device with the newer options: its own vkGetInstanceProcAddr (engines that load
 * Vulkan through volk or a loader of their own; NULL: the Vulkan loader's, and mobilevk resolves every
 * function it calls through it), and a log and pipeline cache from mvk_context_options (NULL: none;
 * its device and validation fields are ignored, the host's instance decides about layers). */
typedef struct mvk_external_vulkan {
  uint32_t struct_size;          /* sizeof(mvk_external_vulkan) */
  VkInstance instance;
  VkPhysicalDevice physical_device;
  VkDevice device;
  uint32_t queue_family_index;   /* must support compute */
  VkQueue queue;
  int storage16bit_enabled;      /* 1: the host enabled storageBuffer16BitAccess (fp16 networks) */
  PFN_vkGetInstanceProcAddr get_instance_proc_addr;
  int shader_integer_dot_product_enabled; /* 1: the host enabled shaderIntegerDotProduct */
} mvk_external_vulkan;
mvk_result mvk_context_create_external_with_options(const mvk_external_vulkan* external,
                                                    const mvk_context_options* options, mvk_context* out);
/* Networks made on the context keep its device alive, so networks and their context may be destroyed
 * in either order: the device (and, for an external one, mobilevk's use of the host's handles) ends
 * with the last of them. The log callback may be called until then. */
void mvk_context_destroy(mvk_context context);

/* A .tflite file, or a Keras/TF.js model.json or its directory. */
mvk_result mvk_model_load(const char* path, mvk_model* out);
/* TFLite bytes in memory (copied: data may be freed afterwards); garbage gives MVK_ERROR_INVALID_MODEL. */
mvk_result mvk_model_load_memory(const void* data, size_t size, mvk_model* out);
void mvk_model_destroy(mvk_model model);
/* Number of output values per image (classes, or features). */
size_t mvk_model_output_size(mvk_model model);

/* fp16: 0 for fp32 storage, 1 for fp16 (needs 16-bit storage). Batch 1. */
mvk_result mvk_network_create(mvk_context context, mvk_model model, int fp16, mvk_network* out);
typedef struct mvk_network_options {
  uint32_t struct_size;          /* sizeof(mvk_network_options) */
  int fp16;                      /* 0 fp32, 1 fp16 storage, 2 auto (the tuning cache's precision decision;
                                    NetworkOptions::PrecisionPolicy::Auto) */
  int frames_in_flight;          /* >= 1 */
  int execution;                 /* 0 auto (integer for a quantized file), 1 float, 2 integer */
  int dot_product;               /* integer execution's inner product: 0 auto, 1 packed, 2 plain */
  const char* tuning_cache;      /* NULL, or a tuning cache's JSON text (`mobilevk tune`; see tuning.h) */
} mvk_network_options;
mvk_result mvk_network_create_with_options(mvk_context context, mvk_model model, const mvk_network_options* options,
                                           mvk_network* out);
void mvk_network_destroy(mvk_network network);

/* Classifies tightly packed RGBA8 pixels (resized whole on the GPU); writes output_size floats.
 * rgba_size is the byte length of the rgba buffer: one shorter than width * height * 4 is refused
 * (MVK_ERROR_INVALID_ARGUMENT), as is a width or height of 0. */
mvk_result mvk_classify_rgba8(mvk_network network, const uint8_t* rgba, size_t rgba_size, uint32_t width,
                              uint32_t height, float* out, size_t out_count);

/* Records crop/resize/normalize of a sampled VkImageView (format R8G8B8A8 or B8G8R8A8, UNORM or
 * SRGB) into the network's input; mvk_record then records the network. Both go into the host's
 * command buffer (synchronization contract: network.h). crop may be NULL (whole image) or
 * {x, y, width, height}. */
mvk_result mvk_record_image_input(mvk_network network, VkCommandBuffer cmd, VkImageView view, VkImageLayout layout,
                                  uint32_t width, uint32_t height, VkFormat format, const int32_t crop[4]);
mvk_result mvk_record(mvk_network network, VkCommandBuffer cmd);
/* The same for frame slot `frame` (0 .. frames_in_flight - 1), so that several frames can be in
 * flight; mvk_record and mvk_read_output use frame 0. */
mvk_result mvk_record_frame(mvk_network network, VkCommandBuffer cmd, int frame);
/* After the host's submission completed: the output as floats, or where it lives on the device
 * (NC4HW4: output_size rounded up to a multiple of 4, float32 or float16 per the network). */
mvk_result mvk_read_output(mvk_network network, float* out, size_t out_count);
mvk_result mvk_read_output_frame(mvk_network network, int frame, float* out, size_t out_count);
mvk_result mvk_output_buffer(mvk_network network, VkBuffer* buffer, VkDeviceSize* offset, VkDeviceSize* size);

/* A model's several outputs (a detector's boxes and scores; the calls above read output 0). */
size_t mvk_network_output_count(mvk_network network);
typedef struct mvk_output_info {
  const char* name;       /* the model's name for the tensor; valid while the network lives */
  int32_t shape[4];       /* N, H, W, C at the network's batch */
  size_t count;           /* floats mvk_read_output_at writes: N * H * W * C */
  int quantized;          /* integer execution: the tensor's 8-bit grid follows */
  int is_signed;          /* int8 (1) or uint8 (0) */
  float scale;
  int32_t zero_point;
  int indices;            /* class indices (ARG_MAX): whole numbers; mvk_read_class_map reads them as int32 */
} mvk_output_info;
mvk_result mvk_network_output_info(mvk_network network, size_t index, mvk_output_info* info);
/* Output `index` of frame slot `frame` as floats (dequantized in integer execution), after the
 * host's submission completed, or after mvk_classify_rgba8. */
mvk_result mvk_read_output_at(mvk_network network, size_t index, int frame, float* out, size_t count);
/* Detectors (SSD files ending in TFLite_Detection_PostProcess; mobilevk/detection.h): the device
 * part runs on the GPU, the post-process on the host. One detection: the model's class (0-based,
 * the background excluded: line class_id of its label file), its score, and its box normalized to
 * the image. */
typedef struct mvk_detection {
  int class_id;
  float score;
  float ymin, xmin, ymax, xmax;
} mvk_detection;
/* Detects objects in tightly packed RGBA8 pixels (as mvk_classify_rgba8): the detections scoring at
 * least score_threshold, best first. *count gets how many there are; the first min(*count,
 * capacity) are written to out (out may be NULL when capacity is 0). A network that is not a
 * detector is refused (MVK_ERROR_INVALID_ARGUMENT). */
mvk_result mvk_detect(mvk_network network, const uint8_t* rgba, size_t rgba_size, uint32_t width, uint32_t height,
                      float score_threshold, mvk_detection* out, size_t capacity, size_t* count);
/* The same from frame slot `frame` after the host's own submission (mvk_record_frame) completed:
 * reads the device outputs and runs the post-process. */
mvk_result mvk_read_detections(mvk_network network, int frame, float score_threshold, mvk_detection* out, size_t capacity,
                               size_t* count);
/* Segmenters (a model ending in ARG_MAX over its class channels, DeepLabV3; mobilevk/segmentation.h):
 * the class of each pixel of the model's output map, row-major (mvk_network_output_info's shape
 * [N, H, W, 1] for output 0). mvk_segment segments tightly packed RGBA8 pixels (as
 * mvk_classify_rgba8) and writes H * W classes; mvk_read_class_map reads frame slot `frame` after
 * the host's own submission completed, N * H * W classes. A classes_count below that is refused,
 * as is a network that is not a segmenter (MVK_ERROR_INVALID_ARGUMENT). */
mvk_result mvk_segment(mvk_network network, const uint8_t* rgba, size_t rgba_size, uint32_t width, uint32_t height, int32_t* classes,
                       size_t classes_count);
mvk_result mvk_read_class_map(mvk_network network, int frame, int32_t* classes, size_t classes_count);
/* Pose estimators (PoseNet ending in Coral's PosenetDecoderOp; mobilevk/pose.h): the device part
 * runs on the GPU, the decoder on the host. A keypoint, normalized to the image (the model sees the
 * whole image resized to its input), with its score; a pose: its score and the 17 COCO keypoints in
 * the order of mvk_keypoint_name. */
#define MVK_KEYPOINT_COUNT 17
typedef struct mvk_keypoint {
  float x, y;
  float score;
} mvk_keypoint;
typedef struct mvk_body_pose {
  float score;
  mvk_keypoint keypoints[MVK_KEYPOINT_COUNT];
} mvk_body_pose;
/* "nose", "left_eye", ... "right_ankle"; NULL outside 0..16. */
const char* mvk_keypoint_name(int keypoint);
/* Estimates poses in tightly packed RGBA8 pixels (as mvk_classify_rgba8): those scoring at least
 * score_threshold, best first; *count and capacity as mvk_detect. A network that is not a pose
 * estimator is refused (MVK_ERROR_INVALID_ARGUMENT). */
mvk_result mvk_pose(mvk_network network, const uint8_t* rgba, size_t rgba_size, uint32_t width, uint32_t height, float score_threshold,
                    mvk_body_pose* out, size_t capacity, size_t* count);
/* The same from frame slot `frame` after the host's own submission completed. */
mvk_result mvk_read_poses(mvk_network network, int frame, float score_threshold, mvk_body_pose* out, size_t capacity, size_t* count);
/* Forget a view passed to mvk_record_image_input before destroying it. */
void mvk_forget_image_view(mvk_network network, VkImageView view);

/* Indices of the k largest of values[0..count), largest first; NaN values rank after every number. */
mvk_result mvk_top_k(const float* values, size_t count, size_t k, int32_t* indices);

#ifdef __cplusplus
}
#endif

#endif /* MOBILEVK_MOBILEVK_H */
