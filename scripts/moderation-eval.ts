/**
 * Prints the moderation evaluation: precision/recall/F1 per category, overall and per language, on
 * data/moderation/eval.tsv; redaction precision/recall on data/moderation/pii.tsv; and the inclusive-
 * language findings in the assistant and knowledge catalogues (a list for review, not a failure).
 * Usage: npx tsx scripts/moderation-eval.ts [--lint-all]
 */
import path from 'node:path';
import {
  evaluateModeration,
  evaluateRedaction,
  formatModerationEvaluation,
  lintCatalogues,
  readEvalSet,
  readPiiSet,
  MODERATION_DATA_DIR,
} from '../src/server/modules/moderation/index.ts';

const redaction = evaluateRedaction(readPiiSet());
console.log('=== data/moderation/eval.tsv (development set: the lexicons were corrected after a first run on it) ===');
console.log(formatModerationEvaluation(evaluateModeration(readEvalSet()), redaction));
console.log('');
console.log('=== data/moderation/eval-holdout.tsv (second set: blind on its first run, then used for fixes) ===');
console.log(formatModerationEvaluation(evaluateModeration(readEvalSet(path.join(MODERATION_DATA_DIR, 'eval-holdout.tsv'))), redaction).split('\n\nRedaction')[0]);

const namespaces = process.argv.includes('--lint-all') ? undefined : ['assistant', 'knowledge', 'moderation'];
const findings = lintCatalogues(namespaces);
console.log('');
console.log(`Inclusive-language lint (${namespaces ? namespaces.join(', ') : 'all catalogues'}): ${findings.length} finding(s)`);
for (const f of findings) console.log(`  ${f.lang}/${f.namespace}.json ${f.key}: "${f.term}" -> ${f.suggestion}`);
