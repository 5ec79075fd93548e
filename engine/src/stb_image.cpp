// stb_image's implementation, in a file of its own: sanitizer builds turn off the signed-overflow and
// shift checks here only (engine/CMakeLists.txt). Debian's stb_image (2022) does arithmetic on
// attacker-chosen JPEG coefficients that overflows int (upstream nothings/stb#1533, still open) and
// shifts negative values; both wrap harmlessly on the compilers we support. Memory errors stay fully
// checked here (AddressSanitizer, array bounds), and mobilevk's own code keeps every check.
#define STB_IMAGE_IMPLEMENTATION
#include "stb_image_config.h"
