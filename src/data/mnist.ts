// MNIST and Fashion-MNIST: finding the four idx files (a given folder, $DEEPTS_DATA, the shared
// data folder next to the repository, Debian's dataset-fashion-mnist package), downloading them
// when asked and online, validating them (magic numbers, counts, label range) and turning them
// into tensors: images (N, 1, 28, 28) float32, normalized, and labels (N,) int32.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { Tensor } from '../tensor/tensor.js';
import { parseIdx, IdxError, type IdxFile } from './idx.js';
import { dataDir } from '../io/data-paths.js';
import { checkBoolean, checkNumber, checkOptions, optionKeys } from '../util/options.js';

export const MNIST_DATASETS = ['mnist', 'fashion-mnist'] as const;
export type MnistDatasetName = (typeof MNIST_DATASETS)[number];
export type MnistSplit = 'train' | 'test';

/** The training set's pixel mean and standard deviation (of values in [0, 1]), the usual normalization constants. */
export const MNIST_NORMALIZATION: Record<MnistDatasetName, { mean: number; std: number }> = {
  mnist: { mean: 0.1307, std: 0.3081 },
  'fashion-mnist': { mean: 0.286, std: 0.353 },
};

export const MNIST_CLASSES: Record<MnistDatasetName, readonly string[]> = {
  mnist: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
  'fashion-mnist': ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'],
};

const FILES: Record<MnistSplit, { images: string; labels: string }> = {
  train: { images: 'train-images-idx3-ubyte', labels: 'train-labels-idx1-ubyte' },
  test: { images: 't10k-images-idx3-ubyte', labels: 't10k-labels-idx1-ubyte' },
};

/** Where each data set is downloaded from (the mirrors torchvision uses) and the MD5 of each .gz. */
const SOURCES: Record<MnistDatasetName, { urls: string[]; md5: Record<string, string> }> = {
  mnist: {
    urls: ['https://ossci-datasets.s3.amazonaws.com/mnist/', 'https://storage.googleapis.com/cvdf-datasets/mnist/'],
    md5: {
      'train-images-idx3-ubyte': 'f68b3c2dcbeaaa9fbdd348bbdeb94873',
      'train-labels-idx1-ubyte': 'd53e105ee54ea40749a09fcbcd1e9432',
      't10k-images-idx3-ubyte': '9fb629c4189551a2d022fa330f9573f3',
      't10k-labels-idx1-ubyte': 'ec29112dd5afa0611ce80d1b7f02629c',
    },
  },
  'fashion-mnist': {
    urls: ['http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/'],
    md5: {
      'train-images-idx3-ubyte': '8d4fb7e6c68d591d4c3dfef9ec88bf0d',
      'train-labels-idx1-ubyte': '25c81989df183df01b3e8a0aad5dffbe',
      't10k-images-idx3-ubyte': 'bef4ecab320f06d8554ea6380940ec79',
      't10k-labels-idx1-ubyte': 'bb300cfdad3c16e7a12a480ee83cd310',
    },
  },
};

export type MnistOptions = {
  /** 'mnist' (default) or 'fashion-mnist'. */
  dataset?: MnistDatasetName;
  /** A folder holding the files, or holding a mnist/ (fashion-mnist/) folder that does. */
  dir?: string;
  /** Download missing files (into dir, else $DEEPTS_DATA, else ~/.cache/deepts). Default false. */
  download?: boolean;
  /** Keep only the first `limit` examples. */
  limit?: number;
};

export type MnistData = {
  dataset: MnistDatasetName;
  split: MnistSplit;
  /** count × rows × cols bytes, 0 (background) .. 255. */
  images: Uint8Array;
  /** count class indices 0..9. */
  labels: Uint8Array;
  count: number;
  rows: number;
  cols: number;
  /** The files read. */
  files: { images: string; labels: string };
};

/**
 * The folders searched for a data set, in order: the given folder alone; else the data folder
 * (dataDir(): $DEEPTS_DATA, or ../shared/data from the repository — the same rule as every other
 * module, so a wrong $DEEPTS_DATA is an error, never a silent fallback), the download cache when
 * $DEEPTS_DATA is unset, and Debian's dataset-fashion-mnist package.
 */
