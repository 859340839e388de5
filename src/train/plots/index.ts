// Plots: a PNG encoder, loss curves (SVG/PNG), the playground's decision-boundary picture and
// attention maps (PNG/SVG, CJK labels from a real font).
export { encodePng, writePng, crc32 } from './png.js';
export { lossCurveSvg, lossCurveImage, writeLossCurve } from './loss-curve.js';
export type { LossSeries, LossCurveOptions } from './loss-curve.js';
export { decisionBoundaryImage, writeDecisionBoundary } from './decision-boundary.js';
export type { BoundaryPoints, DecisionBoundaryOptions, RgbaImage } from './decision-boundary.js';
export { divergingColor, PLAYGROUND_ORANGE, PLAYGROUND_GREY, PLAYGROUND_BLUE } from './colors.js';
export { sequentialColor } from './colors.js';
export { attentionMapImage, attentionMapSvg, writeAttentionMap, attentionGridImage, attentionGridSvg, writeAttentionGrid } from './attention-map.js';
export type { AttentionMapOptions, AttentionWeights, AttentionStack } from './attention-map.js';
export { PlotFont, loadFont, resolveFont, findFontPath, FONT_SEARCH_PATHS, CJK_FONT_PACKAGE } from './font.js';
export type { FontChoice } from './font.js';
export { encodeGif, writeGif } from './gif.js';
export type { GifFrame, GifOptions } from './gif.js';
