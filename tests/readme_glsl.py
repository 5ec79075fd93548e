#!/usr/bin/env python3
"""Every ```glsl block in the README compiles with glslangValidator for Vulkan 1.1, so the shader
an embedder copies from it (reading the class map) keeps matching the language it claims. A block
declaring `local_size` is compiled as a compute shader, any other as a fragment shader.
  readme_glsl.py GLSLANG_VALIDATOR README.md WORK_DIR"""
import os
import re
import subprocess
import sys

validator, readme, work = sys.argv[1:4]
with open(readme, encoding="utf-8") as f:
    blocks = re.findall(r"^```glsl\n(.*?)^```", f.read(), re.M | re.S)
if not blocks:
    sys.exit(f"{readme}: no ```glsl block found (expected at least the class-map shader)")
os.makedirs(work, exist_ok=True)
failed = 0
for i, source in enumerate(blocks):
    stage = "comp" if "local_size" in source else "frag"
    path = os.path.join(work, f"readme_{i}.{stage}")
    with open(path, "w", encoding="utf-8") as f:
        f.write(source)
    run = subprocess.run([validator, "-V", "--target-env", "vulkan1.1", "-o", path + ".spv", path],
                         capture_output=True, text=True)
    if run.returncode != 0:
        failed += 1
        print(f"{readme}: glsl block {i + 1} ({stage}) does not compile:\n{run.stdout}{run.stderr}")
print(f"{len(blocks)} README glsl blocks, {failed} failing to compile")
sys.exit(1 if failed else 0)
