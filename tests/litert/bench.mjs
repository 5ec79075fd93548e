// Same-run speed comparison on one quantized model: mobilevk's integer path (on a GPU with each inner
// product: packed 4x8-bit dot products, where the device has them, and plain), its float path, and
// LiteRT (WebAssembly + XNNPACK, single thread). A benchmark, not a test: it asserts nothing.
// Usage: node bench.mjs MOBILEVK_BINARY MODEL.tflite [ITERATIONS] [--device gpu|cpu|INDEX]
import {execFileSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {compile, patchedTflite} from './litert.mjs';

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
// The SSD file stores [] for its post-process outputs, which LiteRT.js sizes from: a patched copy.
const ssd = path.basename(model) === 'ssd_mobilenet_v1_coco_quant_postprocess.tflite';
const litert = ssd ? await compile(model, patchedTflite(new Uint8Array(fs.readFileSync(model)),
                                                      {shapes: {167: [1, 10, 4], 168: [1, 10], 169: [1, 10], 170: [1]}}))
                   : await compile(model);
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
    console.log(`      of which post-process on the host ${median(postSamples[k]).toFixed(2)} ms ` +
                `(${(100 * median(postSamples[k]) / times[k]).toFixed(1)}% of the frame)`);
});
console.log(`  LiteRT WASM XNNPACK, 1 thread ${lite.toFixed(2).padStart(8)} ms`);
