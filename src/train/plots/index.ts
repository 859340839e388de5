// Plots: a PNG encoder, loss curves (SVG/PNG) and the playground's decision-boundary picture.
export { encodePng, writePng, crc32 } from './png.js';
export { lossCurveSvg, lossCurveImage, writeLossCurve } from './loss-curve.js';
export type { LossSeries, LossCurveOptions } from './loss-curve.js';
export { decisionBoundaryImage, writeDecisionBoundary } from './decision-boundary.js';
export type { BoundaryPoints, DecisionBoundaryOptions, RgbaImage } from './decision-boundary.js';
export { divergingColor, PLAYGROUND_ORANGE, PLAYGROUND_GREY, PLAYGROUND_BLUE } from './colors.js';
