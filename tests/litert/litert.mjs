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

// Reading and patching a .tflite's flatbuffer where LiteRT needs a copy changed: tensor shapes
// (LiteRT.js sizes outputs from the file's static shapes; the SSD file stores [] for its
// post-process outputs) and an operator's custom options. Each new vector is appended after the
// flatbuffer and the field is pointed at it (offsets point forward, so nothing else moves).
class Tflite {
  constructor(bytes) {
    this.bytes = bytes;
    this.dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  field(table, id) {  // the position of field `id` of the table at `table`, or 0 when absent
    const dv = this.dv, vtable = table - dv.getInt32(table, true);
    if (4 + 2 * id >= dv.getUint16(vtable, true)) return 0;
    const off = dv.getUint16(vtable + 4 + 2 * id, true);
    return off ? table + off : 0;
  }
  deref(pos) { return pos + this.dv.getUint32(pos, true); }
  vector(table, id) {
    const f = this.field(table, id);
    if (!f) throw new Error(`flatbuffer field ${id} is absent`);
    return this.deref(f);
  }
  element(vector, i) { return this.deref(vector + 4 + 4 * i); }
  subgraph() { return this.element(this.vector(this.deref(0), 2), 0); }  // Model.subgraphs[0]
  tensor(i) { return this.element(this.vector(this.subgraph(), 0), i); }  // SubGraph.tensors
  operator(i) { return this.element(this.vector(this.subgraph(), 3), i); }  // SubGraph.operators
  ints(pos) {  // an [int] vector's values
    const n = this.dv.getUint32(pos, true);
    return Array.from({length: n}, (_, k) => this.dv.getInt32(pos + 4 + 4 * k, true));
  }
  isConstant(t) {  // Tensor.buffer (field 2) names a Model.buffers entry (field 4) holding data
    const f = this.field(this.tensor(t), 2);
    if (!f) return false;
    const buffer = this.element(this.vector(this.deref(0), 4), this.dv.getUint32(f, true));
    const data = this.field(buffer, 0);
    return data !== 0 && this.dv.getUint32(this.deref(data), true) > 0;
  }
  operatorCount() { return this.dv.getUint32(this.vector(this.subgraph(), 3), true); }
  operatorInputs(op) { return this.ints(this.vector(this.operator(op), 1)); }  // Operator.inputs
  builtinCode(op) {  // Operator.opcode_index (field 0) into Model.operator_codes (field 1)
    const f = this.field(this.operator(op), 0);
    const code = this.element(this.vector(this.deref(0), 1), f ? this.dv.getUint32(f, true) : 0);
    const deprecated = this.field(code, 0), builtin = this.field(code, 3);
    return Math.max(deprecated ? this.dv.getInt8(deprecated) : 0, builtin ? this.dv.getInt32(builtin, true) : 0);
  }
  operatorOutputs(op) { return this.ints(this.vector(this.operator(op), 2)); }  // Operator.outputs
  customOptions(op) {  // Operator.custom_options (field 5)
    const v = this.vector(this.operator(op), 5);
    return this.bytes.slice(v + 4, v + 4 + this.dv.getUint32(v, true));
  }
}

export function customOptionsOf(bytes, operatorIndex) { return new Tflite(bytes).customOptions(operatorIndex); }
// The operator's inputs that are computed (not constants, not absent).
export function operatorInputsOf(bytes, operatorIndex) {
  const file = new Tflite(bytes);
  return file.operatorInputs(operatorIndex).filter((t) => t >= 0 && !file.isConstant(t));
}
export function operatorCountOf(bytes) { return new Tflite(bytes).operatorCount(); }
// The indices of the operators of builtin code `code` (e.g. 56, ARG_MAX), and an operator's outputs.
export function operatorsOfBuiltin(bytes, code) {
  const file = new Tflite(bytes);
  return Array.from({length: file.operatorCount()}, (_, i) => i).filter((i) => file.builtinCode(i) === code);
}
export function operatorOutputsOf(bytes, operatorIndex) { return new Tflite(bytes).operatorOutputs(operatorIndex); }

// A copy of `bytes` with `shapes` (tensor index of subgraph 0 -> dims) and `customOptions`
// (operator index -> bytes) replaced; with `operators`, only the first that many operators kept
// (the vector's length lowered in place), and with `outputs`, those tensors the subgraph's outputs.
// `types` (tensor index -> TensorType) and `argMaxTypes` (ARG_MAX operator index -> its
// ArgMaxOptions.output_type) are byte fields the file stores, overwritten in place.
export function patchedTflite(bytes, {shapes = {}, customOptions = {}, operators = null, outputs = null, types = {}, argMaxTypes = {}} = {}) {
  const vectors = [
    ...(outputs ? [{kind: 'outputs', index: 0, size: 4 + 4 * outputs.length, dims: outputs}] : []),
    ...Object.entries(shapes).map(([t, dims]) => ({kind: 'shape', index: Number(t), size: 4 + 4 * dims.length, dims})),
    ...Object.entries(customOptions).map(([o, data]) => ({kind: 'options', index: Number(o), size: 4 + data.length, data})),
  ];
  let at = bytes.length + ((4 - (bytes.length % 4)) % 4);
  const total = vectors.reduce((n, v) => n + v.size + ((4 - (v.size % 4)) % 4), at);
  const out = new Uint8Array(total);
  out.set(bytes);
  const file = new Tflite(out);
  for (const v of vectors) {
    const fieldPos = v.kind === 'shape' ? file.field(file.tensor(v.index), 0)
                   : v.kind === 'outputs' ? file.field(file.subgraph(), 2)  // SubGraph.outputs
                                          : file.field(file.operator(v.index), 5);
    if (!fieldPos) throw new Error(`${v.kind} field of ${v.index} is absent: nothing to point elsewhere`);
    if (v.kind === 'shape' || v.kind === 'outputs') {
      file.dv.setUint32(at, v.dims.length, true);
      v.dims.forEach((d, k) => file.dv.setInt32(at + 4 + 4 * k, d, true));
    } else {
      file.dv.setUint32(at, v.data.length, true);
      out.set(v.data, at + 4);
    }
    file.dv.setUint32(fieldPos, at - fieldPos, true);
    at += v.size + ((4 - (v.size % 4)) % 4);
  }
  for (const [t, type] of Object.entries(types)) {
    const pos = file.field(file.tensor(Number(t)), 1);  // Tensor.type
    if (!pos) throw new Error(`tensor ${t} stores no type (FLOAT32 by default): nothing to overwrite`);
    file.dv.setInt8(pos, type);
  }
  for (const [o, type] of Object.entries(argMaxTypes)) {
    const options = file.field(file.operator(Number(o)), 4);  // Operator.builtin_options
    const pos = options ? file.field(file.deref(options), 0) : 0;  // ArgMaxOptions.output_type
    if (!pos) throw new Error(`operator ${o} stores no ArgMaxOptions.output_type: nothing to overwrite`);
    file.dv.setInt8(pos, type);
  }
  if (operators !== null) {
    const list = file.vector(file.subgraph(), 3);
    if (operators > file.dv.getUint32(list, true)) throw new Error(`the file has fewer than ${operators} operators`);
    file.dv.setUint32(list, operators, true);
  }
  return out;
}

// .npy reading and writing for the dtypes the comparison uses ('|u1', '|i1', '<f4', '<i4').
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
             : descr === '<f4' ? new Float32Array(copy) : descr === '<i4' ? new Int32Array(copy) : null;
  if (!data) throw new Error(`${file}: dtype ${descr} is not one the comparison reads`);
  return {shape, data};
}
