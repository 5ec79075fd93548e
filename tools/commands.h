#pragma once
// Subcommands of the mobilevk program. Each takes the arguments after its name and returns the
// process exit code.
#include <string>
#include <vector>

int cmdDevices(const std::vector<std::string>& args);
int cmdSummary(const std::vector<std::string>& args);
int cmdClassify(const std::vector<std::string>& args);
int cmdDetect(const std::vector<std::string>& args);
int cmdSegment(const std::vector<std::string>& args);
int cmdPose(const std::vector<std::string>& args);
int cmdCompare(const std::vector<std::string>& args);
int cmdBench(const std::vector<std::string>& args);
int cmdTune(const std::vector<std::string>& args);
