// A small ChnSentiCorp-shaped data set for tests that train (no shared data needed): positive reviews
// say 棒 / 不错 / 喜欢, negative ones 差 / 失望 / 脏, around neutral filler, in `label,review` CSV.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Writes <dir>/chnsenticorp/ChnSentiCorp_htl_all.csv with `count` rows; returns dir (the --data folder). */
export function syntheticSentiment(dir: string, count = 400): string {
  const good = ['很棒', '不错', '喜欢', '非常好', '满意'],
    bad = ['很差', '失望', '太脏', '不好', '糟糕'];
  const filler = ['房间', '服务', '早餐', '位置', '前台', '酒店', '价格', '环境'];
  let seed = 12345;
  const pick = <T>(a: readonly T[]): T => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return a[(seed >>> 16) % a.length]!;
  };
  const rows = Array.from({ length: count }, (_, i) => {
    const label = i % 3 === 0 ? 0 : 1;
    const words = [pick(filler), pick(filler), pick(label ? good : bad), pick(filler), '，', pick(label ? good : bad)];
    return `${label},${words.join('')}`;
  });
  mkdirSync(join(dir, 'chnsenticorp'), { recursive: true });
  writeFileSync(join(dir, 'chnsenticorp', 'ChnSentiCorp_htl_all.csv'), `label,review\n${rows.join('\n')}\n`);
  return dir;
}
