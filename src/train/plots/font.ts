// Fonts for plot labels: a real TrueType / OpenType font, read with fontkit (pure JavaScript:
// .ttf, .otf, .ttc collections, .woff, .woff2), so that Chinese and English labels are drawn from
// the font's own outlines in PNGs and embedded as paths in SVGs. Where the font comes from, in
// order: an explicit path (a plot's `font` option), $DEEPTS_FONT, then FONT_SEARCH_PATHS (Debian's
// fonts-noto-cjk first). With none, plots still draw: Latin text in the 5×7 bitmap font, other
// characters as boxes, and one warning says what to install. fontkit is loaded on first use only,
// so importing deepts does not pay for it.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

/** Where fonts are looked for when neither a plot's `font` option nor $DEEPTS_FONT names one: CJK-capable fonts of Debian, other Linux distributions, macOS and Windows. */
export const FONT_SEARCH_PATHS: readonly string[] = [
  // Debian / Ubuntu: fonts-noto-cjk (Noto Sans CJK, the Source Han Sans design), the recommended one
  '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc',
  '/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf',
  // Debian: fonts-wqy-microhei, fonts-wqy-zenhei, fonts-droid-fallback, fonts-arphic-uming
  '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc',
  '/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc',
  '/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf',
  '/usr/share/fonts/truetype/arphic/uming.ttc',
  // Fedora (google-noto-sans-cjk-fonts), Arch (noto-fonts-cjk)
  '/usr/share/fonts/google-noto-sans-cjk-vf-fonts/NotoSansCJK-VF.ttc',
  '/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc',
  '/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc',
  // macOS
  '/System/Library/Fonts/PingFang.ttc',
  '/System/Library/Fonts/STHeiti Light.ttc',
  '/System/Library/Fonts/Hiragino Sans GB.ttc',
  '/Library/Fonts/Arial Unicode.ttf',
  // Windows
  'C:\\Windows\\Fonts\\msyh.ttc',
  'C:\\Windows\\Fonts\\simhei.ttf',
];

/** The Debian package the warnings recommend. */
export const CJK_FONT_PACKAGE = 'fonts-noto-cjk';

/** One outline command in font units (y up), as fontkit gives them. */
export type PathCommand = { command: 'moveTo' | 'lineTo' | 'quadraticCurveTo' | 'bezierCurveTo' | 'closePath'; args: readonly number[] };

/** A shaped glyph: its id (0: the font has none for these characters), advance and offsets in font units. */
export type ShapedGlyph = { id: number; text: string; xAdvance: number; xOffset: number; yOffset: number };

// The parts of fontkit's API used here (it ships no type declarations).
type FkGlyph = { id: number; codePoints: number[]; path: { commands: { command: string; args: number[] }[] } };
type FkFont = {
  type: string;
  postscriptName: string;
  familyName: string;
  unitsPerEm: number;
  ascent: number;
  descent: number;
  'OS/2'?: { typoAscender?: number; typoDescender?: number };
  layout(text: string, features?: string[]): { glyphs: FkGlyph[]; positions: { xAdvance: number; xOffset: number; yOffset: number }[] };
  getGlyph(id: number): FkGlyph;
};
type FkCollection = { type: string; fonts: FkFont[] };
type Fontkit = { openSync(path: string): FkFont | FkCollection };

let fontkitModule: Fontkit | null | undefined;

/** fontkit, loaded on first use; null (with the reason) when it cannot be loaded. */
function fontkit(): { fk: Fontkit | null; error?: string } {
  if (fontkitModule !== undefined) return { fk: fontkitModule };
  try {
    fontkitModule = createRequire(import.meta.url)('fontkit') as Fontkit;
    return { fk: fontkitModule };
  } catch (e) {
    fontkitModule = null;
    return { fk: null, error: (e as Error).message };
  }
}

