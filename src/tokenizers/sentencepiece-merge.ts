// Merges two SentencePiece models the way Chinese-LLaMA-Alpaca's merge_tokenizers.py does:
// keep the base model (LLaMA) as is, and append every piece of the other model (the Chinese
// SentencePiece model) that the base lacks, in order, as a NORMAL piece with score 0. The
// normalizer and trainer specs stay the base model's. LLaMA (32000) + chinese_sp (20000) gives
// the 49953-piece Chinese-LLaMA vocabulary.
import { PieceType, type ModelPiece, type SentencePieceModel } from './sentencepiece-model.js';

export function mergeSentencePieceModels(base: SentencePieceModel, extra: SentencePieceModel, file = `${base.file}+${extra.file}`): SentencePieceModel {
  const have = new Set(base.pieces.map((p) => p.piece));
  const added: ModelPiece[] = [];
  for (const p of extra.pieces) {
    if (have.has(p.piece)) continue;
    added.push({ piece: p.piece, score: 0, type: PieceType.NORMAL });
  }
  return { ...base, pieces: [...base.pieces, ...added], file };
}
