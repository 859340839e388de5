// What BLEU and chrF return, printed as sacreBLEU's Score.format() prints it.
import { checkBoolean, checkNumber, checkOptions, NON_NEGATIVE_INTEGER, optionKeys } from '../util/options.js';

/** The sacreBLEU whose BLEU and chrF (arithmetic, tokenizers, signatures, printing) this module reproduces, read from its source at tag v2.6.0. */
export const SACREBLEU_VERSION = '2.6.0';
/** The signature's `version` field: sacreBLEU writes its own version there; ours says who computed the score and which behaviour it matches. */
export const SIGNATURE_VERSION = `deepts-sacrebleu-${SACREBLEU_VERSION}`;

/**
 * Python's f'{x:.{digits}f}': like toFixed, except that an exact tie (6.25 to 1 digit) rounds
 * half to even ('6.2') where toFixed rounds away from zero ('6.3').
 */
export function pyFixed(x: number, digits: number): string {
  const exact = x.toFixed(100); // a double's whole decimal expansion, where a tie is possible
  const cut = exact.indexOf('.') + 1 + digits;
  if (!/^50*$/.test(exact.slice(cut))) return x.toFixed(digits);
  const down = exact.slice(0, digits ? cut : cut - 1);
  return Number(down[down.length - 1]) % 2 === 0 ? down : x.toFixed(digits);
}

export interface FormatOptions {
  /** Decimals of the score (2). */
  width?: number;
  /** Only the score: '23.41'. */
  scoreOnly?: boolean;
  /** 'BLEU|nrefs:1|…|version:… = 23.41 …' instead of 'BLEU = 23.41 …'. */
  signature?: boolean;
}
const FORMAT_KEYS = optionKeys<FormatOptions>({ width: true, scoreOnly: true, signature: true });

export class MetricScore {
  constructor(
    /** 'BLEU', 'chrF2', 'chrF2++'. */
    readonly name: string,
    /** 0–100. */
    readonly score: number,
    /** sacreBLEU 2.x's signature: 'nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:…'. */
    readonly signature: string,
  ) {}

  /** What sacreBLEU prints after the score (BLEU's precisions and lengths). */
  protected verbose(): string {
    return '';
  }

  /** sacreBLEU's text line: 'BLEU = 23.41 55.1/29.3/17.6/10.8 (BP = 1.000 ratio = 1.012 hyp_len = 100 ref_len = 99)'. */
  format(opts?: FormatOptions): string {
    const where = `${this.constructor.name}.format`;
    checkOptions(where, opts, FORMAT_KEYS);
    const { width = 2, scoreOnly = false, signature = false } = opts ?? {};
    checkNumber(where, 'width', width, NON_NEGATIVE_INTEGER);
    checkBoolean(where, 'scoreOnly', scoreOnly);
    checkBoolean(where, 'signature', signature);
    const score = pyFixed(this.score, width);
    if (scoreOnly) return score;
    const verbose = this.verbose();
    return `${signature ? `${this.name}|${this.signature}` : this.name} = ${score}${verbose ? ` ${verbose}` : ''}`;
  }

  toString(): string {
    return this.format();
  }
}