/** A face of a font file, ready to shape text and give glyph outlines. */
export class PlotFont {
  /** The file it was read from. */
  readonly path: string;
  /** PostScript name of the face (a collection holds several). */
  readonly name: string;
  readonly family: string;
  readonly unitsPerEm: number;
  /** The em box above and below the baseline in font units (OS/2 typographic metrics where present; descent ≤ 0). */
  readonly ascent: number;
  readonly descent: number;
  private readonly face: FkFont;
  private readonly outlines = new Map<number, readonly PathCommand[]>();
  private readonly shaped = new Map<string, ShapedGlyph[]>();

  private constructor(path: string, face: FkFont) {
    this.path = path;
    this.face = face;
    this.name = face.postscriptName;
    this.family = face.familyName;
    this.unitsPerEm = face.unitsPerEm;
    const os2 = face['OS/2'];
    const typo = os2 && typeof os2.typoAscender === 'number' && typeof os2.typoDescender === 'number' && os2.typoAscender > os2.typoDescender;
    this.ascent = typo ? os2.typoAscender! : face.ascent;
    this.descent = typo ? os2.typoDescender! : face.descent;
  }

  /**
   * Reads a font file: .ttf, .otf, .woff, .woff2, or a .ttc collection, from which `faceName`
   * (a PostScript name) is taken, else the Simplified Chinese face where there is one, else the
   * first. Throws, naming the file, when it cannot be read or fontkit is not installed.
   */
  static load(path: string, faceName?: string): PlotFont {
    const { fk, error } = fontkit();
    if (!fk) throw new Error(`cannot read font ${path}: the fontkit package is not installed (${error})`);
    let opened: FkFont | FkCollection;
    try {
      opened = fk.openSync(path);
    } catch (e) {
      throw new Error(`cannot read font ${path}: ${(e as Error).message}`, { cause: e });
    }
    if (!opened || typeof opened !== 'object') throw new Error(`cannot read font ${path}: not a font file fontkit knows`);
    const faces = 'fonts' in opened && Array.isArray(opened.fonts) ? opened.fonts : [opened as FkFont];
    let face: FkFont | undefined;
    if (faceName !== undefined) {
      face = faces.find((f) => f.postscriptName === faceName);
      if (!face)
        throw new Error(`cannot read font ${path}: it has no face named '${faceName}'; it has ${faces.map((f) => `'${f.postscriptName}'`).join(', ')}`);
    } else {
      // Chinese labels read best in a Simplified Chinese face (a collection's first is often Japanese)
      face = faces.find((f) => /CJKsc|\bSC\b|GB/.test(f.postscriptName ?? '') && !/Mono/.test(f.postscriptName ?? '')) ?? faces[0];
    }
    if (!face || typeof face.layout !== 'function') throw new Error(`cannot read font ${path}: it holds no font faces`);
    return new PlotFont(path, face);
  }

  /** Shapes a string (kerning, ligatures; with `vertical`, the vertical forms of CJK punctuation). */
  shape(text: string, vertical = false): readonly ShapedGlyph[] {
    const key = (vertical ? 'v' : 'h') + text;
    let out = this.shaped.get(key);
    if (!out) {
      const run = this.face.layout(text, vertical ? ['vert'] : undefined);
      out = run.glyphs.map((g, i) => {
        const p = run.positions[i]!;
        return { id: g.id, text: String.fromCodePoint(...g.codePoints), xAdvance: p.xAdvance, xOffset: p.xOffset, yOffset: p.yOffset };
      });
      this.shaped.set(key, out);
      if (this.shaped.size > 4096) this.shaped.delete(this.shaped.keys().next().value!);
    }
    return out;
  }

  /** A glyph's outline in font units, y up. */
  outline(id: number): readonly PathCommand[] {
    let cmds = this.outlines.get(id);
    if (!cmds) {
      cmds = this.face.getGlyph(id).path.commands.map((c) => ({ command: c.command as PathCommand['command'], args: c.args.slice() }));
      this.outlines.set(id, cmds);
    }
    return cmds;
  }
}

const loaded = new Map<string, PlotFont>();
let warnedNoFont = false;
const warnedMissing = new Set<string>();

