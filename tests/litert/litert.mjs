// LiteRT (TFLite's runtime: WebAssembly + XNNPACK, single thread) under Node, as the oracle for
// mobilevk's integer path. LiteRT.js is made for browsers: its loader fetches its Emscripten glue
// with importScripts() into a worker's global scope, which is given here with vm.runInThisContext
// and the few globals the glue expects of Node (require, __dirname, __filename).
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import {createRequire} from 'node:module';
import {fileURLToPath} from 'node:url';

const require_ = createRequire(import.meta.url);

let liteRt = null;

async function load() {
  if (liteRt) return liteRt;
  const wasmDir = path.join(path.dirname(require_.resolve('@litertjs/core/package.json')), 'wasm');
  globalThis.self = globalThis;
  globalThis.require = require_;
  globalThis.__dirname = wasmDir;
  globalThis.importScripts = (url) => {
    const file = String(url).startsWith('file:') ? fileURLToPath(url) : String(url);
    globalThis.__filename = file;
    vm.runInThisContext(fs.readFileSync(file, 'utf8'), {filename: file});
  };
  // LiteRT logs its set-up (and a failed WebGPU probe) to the console; the oracle's stdout is data.
  const log = console.log, warn = console.warn, error = console.error;
  console.log = console.warn = console.error = () => {};
  try {
    liteRt = await import('@litertjs/core');
    await liteRt.loadLiteRt(wasmDir + '/');
  } finally {
    console.log = log;
    console.warn = warn;
    console.error = error;
  }
  return liteRt;
}

// A compiled .tflite on LiteRT's CPU (XNNPACK) path.
// `bytes`, when given, are the model's (a patched copy), and modelPath only names it.
export async function compile(modelPath, bytes = null) {
  const lr = await load();
  const model = await lr.loadAndCompile(bytes ?? new Uint8Array(fs.readFileSync(modelPath)), {accelerator: 'wasm'});
  const input = model.getInputDetails()[0];
  return {
    input,
    output: model.getOutputDetails()[0],
    // Runs one input (a typed array of the input's dtype and element count); returns the output's
    // typed array and the run time in ms.
    async run(data) {
      const t = new lr.Tensor(data, Object.values(input.shape));
      const t0 = performance.now();
      const outs = await model.run(t);
      const ms = performance.now() - t0;
      const all = outs.map((o) => o.toTypedArray().slice());
      t.delete();
      for (const o of outs) o.delete();
      return {out: all[0], all, ms};
    },
  };
}

// A copy of a .tflite's bytes with the shapes of some tensors replaced (tensor index of subgraph 0
// -> dims): each new shape vector is appended after the flatbuffer and the tensor's shape field is
// pointed at it (offsets point forward, so this needs no rewrite of anything else). LiteRT.js sizes
// outputs from the file's static shapes; the SSD file stores [] for its post-process outputs.
export function withTensorShapes(bytes, shapes) {
  const view = (b) => new DataView(b.buffer, b.byteOffset, b.byteLength);
  let size = bytes.length;
  const pad = (4 - (size % 4)) % 4;
  const extra = Object.values(shapes).reduce((n, dims) => n + 4 + 4 * dims.length, 0);
  const out = new Uint8Array(size + pad + extra);
  out.set(bytes);
  const dv = view(out);
  const field = (table, id) => {
    const vtable = table - dv.getInt32(table, true);
    if (4 + 2 * id >= dv.getUint16(vtable, true)) return 0;
    const off = dv.getUint16(vtable + 4 + 2 * id, true);
    return off ? table + off : 0;
  };
  const deref = (pos) => pos + dv.getUint32(pos, true);
  const vectorAt = (table, id) => { const f = field(table, id); if (!f) throw new Error(`field ${id} absent`); return deref(f); };
  const model = deref(0);
  const subgraphs = vectorAt(model, 2);  // Model.subgraphs
  const subgraph = deref(subgraphs + 4);
  const tensors = vectorAt(subgraph, 0);  // SubGraph.tensors
  let at = size + pad;
  for (const [index, dims] of Object.entries(shapes)) {
    const tensor = deref(tensors + 4 + 4 * Number(index));
    const shapeField = field(tensor, 0);  // Tensor.shape
    if (!shapeField) throw new Error(`tensor ${index} has no shape field to point elsewhere`);
    dv.setUint32(at, dims.length, true);
    dims.forEach((d, k) => dv.setInt32(at + 4 + 4 * k, d, true));
    dv.setUint32(shapeField, at - shapeField, true);
    at += 4 + 4 * dims.length;
  }
  return out;
}

// .npy reading and writing for the dtypes the comparison uses ('|u1', '|i1', '<f4').
export function readNpy(file) {
  const buf = fs.readFileSync(file);
  if (buf.toString('latin1', 0, 6) !== '\x93NUMPY') throw new Error(`${file}: not a .npy file`);
  const headerLen = buf.readUInt16LE(8);
  const header = buf.toString('latin1', 10, 10 + headerLen);
  const descr = /'descr':\s*'([^']+)'/.exec(header)[1];
  const shape = /'shape':\s*\(([^)]*)\)/.exec(header)[1].split(',').filter((s) => s.trim()).map(Number);
  const body = buf.subarray(10 + headerLen);
  const copy = new Uint8Array(body).buffer;
  const data = descr === '|u1' ? new Uint8Array(copy) : descr === '|i1' ? new Int8Array(copy)
             : descr === '<f4' ? new Float32Array(copy) : null;
  if (!data) throw new Error(`${file}: dtype ${descr} is not one the comparison reads`);
  return {shape, data};
}
