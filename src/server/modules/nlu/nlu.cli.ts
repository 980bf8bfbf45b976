/**
 * What `ventanilla nlu parse|train|eval` runs. Functions return the text to print, so the commands
 * stay one line each and tests call them directly.
 */
import type { Language } from '../../../shared/languages.ts';
import type { EvaluationReport } from './nlu.evaluation.ts';
import type { EvaluationSummary, NluService } from './nlu.service.ts';

/** `nlu parse "<text>"`: the same JSON as POST /api/v1/nlu/parse. */
export function nluCliParse(nlu: NluService, text: string, opts: { tenant?: string; lang?: Language; now?: Date } = {}): string {
  return `${JSON.stringify(nlu.parse({ text, lang: opts.lang, tenantId: opts.tenant, now: opts.now }), null, 2)}\n`;
}

/** `nlu train [--tenant id]`: retrains and prints the evaluation before and after. */
export async function nluCliTrain(nlu: NluService, opts: { tenant?: string; trainedBy?: string } = {}): Promise<string> {
  const res = await nlu.train(opts.tenant, { trainedBy: opts.trainedBy ?? 'cli' });
  const lines = [
    `Trained ${res.tenantId ? `the model of "${res.tenantId}"` : 'the base model'} on ${res.examples} utterances, ${res.intents.length} intents, in ${Math.round(res.trainMs)} ms${res.version ? ` (version ${res.version.id})` : ''}.`,
  ];
  if (res.before) lines.push('', 'Before:', formatEvaluation(res.before));
  lines.push('', res.before ? 'After:' : 'Evaluation:', formatEvaluation(res.after));
  return `${lines.join('\n')}\n`;
}

/** `nlu eval [--tenant id] [--json]`: accuracy and macro-F1 per language, confusion matrix. */
export function nluCliEval(nlu: NluService, opts: { tenant?: string; json?: boolean } = {}): string {
  const summary = nlu.evaluate(opts.tenant);
  return opts.json ? `${JSON.stringify(summary, null, 2)}\n` : `${formatEvaluation(summary, true)}\n`;
}

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

function formatReport(title: string, r: EvaluationReport, withMatrix: boolean): string {
  const out = [`${title}: ${r.examples} utterances, accuracy ${pct(r.accuracy)}, macro-F1 ${r.macroF1.toFixed(3)}, language id ${pct(r.languageIdAccuracy)}`];
  for (const [lang, m] of Object.entries(r.perLanguage)) {
    out.push(`  ${lang}: ${m.examples} utterances, accuracy ${pct(m.accuracy)}, macro-F1 ${m.macroF1.toFixed(3)}, language id ${pct(m.languageIdAccuracy)}`);
  }
  if (withMatrix) {
    const labels = r.confusion.labels;
    const short = labels.map((_, i) => `c${i}`);
    out.push('  confusion (rows: expected, columns: predicted):');
    out.push(`  ${''.padEnd(20)}${short.map((s) => s.padStart(5)).join('')}`);
    r.confusion.matrix.forEach((row, i) => {
      out.push(`  ${`c${i} ${labels[i] ?? ''}`.padEnd(20).slice(0, 20)}${row.map((n) => String(n || '.').padStart(5)).join('')}`);
    });
    if (r.errors.length) {
      out.push('  errors:');
      for (const e of r.errors.slice(0, 30)) out.push(`    [${e.lang}] ${e.text}  (expected ${e.expected}, got ${e.predicted})`);
    }
  }
  return out.join('\n');
}

/** Human-readable evaluation. */
export function formatEvaluation(s: EvaluationSummary, withMatrix = false): string {
  return [formatReport('Held-out split of data/nlu', s.split, withMatrix), formatReport('Independent set data/nlu-eval', s.heldOut, withMatrix)].join('\n');
}
