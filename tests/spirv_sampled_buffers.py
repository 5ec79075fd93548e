#!/usr/bin/env python3
"""Fails if an embedded shader declares a combined image sampler over a buffer (OpTypeSampledImage
of an OpTypeImage with Dim Buffer, what GLSL's samplerBuffer compiles to). SPIR-V 1.6 forbids it and
the validation layer on Vulkan 1.3 drivers (Mesa 25) warns; Debian 12's spirv-val does not check it
yet, so this test does. Usage: spirv_sampled_buffers.py SPIRV_DIS FILE.spv..."""
import re
import subprocess
import sys

dis, files = sys.argv[1], sys.argv[2:]
bad = 0
for path in files:
    text = subprocess.run([dis, "--raw-id", path], check=True, capture_output=True, text=True).stdout
    buffer_images = set(re.findall(r"^\s*(%\d+) = OpTypeImage %\d+ Buffer", text, re.M))
    for sampled in re.findall(r"OpTypeSampledImage (%\d+)", text):
        if sampled in buffer_images:
            print(f"{path}: OpTypeSampledImage over a Dim Buffer image (declare a textureBuffer, not a samplerBuffer)")
            bad += 1
print(f"{len(files)} shader binaries, {bad} sampled buffer images")
sys.exit(1 if bad else 0)
