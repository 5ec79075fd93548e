// Same-run speed comparison on one quantized model: mobilevk's integer path (on a GPU with each inner
// product: packed 4x8-bit dot products, where the device has them, and plain), its float path, and
// LiteRT (WebAssembly + XNNPACK, single thread). A benchmark, not a test: it asserts nothing.
// Usage: node bench.mjs MOBILEVK_BINARY MODEL.tflite [ITERATIONS] [--device gpu|cpu|INDEX]
import {execFileSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {compile, operatorInputsOf, operatorOutputsOf, operatorsOfBuiltin, patchedTflite} from './litert.mjs';

const args = process.argv.slice(2);
const deviceAt = args.indexOf('--device');
const device = deviceAt >= 0 ? args.splice(deviceAt, 2)[1] : 'gpu';
const [binary, model, iterationsText] = args;
if (!binary || !model) {
  console.error('usage: node bench.mjs MOBILEVK_BINARY MODEL.tflite [ITERATIONS] [--device gpu|cpu|INDEX]');
  process.exit(2);
}
const iterations = Number(iterationsText || 20);
const median = (v) => { const s = [...v].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };

function mobilevk(execution, dotProduct) {
  const extra = dotProduct ? ['--dot-product', dotProduct] : [];
  const out = JSON.parse(execFileSync(binary, ['bench', '--model', model, '--execution', execution, '--device', device,
                                               '--iterations', String(iterations), '--json', ...extra], {encoding: 'utf8'}));
  return {device: out.device, host: out.host_ms.median, gpu: out.gpu_ms?.median, post: out.postprocess_ms?.median,
          dotProduct: out.dot_product};
}

// Interleaved rounds, so that load from other processes on a shared machine hits all of them alike.
// LiteRT runs a patched copy where it cannot run the file itself: the SSD file stores [] for its
// post-process outputs, which LiteRT.js sizes from; LiteRT.js returns no INT64 (DeepLab's ARG_MAX
// gives INT32 instead); it has no PosenetDecoderOp (PoseNet cut before it, operator 37: LiteRT then
// runs everything but the decoder, which takes mobilevk ~0.1 ms on the host).
const kArgMax = 56, kInt32 = 2;
function litertCopy(original) {
  switch (path.basename(model)) {
    case 'ssd_mobilenet_v1_coco_quant_postprocess.tflite':
      return patchedTflite(original, {shapes: {167: [1, 10, 4], 168: [1, 10], 169: [1, 10], 170: [1]}});
    case 'deeplabv3_mnv2_pascal_quant.tflite': {
      const [argMax] = operatorsOfBuiltin(original, kArgMax);
      const types = Object.fromEntries(operatorOutputsOf(original, argMax).map((t) => [t, kInt32]));
      return patchedTflite(original, {types, argMaxTypes: {[argMax]: kInt32}});
    }
    case 'posenet_mobilenet_v1_075_481_641_16_quant_decoder.tflite':
      return patchedTflite(original, {operators: 37, outputs: operatorInputsOf(original, 37)});
    default:
      return null;
  }
}
const litert = await compile(model, litertCopy(new Uint8Array(fs.readFileSync(model))));
const input = new Uint8Array(Object.values(litert.input.shape).reduce((a, b) => a * b, 1)).map((_, i) => (i * 37) % 251);
for (let i = 0; i < 3; ++i) await litert.run(input);
const runs = [['integer', 'auto'], ['float', null]];
if (device !== 'cpu') runs.splice(1, 0, ['integer', 'plain']);
const samples = runs.map(() => []), labels = runs.map(() => ''), gpuSamples = runs.map(() => []), postSamples = runs.map(() => []);
const liteSamples = [];
let deviceName = '';
for (let round = 0; round < 3; ++round) {
  runs.forEach(([execution, dot], k) => {
    const r = mobilevk(execution, device === 'cpu' ? null : dot);
    if (!deviceName) deviceName = r.device;
    samples[k].push(r.host);
    if (r.gpu !== undefined) gpuSamples[k].push(r.gpu);
    if (r.post !== undefined) postSamples[k].push(r.post);
    labels[k] = execution === 'float' ? 'float' : `integer${r.dotProduct ? `, ${r.dotProduct}` : ''}`;
  });
  const t = [];
  for (let k = 0; k < iterations; ++k) t.push((await litert.run(input)).ms);
  liteSamples.push(median(t));
}
const times = samples.map(median), lite = median(liteSamples), float = times[times.length - 1];
console.log(`${model}, ${iterations} iterations x 3 interleaved rounds, medians (host end-to-end ms per image)`);
console.log(`mobilevk on ${deviceName}`);
runs.forEach((_, k) => {
  const ratios = labels[k] === 'float' ? '' : `   speed vs float ${(float / times[k]).toFixed(2)}, vs LiteRT ${(lite / times[k]).toFixed(2)}`;
  console.log(`  mobilevk ${labels[k].padEnd(18)} ${times[k].toFixed(2).padStart(8)} ms${ratios}`);
  if (gpuSamples[k].length) console.log(`      of which device (GPU timestamps) ${median(gpuSamples[k]).toFixed(2)} ms`);
  if (postSamples[k].length)
    console.log(`      of which the host part (post-process, decoder)  ${median(postSamples[k]).toFixed(2)} ms ` +
                `(${(100 * median(postSamples[k]) / times[k]).toFixed(1)}% of the frame)`);
});
console.log(`  LiteRT WASM XNNPACK, 1 thread ${lite.toFixed(2).padStart(8)} ms`);
