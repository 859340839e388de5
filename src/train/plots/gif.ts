// Animated GIFs (a GAN's samples over training): frames drawn on the plots' Canvas, encoded by
// omggif (a small, widely used GIF89a writer). Frames are stored in 256 greys, the luminance of each
// pixel, which is exact for the digit grids and captions the plots draw.
import omggif from 'omggif';
import { writeFileAtomic } from '../../io/atomic-write.js';
import { checkOptions } from '../../util/options.js';

export type GifFrame = { width: number; height: number; rgba: Uint8Array | Uint8ClampedArray };

export type GifOptions = {
  /** Time each frame is shown, in milliseconds (GIF counts hundredths; default 500). */
  delayMs?: number;
  /** Delay of the last frame before the animation starts over (default 4 × delayMs). */
  lastDelayMs?: number;
  /** Plays this many times, 0 for ever (default 0). */
  loop?: number;
};

const GREYS = Array.from({ length: 256 }, (_, v) => (v << 16) | (v << 8) | v);

/** The GIF file's bytes; every frame must have the first frame's size. */
export function encodeGif(frames: readonly GifFrame[], opts: GifOptions = {}): Uint8Array {
  checkOptions('encodeGif', opts, ['delayMs', 'lastDelayMs', 'loop']);
  if (frames.length === 0) throw new RangeError('encodeGif: no frames');
  const { width, height } = frames[0]!;
  const delay = Math.round((opts.delayMs ?? 500) / 10);
  const lastDelay = Math.round((opts.lastDelayMs ?? 4 * (opts.delayMs ?? 500)) / 10);
  // LZW output stays below 12 bits a pixel; headers and palettes are small
  const buf = new Uint8Array(Math.ceil(width * height * frames.length * 1.6) + 4096);
  const gif = new omggif.GifWriter(buf, width, height, { loop: opts.loop ?? 0, palette: GREYS });
  const indexed = new Array<number>(width * height);
  frames.forEach((f, k) => {
    if (f.width !== width || f.height !== height) throw new RangeError(`encodeGif: frame ${k} is ${f.width}×${f.height}, the first is ${width}×${height}`);
    const p = f.rgba;
    for (let i = 0; i < width * height; i++) indexed[i] = Math.round(0.299 * p[4 * i]! + 0.587 * p[4 * i + 1]! + 0.114 * p[4 * i + 2]!);
    gif.addFrame(0, 0, width, height, indexed, { delay: k === frames.length - 1 ? lastDelay : delay });
  });
  return buf.slice(0, gif.end());
}

/** Writes the frames as an animated GIF (through a temp file and a rename). */
export function writeGif(path: string, frames: readonly GifFrame[], opts: GifOptions = {}): void {
  writeFileAtomic(path, encodeGif(frames, opts));
}
