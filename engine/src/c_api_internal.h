#pragma once
// What the C API's opaque handles hold, and how an ErrorCode becomes an mvk_result: shared with the
// tests (which reach the C++ objects behind a handle, e.g. to inject a device loss).
#include <memory>
#include <string>
#include <vector>

#include "mobilevk/context.h"
#include "mobilevk/error.h"
#include "mobilevk/mobilevk.h"
#include "mobilevk/model.h"
#include "mobilevk/network.h"

struct mvk_context_s {
  std::unique_ptr<mobilevk::Context> context;
};
struct mvk_model_s {
  mobilevk::Model model;
};
struct mvk_network_s {
  std::unique_ptr<mobilevk::Network> network;
  size_t outputSize = 0;
  std::vector<std::string> outputNames;  // what mvk_output_info::name points into (sized once)
};

mvk_result mvkResultFor(mobilevk::ErrorCode code);