export function mnistSearchDirs(dataset: MnistDatasetName, dir?: string): string[] {
  const sub = dataset;
  const dirs: string[] = [];
  const add = (d: string): void => {
    dirs.push(resolve(d), resolve(d, sub));
  };
  if (dir) {
    add(dir);
    return [...new Set(dirs)];
  }
  add(dataDir());
  if (!process.env.DEEPTS_DATA) add(join(homedir(), '.cache', 'deepts'));
  if (dataset === 'fashion-mnist') dirs.push('/usr/share/dataset-fashion-mnist', '/usr/share/dataset-fashion-mnist/data/fashion');
  return [...new Set(dirs)];
}

/** The path of `base` (.gz or raw) in a folder, or null. */
function fileIn(dir: string, base: string): string | null {
  for (const name of [`${base}.gz`, base]) if (existsSync(join(dir, name))) return join(dir, name);
  return null;
}

/** The folder holding both files of a split, or null. */
export function findMnistDir(dataset: MnistDatasetName, split: MnistSplit, dir?: string): string | null {
  for (const d of mnistSearchDirs(dataset, dir)) {
    if (fileIn(d, FILES[split].images) && fileIn(d, FILES[split].labels)) return d;
  }
  return null;
}

function checkDataset(op: string, dataset: string): MnistDatasetName {
  if (!(MNIST_DATASETS as readonly string[]).includes(dataset))
    throw new RangeError(`${op}: unknown data set '${dataset}', expected one of ${MNIST_DATASETS.join(', ')}`);
  return dataset as MnistDatasetName;
}

/**
 * Checks an images file and a labels file belong together: magic numbers (0x00000803 for images,
 * 0x00000801 for labels, both unsigned bytes), equal counts, labels in 0..9.
 */
export function validateMnist(images: IdxFile, labels: IdxFile, names: { images: string; labels: string }): { count: number; rows: number; cols: number } {
  if (images.type !== 'uint8' || images.shape.length !== 3) {
    throw new IdxError(
      `${names.images}: expected an images file (magic 0x00000803: unsigned bytes, 3 dimensions), found ${images.type} with ${images.shape.length} dimension(s) (${images.shape.join(', ')})${images.shape.length === 1 ? ': is this a labels file?' : ''}`,
    );
  }
  if (labels.type !== 'uint8' || labels.shape.length !== 1) {
    throw new IdxError(
      `${names.labels}: expected a labels file (magic 0x00000801: unsigned bytes, 1 dimension), found ${labels.type} with ${labels.shape.length} dimensions (${labels.shape.join(', ')})${labels.shape.length === 3 ? ': is this an images file?' : ''}`,
    );
  }
  const [count, rows, cols] = images.shape as [number, number, number];
  if (labels.shape[0] !== count) {
    throw new IdxError(`count mismatch: ${names.images} holds ${count} images but ${names.labels} holds ${labels.shape[0]} labels`);
  }
  const data = labels.data;
  for (let i = 0; i < data.length; i++) {
    if (data[i]! > 9) throw new IdxError(`${names.labels}: label ${i} is ${data[i]}, expected a class 0..9`);
  }
  return { count, rows, cols };
}

/** Reads one split from the files on disk (no download); throws listing where it looked. */
const MNIST_KEYS = optionKeys<MnistOptions>({ dataset: true, dir: true, download: true, limit: true });

export function loadMnistSync(split: MnistSplit, opts: MnistOptions = {}): MnistData {
  checkOptions('loadMnist', opts, MNIST_KEYS);
  if (split !== 'train' && split !== 'test') throw new RangeError(`loadMnist: split must be 'train' or 'test', got ${JSON.stringify(split)}`);
  const dataset = checkDataset('loadMnist', opts.dataset ?? 'mnist');
  if (split !== 'train' && split !== 'test') throw new RangeError(`loadMnist: split must be 'train' or 'test', got '${String(split)}'`);
  const dir = findMnistDir(dataset, split, opts.dir);
  if (!dir) {
    const searched = mnistSearchDirs(dataset, opts.dir);
    throw new Error(
      `loadMnist: the ${dataset} ${split} files (${FILES[split].images}[.gz], ${FILES[split].labels}[.gz]) were not found in:\n  ${searched.join('\n  ')}\n` +
        `Set DEEPTS_DATA to a folder holding ${dataset}/, pass a folder, or download them (download: true / --download)` +
        (dataset === 'fashion-mnist' ? '; on Debian, apt-get install dataset-fashion-mnist' : ''),
    );
  }
  const files = { images: fileIn(dir, FILES[split].images)!, labels: fileIn(dir, FILES[split].labels)! };
  const images = parseIdx(readFileSync(files.images), files.images);
  const labels = parseIdx(readFileSync(files.labels), files.labels);
  let { count, rows, cols } = validateMnist(images, labels, files);
  let imageBytes = images.data as Uint8Array,
    labelBytes = labels.data as Uint8Array;
  if (opts.limit !== undefined) {
    if (!Number.isInteger(opts.limit) || opts.limit < 1) throw new RangeError(`loadMnist: limit must be a positive integer, got ${opts.limit}`);
    count = Math.min(count, opts.limit);
    imageBytes = imageBytes.subarray(0, count * rows * cols);
    labelBytes = labelBytes.subarray(0, count);
  }
  return { dataset, split, images: imageBytes, labels: labelBytes, count, rows, cols, files };
}

