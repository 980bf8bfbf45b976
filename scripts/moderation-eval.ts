/**
 * Prints the moderation evaluation: precision/recall/F1 per category, overall and per language, on
 * data/moderation/eval.tsv; redaction precision/recall on data/moderation/pii.tsv; and the inclusive-
 * language findings in the assistant and knowledge catalogues (a list for review, not a failure).
 * Usage: npx tsx scripts/moderation-eval.ts [--lint-all]
 */
import {
  evaluateModeration,
  evaluateRedaction,
  formatModerationEvaluation,
  lintCatalogues,
  readEvalSet,
  readPiiSet,
} from '../src/server/modules/moderation/index.ts';

const moderation = evaluateModeration(readEvalSet());
const redaction = evaluateRedaction(readPiiSet());
console.log(formatModerationEvaluation(moderation, redaction));

const namespaces = process.argv.includes('--lint-all') ? undefined : ['assistant', 'knowledge', 'moderation'];
const findings = lintCatalogues(namespaces);
console.log('');
console.log(`Inclusive-language lint (${namespaces ? namespaces.join(', ') : 'all catalogues'}): ${findings.length} finding(s)`);
for (const f of findings) console.log(`  ${f.lang}/${f.namespace}.json ${f.key}: "${f.term}" -> ${f.suggestion}`);
