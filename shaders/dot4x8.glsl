// Packed 4x8-bit dot products (SPV_KHR_integer_dot_product, VK_KHR_shader_integer_dot_product):
// the sum of the four products of the bytes of a and b, as signed or unsigned 8-bit values, in one
// instruction. Debian's glslang does not know GL_EXT_integer_dot_product, so the SPIR-V
// instructions are named through GL_EXT_spirv_intrinsics: OpSDot (4450) and OpUDot (4451) with
// capabilities DotProduct (6019) and DotProductInput4x8BitPacked (6018); the last operand 0 is
// PackedVectorFormat4x8Bit.
#extension GL_EXT_spirv_intrinsics : require

spirv_instruction(extensions = ["SPV_KHR_integer_dot_product"], capabilities = [6019, 6018], id = 4450)
int signedDot4x8(uint a, uint b, spirv_literal int packedFormat);
spirv_instruction(extensions = ["SPV_KHR_integer_dot_product"], capabilities = [6019, 6018], id = 4451)
uint unsignedDot4x8(uint a, uint b, spirv_literal int packedFormat);

// At most 4 * 255 * 255 unsigned, so the int is exact either way.
int dot4x8(uint a, uint b, bool isSigned) {
  return isSigned ? signedDot4x8(a, b, 0) : int(unsignedDot4x8(a, b, 0));
}
