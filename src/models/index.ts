// The model zoo: every architecture by name, with what it expects as input, for `deepts params`,
// the tests and your own code: `buildModel('resnet18')`.
import type { DType } from '../tensor/dtype.js';
import type { Generator } from '../tensor/generator.js';
import type { Module } from '../nn/module.js';
import { mlp } from './mlp.js';
import { LeNet5 } from './lenet.js';
import { AlexNet } from './alexnet.js';
import { vgg } from './vgg.js';
import { GoogLeNet } from './googlenet.js';
import { resnet18, resnet34, resnet50 } from './resnet.js';
import { seResnet50 } from './senet.js';
import { AlphaGoPolicy } from './alphago.js';
import { checkOptions, optionKeys } from '../util/options.js';

export type BuildOptions = { numClasses?: number; dtype?: DType; generator?: Generator };
const BUILD_KEYS = optionKeys<BuildOptions>({ numClasses: true, dtype: true, generator: true });

export type ModelEntry = {
  /** One line: what it is and where it comes from. */
  summary: string;
  /** The shape of one input example, e.g. [3, 224, 224]. */
  inputShape: readonly number[];
  /** The parameter count the paper / torchvision gives, when there is one to match. */
  reference?: { parameters: number; source: string };
  build(opts?: BuildOptions): Module;
};

export const MODELS: Record<string, ModelEntry> = {
  mlp: {
    summary: 'the playground MLP: 4 inputs (x1, x2, sin x1, sin x2), two tanh layers of 16, 2 classes (deepts train mlp)',
    inputShape: [4],
    build: (o = {}) => {
      const m = mlp({ inputs: 4, hidden: [16, 16], outputs: o.numClasses ?? 2, activation: 'tanh', generator: o.generator });
      return o.dtype ? m.to(o.dtype) : m;
    },
  },
  lenet5: {
    summary: 'LeNet-5 (LeCun et al. 1998) with ReLU and max pooling, 28×28 digits',
    inputShape: [1, 28, 28],
    build: (o = {}) => new LeNet5(o),
  },
  alexnet: {
    summary: 'AlexNet (Krizhevsky et al. 2012), torchvision single-tower form',
    inputShape: [3, 224, 224],
    reference: { parameters: 61_100_840, source: 'torchvision alexnet' },
    build: (o = {}) => new AlexNet(o),
  },
  vgg11: {
    summary: 'VGG-11, configuration A (Simonyan & Zisserman 2014)',
    inputShape: [3, 224, 224],
    reference: { parameters: 132_863_336, source: 'torchvision vgg11' },
    build: (o = {}) => vgg('vgg11', o),
  },
  vgg16: {
    summary: 'VGG-16, configuration D (Simonyan & Zisserman 2014)',
    inputShape: [3, 224, 224],
    reference: { parameters: 138_357_544, source: 'torchvision vgg16' },
    build: (o = {}) => vgg('vgg16', o),
  },
  googlenet: {
    summary: 'GoogLeNet / Inception v1 (Szegedy et al. 2014), torchvision form without the auxiliary classifiers',
    inputShape: [3, 224, 224],
    reference: { parameters: 6_624_904, source: 'torchvision googlenet (aux_logits=False)' },
    build: (o = {}) => new GoogLeNet(o),
  },
  resnet18: {
    summary: 'ResNet-18 (He et al. 2015): basic blocks [2, 2, 2, 2]',
    inputShape: [3, 224, 224],
    reference: { parameters: 11_689_512, source: 'torchvision resnet18' },
    build: (o = {}) => resnet18(o),
  },
  resnet34: {
    summary: 'ResNet-34: basic blocks [3, 4, 6, 3]',
    inputShape: [3, 224, 224],
    reference: { parameters: 21_797_672, source: 'torchvision resnet34' },
    build: (o = {}) => resnet34(o),
  },
  resnet50: {
    summary: 'ResNet-50: bottleneck blocks [3, 4, 6, 3] (v1.5)',
    inputShape: [3, 224, 224],
    reference: { parameters: 25_557_032, source: 'torchvision resnet50' },
    build: (o = {}) => resnet50(o),
  },
  'se-resnet50': {
    summary: 'SE-ResNet-50 (Hu et al. 2017): ResNet-50 with squeeze-and-excitation (reduction 16) in every block',
    inputShape: [3, 224, 224],
    reference: { parameters: 28_088_024, source: 'the SENet paper (28.1 M), timm seresnet50' },
    build: (o = {}) => seResnet50(o),
  },
  'alphago-policy': {
    summary: "AlphaGo's policy network (Silver et al. 2016): 19×19×48 input, 5×5 conv 192, 11 × 3×3 conv 192, 1×1 conv 1 + per-point bias, softmax over 361",
    inputShape: [48, 19, 19],
    build: (o = {}) => {
      if (o.numClasses !== undefined && o.numClasses !== 361)
        throw new RangeError(`buildModel: alphago-policy always has 361 outputs (one per point), got numClasses ${o.numClasses}`);
      return new AlphaGoPolicy({ dtype: o.dtype, generator: o.generator });
    },
  },
};

