#pragma once
/// \file The progress callback of long work (proving, the ceremonies): (stage name, stage
/// index, number of stages), indices counting from 1. Each long function says what its stages are.

#include <functional>
#include <string_view>

namespace pm {

using ProgressFn = std::function<void(std::string_view stage, unsigned index, unsigned count)>;

}  // namespace pm
