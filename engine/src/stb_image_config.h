#pragma once
// The one configuration of Debian's stb_image used by mobilevk (JPEG, PNG and BMP from memory only).
// Its implementation is compiled alone in stb_image.cpp so that build flags can single it out.
#define STBI_ONLY_JPEG
#define STBI_ONLY_PNG
#define STBI_ONLY_BMP
#define STBI_NO_STDIO
#define STBI_FAILURE_USERMSG
#include <stb/stb_image.h>