/** Downloads the missing .gz files of a split into `dir` (MD5-checked, written atomically). */
export async function downloadMnist(dataset: MnistDatasetName, split: MnistSplit, dir: string, log: (line: string) => void = () => {}): Promise<void> {
  const source = SOURCES[checkDataset('downloadMnist', dataset)];
  mkdirSync(dir, { recursive: true });
  for (const base of [FILES[split].images, FILES[split].labels]) {
    if (fileIn(dir, base)) continue;
    let lastError = '';
    let bytes: Uint8Array | null = null;
    for (const url of source.urls.map((u) => `${u}${base}.gz`)) {
      try {
        log(`downloading ${url}`);
        const res = await fetch(url);
        if (!res.ok) {
          lastError = `${url}: HTTP ${res.status}`;
          continue;
        }
        bytes = new Uint8Array(await res.arrayBuffer());
        const md5 = createHash('md5').update(bytes).digest('hex');
        if (md5 !== source.md5[base]) {
          lastError = `${url}: MD5 ${md5}, expected ${source.md5[base]}`;
          bytes = null;
          continue;
        }
        break;
      } catch (e) {
        lastError = `${url}: ${(e as Error).message}`;
      }
    }
    if (!bytes) throw new Error(`downloadMnist: could not download ${base}.gz for ${dataset} (${lastError}); are you online?`);
    const path = join(dir, `${base}.gz`);
    writeFileSync(`${path}.part`, bytes);
    renameSync(`${path}.part`, path);
  }
}

/** Reads one split, downloading it first when it is missing and `download` is set. */
export async function loadMnist(split: MnistSplit, opts: MnistOptions = {}): Promise<MnistData> {
  checkOptions('loadMnist', opts, MNIST_KEYS);
  if (opts.download !== undefined) checkBoolean('loadMnist', 'download', opts.download);
  const dataset = checkDataset('loadMnist', opts.dataset ?? 'mnist');
  if (opts.download && !findMnistDir(dataset, split, opts.dir)) {
    const root = opts.dir ?? process.env.DEEPTS_DATA ?? join(homedir(), '.cache', 'deepts');
    await downloadMnist(dataset, split, join(root, dataset), (line) => console.error(line));
  }
  return loadMnistSync(split, opts);
}

/**
 * The images as a float32 tensor (N, 1, rows, cols), each pixel (v/255 − mean)/std (the data set's
 * training statistics unless given; normalize: false keeps v/255), and the labels as int32 (N,).
 */
export function mnistTensors(data: MnistData, opts: { normalize?: boolean; mean?: number; std?: number } = {}): { x: Tensor; y: Tensor } {
  checkOptions('mnistTensors', opts, ['normalize', 'mean', 'std']);
  if (opts.normalize !== undefined) checkBoolean('mnistTensors', 'normalize', opts.normalize);
  if (opts.mean !== undefined) checkNumber('mnistTensors', 'mean', opts.mean);
  if (opts.std !== undefined) checkNumber('mnistTensors', 'std', opts.std);
  const stats = MNIST_NORMALIZATION[data.dataset];
  const normalize = opts.normalize ?? true;
  const mean = normalize ? (opts.mean ?? stats.mean) : 0,
    std = normalize ? (opts.std ?? stats.std) : 1;
  const n = data.count * data.rows * data.cols;
  const x = Tensor.empty([data.count, 1, data.rows, data.cols], 'float32');
  const scale = 1 / (255 * std),
    shift = -mean / std;
  const px = x.storage,
    src = data.images;
  for (let i = 0; i < n; i++) px[i] = src[i]! * scale + shift;
  const y = Tensor.empty([data.count], 'int32');
  y.storage.set(data.labels.subarray(0, data.count));
  return { x, y };
}
