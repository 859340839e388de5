// The error type for malformed safetensors files and bad arguments to the writer. Messages read
// "safetensors: <file>: <what was found, what was expected>".
export class SafetensorsError extends Error {
  override name = 'SafetensorsError';
}
