#pragma once
// Device profiles: what a (mobile) GPU reports, as data, and the clamp of a real device's
// capabilities to one. The profiles themselves are JSON files in engine/profiles/, compiled in.
#include <string>
#include <vector>

#include "mobilevk/context.h"

namespace mobilevk {

struct DeviceProfile {
  std::string name;    // "adreno-640"
  std::string device;  // "Qualcomm Adreno 640"
  std::string type;    // as DeviceInfo::type ("integrated" for every mobile GPU): planning reads it
  std::string origin;  // where the JSON came from: "built-in" or the file's path
  DeviceCapabilities limits;  // only the fields a profile states are meaningful
};

// A built-in profile's name or the path of a profile file. Throws InvalidArgument naming the
// unknown profile (and the known ones), or the file and the missing or malformed field.
DeviceProfile loadDeviceProfile(const std::string& nameOrPath);
// Parses profile JSON; `origin` names it in errors.
DeviceProfile parseDeviceProfile(const std::string& json, const std::string& origin);

// `caps` clamped to the profile: the smaller limit, features both have, the stricter alignment,
// the profile's subgroup size. Every place the profile claims more than `caps` has is one line
// of `overClaims` (the device's value is kept there).
DeviceCapabilities clampToProfile(const DeviceCapabilities& caps, const DeviceProfile& profile,
                                  std::vector<std::string>& overClaims);

}  // namespace mobilevk
