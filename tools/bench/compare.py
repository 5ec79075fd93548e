#!/usr/bin/env python3
"""Same-run speed comparison: mobilevk on its GPU device vs PyTorch on the CPU.

Runs, alternating, `mobilevk bench` (default Vulkan device: lavapipe where there is no GPU) and
the same MobileNetV1 in PyTorch (Debian's python3-torch, 2 threads, same alpha, resolution and
batch, random weights, batch norm folded as mobilevk folds it), plus mobilevk's own CPU reference
path for scale. Alternating rounds share the machine's noise fairly. Prints each engine's median
latency and its ratio to PyTorch's.

    python3 tools/bench/compare.py [--alpha 1.0] [--resolution 224] [--batch 1] [--rounds 5]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CLI = os.path.join(ROOT, "build", "bin", "mobilevk")


def torch_mobilenet_v1(alpha, classes):
    import torch.nn as nn

    def ch(c):
        return max(1, int(c * alpha))

    def conv_bn_relu6(cin, cout, k, stride, groups=1):
        # Batch norm folded into the conv's bias, as an inference engine runs it.
        return [nn.Conv2d(cin, cout, k, stride, padding=k // 2, groups=groups, bias=True), nn.ReLU6(inplace=True)]

    layers = conv_bn_relu6(3, ch(32), 3, 2)
    blocks = [(64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2)] + [(512, 1)] * 5 + [(1024, 2), (1024, 1)]
    c = ch(32)
    for out, stride in blocks:
        layers += conv_bn_relu6(c, c, 3, stride, groups=c)
        layers += conv_bn_relu6(c, ch(out), 1, 1)
        c = ch(out)
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(c, classes), nn.Softmax(dim=1)]
    return nn.Sequential(*layers).eval()


def bench_torch(model, x, iterations, warmup):
    import torch

    times = []
    with torch.inference_mode():
        for i in range(warmup + iterations):
            t0 = time.perf_counter()
            model(x)
            dt = (time.perf_counter() - t0) * 1000.0
            if i >= warmup:
                times.append(dt)
    return times


def bench_mobilevk(args, device, iterations, warmup):
    cmd = [CLI, "bench", "--alpha", str(args.alpha), "--resolution", str(args.resolution), "--batch", str(args.batch),
           "--iterations", str(iterations), "--warmup", str(warmup), "--json"]
    if device:
        cmd += ["--device", device]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--alpha", type=float, default=1.0)
    p.add_argument("--resolution", type=int, default=224)
    p.add_argument("--batch", type=int, default=1)
    p.add_argument("--rounds", type=int, default=5, help="alternating rounds of each engine")
    p.add_argument("--iterations", type=int, default=10, help="timed runs per round")
    p.add_argument("--threads", type=int, default=2, help="PyTorch CPU threads")
    p.add_argument("--json", action="store_true")
    args = p.parse_args()

    if not os.path.exists(CLI):
        sys.exit(f"error: {CLI} not found; build first (cmake -S . -B build && cmake --build build -j2)")
    try:
        import torch
    except ImportError:
        sys.exit("error: PyTorch is not installed (on Debian: apt-get install python3-torch)")

    torch.manual_seed(0)
    torch.set_num_threads(args.threads)
    model = torch_mobilenet_v1(args.alpha, 1000)
    x = torch.randn(args.batch, 3, args.resolution, args.resolution)

    samples = {"pytorch": [], "mobilevk": [], "mobilevk_gpu_only": []}
    device_name = None
    for r in range(args.rounds):
        samples["pytorch"] += bench_torch(model, x, args.iterations, 2)
        res = bench_mobilevk(args, None, args.iterations, 2)
        device_name = res["device"]
        samples["mobilevk"].append(res["host_ms"]["median"])
        if "gpu_ms" in res:
            samples["mobilevk_gpu_only"].append(res["gpu_ms"]["median"])
        print(f"round {r + 1}/{args.rounds}: pytorch {statistics.median(samples['pytorch'][-args.iterations:]):.2f} ms, "
              f"mobilevk {res['host_ms']['median']:.2f} ms", file=sys.stderr)
    cpu_ref = bench_mobilevk(args, "cpu", 2, 0)

    torch_median = statistics.median(samples["pytorch"])
    rows = [
        (f"PyTorch {torch.__version__} CPU ({args.threads} threads)", torch_median),
        (f"mobilevk on {device_name} (end to end)", statistics.median(samples["mobilevk"])),
    ]
    if samples["mobilevk_gpu_only"]:
        rows.append((f"mobilevk on {device_name} (GPU timestamps)", statistics.median(samples["mobilevk_gpu_only"])))
    rows.append(("mobilevk CPU reference (double-accumulating loops)", cpu_ref["host_ms"]["median"]))
    title = f"MobileNetV1 alpha {args.alpha} @{args.resolution}, batch {args.batch}, median over {args.rounds} alternating rounds"
    if args.json:
        print(json.dumps({"config": title, "results": [{"engine": n, "median_ms": m, "ratio_vs_pytorch": m / torch_median}
                                                      for n, m in rows]}, indent=2))
        return
    print(title)
    print(f"  {'engine':58s} {'median ms':>10s} {'vs PyTorch':>11s}")
    for name, median in rows:
        print(f"  {name:58s} {median:10.2f} {median / torch_median:10.2f}x")


if __name__ == "__main__":
    main()