/** Splits 'file.ttc#PostScriptName' (the name picks a face of a collection); a path that exists as written is never split. */
function splitFaceName(file: string): [string, string | undefined] {
  const hash = file.lastIndexOf('#');
  if (hash > 0 && !existsSync(file) && !/[\\/]/.test(file.slice(hash + 1))) return [file.slice(0, hash), file.slice(hash + 1)];
  return [file, undefined];
}

/** PlotFont.load, cached per path (and face name), so a font is parsed once per process. */
export function loadFont(file: string): PlotFont {
  let font = loaded.get(file);
  if (!font) {
    const [path, faceName] = splitFaceName(file);
    font = PlotFont.load(path, faceName);
    loaded.set(file, font);
  }
  return font;
}

/** The font file plots would use: $DEEPTS_FONT, else the first of FONT_SEARCH_PATHS that exists, else null. */
export function findFontPath(): string | null {
  return process.env.DEEPTS_FONT || (FONT_SEARCH_PATHS.find((p) => existsSync(p)) ?? null);
}

/** What a plot's `font` option accepts: a font file path ('file.ttc#PostScriptName' picks a face), a loaded font, or null for the built-in bitmap font. */
export type FontChoice = string | PlotFont | null;

/**
 * The font a plot draws its text with. An explicit choice is used as given (a path that cannot be
 * read is an error, as is an unreadable $DEEPTS_FONT); otherwise the first installed font of
 * FONT_SEARCH_PATHS. With none (or without fontkit) it returns null and warns once, naming the
 * package to install and $DEEPTS_FONT.
 */
export function resolveFont(choice?: FontChoice): PlotFont | null {
  return resolveFontFrom(choice, FONT_SEARCH_PATHS);
}

/** resolveFont with the search paths given (for tests: a list where nothing is installed). */
export function resolveFontFrom(choice: FontChoice | undefined, searchPaths: readonly string[]): PlotFont | null {
  if (choice === null) return null;
  if (choice instanceof PlotFont) return choice;
  if (typeof choice === 'string') return loadFont(choice);
  if (choice !== undefined) throw new TypeError(`font must be a font file path, a PlotFont or null, got ${typeof choice}`);
  const env = process.env.DEEPTS_FONT;
  if (env) {
    try {
      return loadFont(env);
    } catch (e) {
      throw new Error(`DEEPTS_FONT: ${(e as Error).message}`, { cause: e });
    }
  }
  const found = searchPaths.find((p) => existsSync(p));
  if (found) {
    if (fontkit().fk) return loadFont(found);
    warnOnce(
      `the fontkit package could not be loaded, so plot text uses the built-in bitmap font (ASCII only; other characters are drawn as boxes). Reinstall deepts's dependencies (npm install).`,
    );
    return null;
  }
  warnOnce(
    `no CJK-capable font found, so plot text uses the built-in bitmap font (ASCII only; Chinese characters are drawn as boxes). Install one (Debian/Ubuntu: apt-get install ${CJK_FONT_PACKAGE}) or set DEEPTS_FONT to a .ttf/.otf/.ttc file.`,
  );
  return null;
}

/** Forgets which warnings were given, so a test can see one again. */
export function resetFontWarnings(): void {
  warnedNoFont = false;
  warnedMissing.clear();
}

function warnOnce(message: string): void {
  if (warnedNoFont) return;
  warnedNoFont = true;
  process.emitWarning(message, { code: 'DEEPTS_NO_FONT' });
}

/** Warns once per font and character that the font has no glyph for it (it is drawn as a box). */
export function warnMissingGlyph(font: PlotFont, text: string): void {
  const key = font.path + '#' + font.name;
  if (warnedMissing.has(key)) return;
  warnedMissing.add(key);
  const cp = text.codePointAt(0) ?? 0;
  process.emitWarning(
    `font ${font.path} (${font.name}) has no glyph for '${text}' (U+${cp.toString(16).toUpperCase().padStart(4, '0')}); such characters are drawn as boxes. For Chinese, install ${CJK_FONT_PACKAGE} or set DEEPTS_FONT to a CJK font.`,
    { code: 'DEEPTS_MISSING_GLYPH' },
  );
}