export function listModels(): string[] {
  return Object.keys(MODELS);
}

/** Builds a model of the zoo by name (see MODELS). */
export function buildModel(name: string, opts: BuildOptions = {}): Module {
  const entry = MODELS[name];
  if (!entry) throw new RangeError(`buildModel: unknown model '${name}', expected one of ${listModels().join(', ')}`);
  checkOptions('buildModel', opts, BUILD_KEYS);
  return entry.build(opts);
}

export { LeNet5, lenet5 } from './lenet.js';
export type { LeNet5Options } from './lenet.js';
export { AlexNet, alexnet } from './alexnet.js';
export type { AlexNetOptions } from './alexnet.js';
export { VGG, vgg, vgg11, vgg16, VGG_CONFIGS } from './vgg.js';
export type { VggOptions, VggName } from './vgg.js';
export { GoogLeNet, googlenet, Inception, InceptionAux, BasicConv2d } from './googlenet.js';
export type { GoogLeNetOptions } from './googlenet.js';
export { ResNet, BasicBlock, Bottleneck, resnet18, resnet34, resnet50 } from './resnet.js';
export type { ResNetOptions, ResNetBlock } from './resnet.js';
export { SqueezeExcitation, seResnet50 } from './senet.js';
export type { SeResNetOptions } from './senet.js';
export { AlphaGoPolicy, alphaGoPolicy, GO_BOARD, GO_FEATURE_PLANES } from './alphago.js';
export type { AlphaGoPolicyOptions } from './alphago.js';
// Text classifiers (the lecture's RNN and CNN sentiment models).
export { TextRNN, TextCNN, TEXT_RNN_CELLS, TEXT_RNN_POOLING, dropTokens, bigramIds } from './text-classifiers.js';
export type { TextRNNConfig, TextCNNConfig } from './text-classifiers.js';
// Encoder–decoder translation models (GRU seq2seq: no attention, Bahdanau, Luong; the Transformer).
export { Seq2Seq, Seq2SeqEncoder, AdditiveAttention, MultiplicativeAttention, seq2seqLoss, checkSeq2SeqConfig, SEQ2SEQ_ATTENTION } from './seq2seq.js';
export type { Seq2SeqConfig, Seq2SeqAttention, Seq2SeqState, Seq2SeqOutput, Seq2SeqForwardOptions, Seq2SeqLossOptions } from './seq2seq.js';
export { TransformerTranslator } from './transformer-translator.js';
export type { TransformerTranslatorConfig, TransformerDecodeState } from './transformer-translator.js';
// GANs: Goodfellow's MLP GAN, DCGAN and the class-conditional DCGAN.
export {
  MLPGenerator,
  MLPDiscriminator,
  DCGANGenerator,
  DCGANDiscriminator,
  buildGan,
  checkGanConfig,
  generateImages,
  sampleNoise,
  sampleClasses,
  GAN_MODELS,
} from './gan.js';
export type { GanConfig, GanModelName, GanGenerator, GanDiscriminator, GanPair, MLPGanOptions } from './gan.js';
// Transformers (nanoGPT-style GPT, BERT, ALBERT, LLaMA) and the lecture's size tables.
export { GPT, GPT2_CONFIG, checkGPTConfig } from './gpt.js';
export type { GPTConfig, GPTOutput } from './gpt.js';
export { BertModel, BertForMaskedLM, BERT_BASE, mlmLoss } from './bert.js';
export type { BertConfig, MlmOutput } from './bert.js';
export { AlbertModel, AlbertForMaskedLM, ALBERT_BASE } from './albert.js';
export type { AlbertConfig } from './albert.js';
export { Llama } from './llama.js';
export type { LlamaConfig } from './llama.js';
export {
  gptParamCount,
  llamaParamCount,
  bertParamCount,
  albertParamCount,
  gpt3Config,
  llamaConfig,
  bertConfig,
  albertConfig,
  transformerSizes,
  transformerParamTable,
} from './model-sizes.js';
export type { TransformerSize } from './model-sizes.js';
export { loadGpt2Weights, gpt2StateDict } from './gpt2-weights.js';
export type { Gpt2LoadOptions } from './gpt2-weights.js';
