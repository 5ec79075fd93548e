#!/usr/bin/env python3
"""Fails if the mobilevk library calls a Vulkan function directly instead of through a context's
dispatch table (engine/src/vulkan/functions.h): the only Vulkan symbol it may take from the loader
is vkGetInstanceProcAddr, the default for hosts that give none. Usage: vulkan_symbols.py LIBRARY"""
import subprocess
import sys

library = sys.argv[1]
shared = ".so" in library.rsplit("/", 1)[-1]
out = subprocess.run(["nm", "--undefined-only"] + (["--dynamic"] if shared else []) + [library],
                     check=True, capture_output=True, text=True).stdout
undefined = sorted({line.split()[-1].split("@")[0] for line in out.splitlines() if line.strip() and " U " in " " + line})
vulkan = [s for s in undefined if s.startswith("vk")]
allowed = {"vkGetInstanceProcAddr"}
direct = [s for s in vulkan if s not in allowed]
for s in direct:
    print(f"{library}: direct call to {s} (use the context's VulkanFunctions)")
if not any(s in allowed for s in vulkan):
    print(f"{library}: vkGetInstanceProcAddr is not referenced: is this the mobilevk library?")
    sys.exit(1)
print(f"{len(undefined)} undefined symbols, Vulkan ones: {', '.join(vulkan)}; {len(direct)} direct Vulkan calls")
sys.exit(1 if direct else 0)
