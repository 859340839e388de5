// deepts io: safetensors files and training checkpoints.
export * from './safetensors.js';
export { halfToFloat } from './safetensors-dtypes.js';
export type { SafetensorsDType } from './safetensors-dtypes.js';
export * from './checkpoint.js';
