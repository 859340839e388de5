// SentencePiece's `.model` file: a serialized ModelProto (sentencepiece_model.proto). We decode
// the pieces and the parts of TrainerSpec / NormalizerSpec that encoding needs, and keep every
// other field's original bytes so a model can be written back (e.g. after merging) exactly as
// protobuf would serialize it.
import { readFileSync, writeFileSync } from 'node:fs';
import { TokenizerFileError } from './errors.js';
import { ProtoReader, ProtoWriter, WIRE_FIXED32, WIRE_LEN, WIRE_VARINT } from './protobuf.js';

/** ModelProto.SentencePiece.Type */
export const PieceType = { NORMAL: 1, UNKNOWN: 2, CONTROL: 3, USER_DEFINED: 4, UNUSED: 5, BYTE: 6 } as const;
export type PieceTypeValue = (typeof PieceType)[keyof typeof PieceType];

export type ModelPiece = { readonly piece: string; readonly score: number; readonly type: PieceTypeValue };

export const ModelType = { 1: 'UNIGRAM', 2: 'BPE', 3: 'WORD', 4: 'CHAR' } as const;
export type ModelTypeName = (typeof ModelType)[keyof typeof ModelType];

/** The TrainerSpec fields that affect encoding and decoding (defaults as in the .proto). */
export type TrainerSpec = {
  modelType: ModelTypeName;
  vocabSize: number;
  byteFallback: boolean;
  treatWhitespaceAsSuffix: boolean;
  unkId: number;
  bosId: number;
  eosId: number;
  padId: number;
  unkPiece: string;
  bosPiece: string;
  eosPiece: string;
  padPiece: string;
  unkSurface: string;
};

export type NormalizerSpec = {
  name: string;
  precompiledCharsmap: Uint8Array;
  addDummyPrefix: boolean;
  removeExtraWhitespaces: boolean;
  escapeWhitespaces: boolean;
};

export type SentencePieceModel = {
  pieces: ModelPiece[];
  trainerSpec: TrainerSpec;
  normalizerSpec: NormalizerSpec;
  /** Fields other than `pieces`, exactly as encoded (tag included), in file order. */
  otherFields: Uint8Array[];
  /** The file it came from, for messages. */
  file: string;
};

// Original encodings of pieces read from a file, so unchanged pieces are written back byte for byte.
const rawPieces = new WeakMap<ModelPiece, Uint8Array>();

export function parseSentencePieceModel(buf: Uint8Array, file = 'tokenizer.model'): SentencePieceModel {
  if (buf.length === 0) throw new TokenizerFileError(file, 'empty file; expected a SentencePiece ModelProto');
  const r = new ProtoReader(buf, file, 'ModelProto');
  const pieces: ModelPiece[] = [];
  const otherFields: Uint8Array[] = [];
  let trainerSpec = parseTrainerSpec(new Uint8Array(0), file);
  let normalizerSpec = parseNormalizerSpec(new Uint8Array(0), file);
  while (!r.eof()) {
    const start = r.pos;
    const { field, wire } = r.tag();
    if (field === 1) {
      r.expectWire(field, wire, WIRE_LEN);
      const body = r.bytes();
      const piece = parsePiece(body, file, pieces.length, r.pos - body.length);
      rawPieces.set(piece, buf.subarray(start, r.pos));
      pieces.push(piece);
      continue;
    }
    const raw = r.rawField(start, wire);
    otherFields.push(raw);
    if (field === 2 || field === 3) {
      r.expectWire(field, wire, WIRE_LEN);
      const inner = new ProtoReader(raw, file, 'field header').bytesAfterTag();
      if (field === 2) trainerSpec = parseTrainerSpec(inner, file);
      else normalizerSpec = parseNormalizerSpec(inner, file);
    }
  }
  if (pieces.length === 0) throw new TokenizerFileError(file, 'ModelProto has no pieces; expected a SentencePiece .model file');
  return { pieces, trainerSpec, normalizerSpec, otherFields, file };
}

