// The sentiment corpora the lecture's vocabulary table is measured on: Chinese reviews
// (ChnSentiCorp hotels, waimai_10k food delivery; CSV `label,review`) and English sentences
// (SST-2; TSV `sentence<TAB>label`). scripts/tokenizer_fixtures.py reads them the same way.
import { readFileSync } from 'node:fs';
import { dataPath } from '../io/data-paths.js';
import { TokenizerFileError } from './errors.js';

export const sentimentFiles = {
  chnsenticorp: () => dataPath('sentiment', 'chnsenticorp', 'ChnSentiCorp_htl_all.csv'),
  waimai: () => dataPath('sentiment', 'waimai_10k', 'waimai_10k.csv'),
  sst2Train: () => dataPath('sentiment', 'sst2', 'train.tsv'),
};

/** RFC 4180 CSV rows: quoted fields may hold commas, newlines and doubled quotes. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else field += c;
      i++;
      continue;
    }
    if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
    i++;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

function read(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new TokenizerFileError(path, `cannot read corpus (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

/** The review column of a `label,review` CSV file (header skipped). */
export function chineseReviews(path: string): string[] {
  const rows = parseCsv(read(path));
  if (rows[0]?.[1] !== 'review') throw new TokenizerFileError(path, `expected a CSV header 'label,review', got '${rows[0]?.join(',') ?? ''}'`);
  return rows
    .slice(1)
    .filter((r) => r.length >= 2)
    .map((r) => r[1]!);
}

/** The sentence column of a `sentence<TAB>label` TSV file (header skipped). */
export function englishSentences(path: string): string[] {
  const lines = read(path).split('\n');
  if (!lines[0]?.startsWith('sentence\t')) throw new TokenizerFileError(path, `expected a TSV header 'sentence<TAB>label', got '${lines[0] ?? ''}'`);
  return lines
    .slice(1)
    .filter((l) => l !== '')
    .map((l) => l.split('\t')[0]!);
}
