#!/usr/bin/env python3
"""Same-run speed comparison: mobilevk on its GPU device vs PyTorch on the CPU.

Runs, alternating, `mobilevk bench` (default Vulkan device: lavapipe where there is no GPU) and
the same MobileNetV1 in PyTorch (Debian's python3-torch, 2 threads, same alpha, resolution and
batch, random weights, batch norm folded as mobilevk folds it) both eager and at its best
(torch.jit.optimize_for_inference: frozen graph, oneDNN convolutions), `mobilevk bench --peak`
(the device's measured fp32 FMA rate) in every round, plus mobilevk's own CPU reference path for
scale. With --second-driver DIR (build/mesa25, from scripts/fetch-mesa25.sh) mobilevk and its peak
also run on that Vulkan driver. Alternating rounds share the machine's noise fairly. Prints each
engine's median latency, its ratio to PyTorch eager's, and its GFLOP/s as a share of the measured
peak of the Vulkan device.

    python3 tools/bench/compare.py [--alpha 1.0] [--resolution 224] [--batch 1] [--rounds 5]
                                   [--second-driver build/mesa25] [--tuning-cache F] [--second-tuning-cache F]
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


def second_driver_env(directory):
    """The environment that makes the Vulkan loader see only the driver unpacked in `directory`."""
    icd = os.path.join(directory, "lvp_icd.json")
    if not os.path.exists(icd):
        sys.exit(f"error: {icd} not found; run bash scripts/fetch-mesa25.sh")
    with open(icd) as f:
        library = json.load(f)["ICD"]["library_path"]
    env = dict(os.environ)
    env["VK_DRIVER_FILES"] = icd
    env["LD_LIBRARY_PATH"] = os.path.dirname(library) + (":" + env["LD_LIBRARY_PATH"] if env.get("LD_LIBRARY_PATH") else "")
    return env


def bench_mobilevk(args, device, iterations, warmup, env=None, tuning_cache=None):
    cmd = [CLI, "bench", "--alpha", str(args.alpha), "--resolution", str(args.resolution), "--batch", str(args.batch),
           "--iterations", str(iterations), "--warmup", str(warmup), "--json"]
    if device:
        cmd += ["--device", device]
    if tuning_cache:
        cmd += ["--tuning-cache", tuning_cache]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env).stdout
    return json.loads(out)


def peak_gflops(env=None):
    out = subprocess.run([CLI, "bench", "--peak", "--json"], check=True, capture_output=True, text=True, env=env).stdout
    return json.loads(out)["fp32_gflops"]


def driver_info(env=None):
    out = subprocess.run([CLI, "devices", "--json"], check=True, capture_output=True, text=True, env=env).stdout
    return json.loads(out)["devices"][0]["driver"]["info"]


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--alpha", type=float, default=1.0)
    p.add_argument("--resolution", type=int, default=224)
    p.add_argument("--batch", type=int, default=1)
    p.add_argument("--rounds", type=int, default=5, help="alternating rounds of each engine")
    p.add_argument("--iterations", type=int, default=10, help="timed runs per round")
    p.add_argument("--threads", type=int, default=2, help="PyTorch CPU threads")
    p.add_argument("--json", action="store_true")
    p.add_argument("--second-driver", metavar="DIR", help="also run mobilevk on the Vulkan driver unpacked in DIR")
    p.add_argument("--tuning-cache", metavar="FILE", help="mobilevk runs the kernel variants of this cache (mobilevk tune)")
    p.add_argument("--second-tuning-cache", metavar="FILE", help="the same on the second driver")
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
    with torch.inference_mode():
        best = torch.jit.optimize_for_inference(torch.jit.trace(model, x))
        best(x)  # the first calls specialize the frozen graph
        best(x)

    drivers = [("", None)]
    if args.second_driver:
        env = second_driver_env(args.second_driver)
        drivers.append((driver_info(env), env))
        drivers[0] = (driver_info(None), None)
    samples = {"pytorch": [], "pytorch_best": []}
    for k in range(len(drivers)):
        samples[f"mobilevk{k}"], samples[f"gpu{k}"], samples[f"peak{k}"] = [], [], []
    device_name, macs = None, None
    for r in range(args.rounds):
        samples["pytorch"] += bench_torch(model, x, args.iterations, 2)
        samples["pytorch_best"] += bench_torch(best, x, args.iterations, 2)
        for k, (_, env) in enumerate(drivers):
            res = bench_mobilevk(args, None, args.iterations, 2, env,
                                 args.second_tuning_cache if k else args.tuning_cache)
            device_name, macs = res["device"], res["mult_adds"]
            samples[f"mobilevk{k}"].append(res["host_ms"]["median"])
            if "gpu_ms" in res:
                samples[f"gpu{k}"].append(res["gpu_ms"]["median"])
            samples[f"peak{k}"].append(peak_gflops(env))
        print(f"round {r + 1}/{args.rounds}: pytorch {statistics.median(samples['pytorch'][-args.iterations:]):.2f} ms, "
              f"pytorch best {statistics.median(samples['pytorch_best'][-args.iterations:]):.2f} ms, "
              f"mobilevk {samples['mobilevk0'][-1]:.2f} ms", file=sys.stderr)
    cpu_ref = bench_mobilevk(args, "cpu", 2, 0)

    torch_median = statistics.median(samples["pytorch"])
    peak = statistics.median(samples["peak0"])
    # (name, median ms, the measured peak its share is of)
    rows = [
        (f"PyTorch {torch.__version__} CPU ({args.threads} threads), eager", torch_median, peak),
        (f"PyTorch {torch.__version__} CPU ({args.threads} threads), optimize_for_inference (oneDNN)",
         statistics.median(samples["pytorch_best"]), peak),
    ]
    for k, (info, _) in enumerate(drivers):
        on = info or device_name
        own_peak = statistics.median(samples[f"peak{k}"])
        rows.append((f"mobilevk on {on} (end to end)", statistics.median(samples[f"mobilevk{k}"]), own_peak))
        if samples[f"gpu{k}"]:
            rows.append((f"mobilevk on {on} (GPU timestamps)", statistics.median(samples[f"gpu{k}"]), own_peak))
    rows.append(("mobilevk CPU reference (double-accumulating loops)", cpu_ref["host_ms"]["median"], peak))
    peaks = [(info or device_name, statistics.median(samples[f"peak{k}"])) for k, (info, _) in enumerate(drivers)]
    title = f"MobileNetV1 alpha {args.alpha} @{args.resolution}, batch {args.batch}, median over {args.rounds} alternating rounds"

    def gflops(ms):
        return 2.0 * macs * args.batch / (ms * 1e6)

    if args.json:
        print(json.dumps({"config": title, "peak_fp32_gflops": dict(peaks),
                          "results": [{"engine": n, "median_ms": m, "ratio_vs_pytorch": m / torch_median,
                                       "gflops": gflops(m), "share_of_peak": gflops(m) / pk} for n, m, pk in rows]},
                         indent=2))
        return
    print(title)
    for name, value in peaks:
        print(f"  measured fp32 FMA peak (bench --peak) on {name}: {value:.1f} GFLOP/s")
    print(f"  {'engine':76s} {'median ms':>10s} {'vs PyTorch':>11s} {'GFLOP/s':>8s} {'of peak':>8s}")
    for name, median, pk in rows:
        print(f"  {name:76s} {median:10.2f} {median / torch_median:10.2f}x {gflops(median):8.1f} "
              f"{100 * gflops(median) / pk:7.0f}%")
    print("  (share of peak: mobilevk against its own driver's measured fp32 peak; the CPU engines against the "
          "first driver's, as a yardstick)")


if __name__ == "__main__":
    main()
