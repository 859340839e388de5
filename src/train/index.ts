// deepts training: fit() and its callbacks, evaluate/predict, metrics and progress.
export { fit } from './fit.js';
export type { FitOptions } from './fit.js';
export { evaluate, predict } from './evaluate.js';
export type { EvaluateOptions, Evaluation } from './evaluate.js';
export { History } from './history.js';
export type { EpochLogs } from './history.js';
export { accuracy, meanSquaredError, meanAbsoluteError, predictedClasses, METRIC_NAMES } from './metrics.js';
export type { Metric, MetricName } from './metrics.js';
export { LOSS_NAMES } from './losses.js';
export type { LossFn, LossName } from './losses.js';
export type { FitData, XY } from './batches.js';
export type { TrainableModel, TrainableOptimizer, LrScheduler } from './trainable.js';
export { ProgressBar, formatDuration } from './progress.js';
export type { ProgressOptions } from './progress.js';
export type { Callback, TrainState, BatchLogs } from './callbacks/callback.js';
export { EarlyStopping } from './callbacks/early-stopping.js';
export type { EarlyStoppingOptions } from './callbacks/early-stopping.js';
export { LRSchedulerCallback } from './callbacks/lr-scheduler.js';
export { ModelCheckpoint } from './callbacks/model-checkpoint.js';
export type { ModelCheckpointOptions } from './callbacks/model-checkpoint.js';
export { JsonlLogger } from './callbacks/jsonl-logger.js';
export { WeightsSnapshot } from './callbacks/weights-snapshot.js';
export { trainLoop } from './loop.js';
export type { TrainLoopOptions, TrainLoopResult, StepContext, StepLogs, LoopHooks, LoopModel, LoopOptimizer, LoopScheduler, LrSchedule } from './loop.js';
export type { FitHistory } from './fit.js';
export { JsonlLog } from './jsonl-log.js';
export { InterruptHandler, signalExitCode } from './interrupt.js';
export type { StopRequest } from './interrupt.js';
export { defaultRunFolder, readRunConfig, writeRunConfig } from './run-folder.js';
export { trainGpt, runTokenizer, GPT_PRESETS } from './recipes/gpt.js';
export type { GptRunConfig, GptRunResult } from './recipes/gpt.js';
export { trainMlm, MLM_DEFAULTS } from './recipes/mlm.js';
export type { MlmRunConfig, MlmRunResult } from './recipes/mlm.js';
export { trainMlp, MLP_DEFAULTS } from './recipes/mlp.js';
export type { MlpRunConfig, MlpRunResult } from './recipes/mlp.js';
export { trainLenet, LENET_DEFAULTS } from './recipes/lenet.js';
export type { LenetRunConfig, LenetRunResult } from './recipes/lenet.js';
export { trainSentiment, predictSentiment, loadSentimentRun, sentimentDefaults, sentimentModel, encodeText, SENTIMENT_MODELS } from './recipes/sentiment.js';
export type { SentimentRunConfig, SentimentRunResult, SentimentPrediction, SentimentModelName } from './recipes/sentiment.js';
export {
  trainTranslate,
  translateTexts,
  translateWith,
  loadTranslationRun,
  translationHeadAttention,
  translateDefaults,
  translationModel,
  translationBleu,
  translationChrf,
  TRANSLATE_MODELS,
} from './recipes/translate.js';
export type { TranslateRunConfig, TranslateRunResult, Translation, TranslationRun, TranslateOptions, TranslateModelName } from './recipes/translate.js';
export { ganStep, GAN_LOSS_KEYS } from './gan-step.js';
export type { GanBatch, GanStepOptions } from './gan-step.js';
export { GanEvaluator, mnistClassifier, deeptsCacheDir } from './gan-evaluation.js';
export type { GanEvaluation, MnistClassifier } from './gan-evaluation.js';
export { trainGan, sampleGan, writeSampleGrid, evaluateGanRun, loadGanRun, saveGanNet, loadGanNet, GAN_DEFAULTS, GAN_SNAPSHOTS } from './recipes/gan.js';
export type { GanRunConfig, GanRunResult, GanSampleOptions, GanRole } from './recipes/gan.js';
export { runVanishingDemo, VANISHING_DEFAULTS, VANISHING_MODELS, VANISHING_GATE_INITS, VANISHING_LABELS } from './recipes/vanishing.js';
export type {
  VanishingDemoOptions,
  VanishingDemoConfig,
  VanishingDemoResult,
  VanishingRun,
  ClippingStep,
  VanishingModel,
  VanishingGateInit,
} from './recipes/vanishing.js';