export function loadSentencePieceModel(path: string): SentencePieceModel {
  let buf: Uint8Array;
  try {
    buf = readFileSync(path);
  } catch (e) {
    throw new TokenizerFileError(path, `cannot read SentencePiece model (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return parseSentencePieceModel(buf, path);
}

/** Serializes a model: all pieces (field 1), then the other fields in their original order. */
export function serializeSentencePieceModel(model: SentencePieceModel): Uint8Array {
  const w = new ProtoWriter();
  for (const p of model.pieces) {
    const raw = rawPieces.get(p);
    if (raw) {
      w.raw(raw);
      continue;
    }
    const inner = new ProtoWriter();
    inner.string(1, p.piece);
    inner.float(2, p.score);
    if (p.type !== PieceType.NORMAL) {
      inner.tag(3, WIRE_VARINT);
      inner.varint(p.type);
    }
    w.bytes(1, inner.finish());
  }
  for (const f of model.otherFields) w.raw(f);
  return w.finish();
}

export function saveSentencePieceModel(model: SentencePieceModel, path: string): void {
  writeFileSync(path, serializeSentencePieceModel(model));
}

function parsePiece(body: Uint8Array, file: string, index: number, offset: number): ModelPiece {
  const r = new ProtoReader(body, file, `piece ${index} (at byte ${offset})`);
  let piece: string | undefined;
  let score = 0;
  let type: number = PieceType.NORMAL;
  while (!r.eof()) {
    const { field, wire } = r.tag();
    if (field === 1) {
      r.expectWire(field, wire, WIRE_LEN);
      piece = r.string();
    } else if (field === 2) {
      r.expectWire(field, wire, WIRE_FIXED32);
      score = r.float();
    } else if (field === 3) {
      r.expectWire(field, wire, WIRE_VARINT);
      type = r.varint();
      if (type < 1 || type > 6) r.fail(`unknown piece type ${type} (expected 1..6)`);
    } else r.skip(wire);
  }
  if (piece === undefined || piece === '')
    throw new TokenizerFileError(file, `piece ${index} (at byte ${offset}) has no text; every SentencePiece piece must be non-empty`);
  return { piece, score, type: type as PieceTypeValue };
}

function parseTrainerSpec(body: Uint8Array, file: string): TrainerSpec {
  const spec: TrainerSpec = {
    modelType: 'UNIGRAM',
    vocabSize: 8000,
    byteFallback: false,
    treatWhitespaceAsSuffix: false,
    unkId: 0,
    bosId: 1,
    eosId: 2,
    padId: -1,
    unkPiece: '<unk>',
    bosPiece: '<s>',
    eosPiece: '</s>',
    padPiece: '<pad>',
    unkSurface: ' \u2047 ',
  };
  const r = new ProtoReader(body, file, 'TrainerSpec');
  while (!r.eof()) {
    const { field, wire } = r.tag();
    const want = (w: number) => r.expectWire(field, wire, w);
    switch (field) {
      case 3: {
        want(WIRE_VARINT);
        const t = r.varint();
        const name = ModelType[t as keyof typeof ModelType];
        if (!name) r.fail(`unknown model_type ${t} (expected 1=UNIGRAM, 2=BPE, 3=WORD, 4=CHAR)`);
        spec.modelType = name;
        break;
      }
      case 4:
        want(WIRE_VARINT);
        spec.vocabSize = r.int32();
        break;
      case 24:
        want(WIRE_VARINT);
        spec.treatWhitespaceAsSuffix = r.varint() !== 0;
        break;
      case 35:
        want(WIRE_VARINT);
        spec.byteFallback = r.varint() !== 0;
        break;
      case 40:
        want(WIRE_VARINT);
        spec.unkId = r.int32();
        break;
      case 41:
        want(WIRE_VARINT);
        spec.bosId = r.int32();
        break;
      case 42:
        want(WIRE_VARINT);
        spec.eosId = r.int32();
        break;
      case 43:
        want(WIRE_VARINT);
        spec.padId = r.int32();
        break;
      case 44:
        want(WIRE_LEN);
        spec.unkSurface = r.string();
        break;
      case 45:
        want(WIRE_LEN);
        spec.unkPiece = r.string();
        break;
      case 46:
        want(WIRE_LEN);
        spec.bosPiece = r.string();
        break;
      case 47:
        want(WIRE_LEN);
        spec.eosPiece = r.string();
        break;
      case 48:
        want(WIRE_LEN);
        spec.padPiece = r.string();
        break;
      default:
        r.skip(wire);
    }
  }
  return spec;
}

function parseNormalizerSpec(body: Uint8Array, file: string): NormalizerSpec {
  const spec: NormalizerSpec = {
    name: '',
    precompiledCharsmap: new Uint8Array(0),
    addDummyPrefix: true,
    removeExtraWhitespaces: true,
    escapeWhitespaces: true,
  };
  const r = new ProtoReader(body, file, 'NormalizerSpec');
  while (!r.eof()) {
    const { field, wire } = r.tag();
    const want = (w: number) => r.expectWire(field, wire, w);
    switch (field) {
      case 1:
        want(WIRE_LEN);
        spec.name = r.string();
        break;
      case 2:
        want(WIRE_LEN);
        spec.precompiledCharsmap = r.bytes();
        break;
      case 3:
        want(WIRE_VARINT);
        spec.addDummyPrefix = r.varint() !== 0;
        break;
      case 4:
        want(WIRE_VARINT);
        spec.removeExtraWhitespaces = r.varint() !== 0;
        break;
      case 5:
        want(WIRE_VARINT);
        spec.escapeWhitespaces = r.varint() !== 0;
        break;
      default:
        r.skip(wire);
    }
  }
  return spec;
}
