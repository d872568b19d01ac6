import { analyze } from '../server/src/analysis/diagnostics';
import * as acornLoose from 'acorn-loose';
import { readFileSync } from 'node:fs';
const text = readFileSync(process.argv[2], 'utf8');
const N = Number(process.argv[3] || 10);
for (let i = 0; i < 3; i++) { analyze(text); acornLoose.parse(text, { ecmaVersion: 'latest' }); }
const a: number[] = [], p: number[] = [];
for (let i = 0; i < N; i++) {
  let t = performance.now(); analyze(text); a.push(performance.now() - t);
  t = performance.now(); acornLoose.parse(text, { ecmaVersion: 'latest' }); p.push(performance.now() - t);
}
const med = (x: number[]) => [...x].sort((q, r) => q - r)[x.length >> 1];
console.log('analysis', med(a).toFixed(1), 'parse', med(p).toFixed(1), 'ratio', (med(a) / med(p)).toFixed(2));
