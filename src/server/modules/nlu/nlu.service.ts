/**
 * Natural-language understanding for the assistant, the kiosk and the CLI: language, intent with
 * alternatives, and entities. Models are trained in-process from data/nlu at start (well under a
 * second), per council when its profile adds intents or its staff added phrases, and retrained
 * without a restart.
 */
import { LANGUAGES, isLanguage, type Language } from '../../../shared/languages.ts';
import { AppError } from '../../errors.ts';
import type { TenantProfile, TenantRegistry } from '../tenants/index.ts';
import { IntentClassifier, type IntentScore } from './nlu.classifier.ts';
import { extractEntities, type Entity } from './nlu.entities.ts';
import { scorePredictions, splitExamples, type EvaluationReport } from './nlu.evaluation.ts';
import { LanguageIdentifier } from './nlu.language-id.ts';
import type { ModelVersion, NluRepository, TrainingPhrase } from './nlu.repository.ts';
import { loadCorpus, loadEvalSet, type Example, type NluCorpus } from './nlu.training-data.ts';

export interface ParseInput {
  text: string;
  /** Forces the language (the citizen chose it); otherwise it is identified. */
  lang?: Language;
  tenantId?: string;
  /** The conversation's language: the fallback when identification is unsure. */
  conversationLang?: Language;
  /** Reference instant for relative dates; defaults to now. */
  now?: Date;
}

export interface ParseResult {
  language: { code: Language; confidence: number };
  intent: { name: string; confidence: number };
  alternatives: { name: string; confidence: number }[];
  entities: Entity[];
}

export interface EvaluationSummary {
  /** Held-out split of the training data (deterministic seed), model trained on the rest. */
  split: EvaluationReport;
  /** The independent evaluation set data/nlu-eval, model trained on all training data. */
  heldOut: EvaluationReport;
}

export interface TrainResult {
  tenantId: string | null;
  examples: number;
  intents: string[];
  trainMs: number;
  /** The stored model version (when a council and a database are given). */
  version: ModelVersion | null;
  /** The evaluation of the previous model version, when there is one. */
  before: EvaluationSummary | null;
  after: EvaluationSummary;
}

export interface NluServiceDeps {
  repository?: NluRepository;
  tenants?: TenantRegistry;
  /** Training data; read from data/nlu when omitted. */
  corpus?: NluCorpus;
  /** Independent evaluation set; read from data/nlu-eval when omitted. */
  evalSet?: Example[];
}

/** Below this language-identification confidence the conversation's language (then the council's) wins. */
export const LANGUAGE_CONFIDENCE_THRESHOLD = 0.7;
const DEFAULT_TIME_ZONE = 'Europe/Madrid';
const MAX_ALTERNATIVES = 3;

interface TenantModel {
  classifier: IntentClassifier;
  examples: Example[];
  staffPhrases: number;
}

const round4 = (x: number) => Math.round(x * 10000) / 10000;

interface BaseModels {
  corpus: NluCorpus;
  languageId: LanguageIdentifier;
  base: TenantModel;
}

function trainBase(corpus: NluCorpus): BaseModels {
  return { corpus, languageId: buildLanguageId(corpus), base: { classifier: IntentClassifier.train(corpus.examples), examples: corpus.examples, staffPhrases: 0 } };
}

/**
 * The models trained from data/nlu, shared by every service in the process (tests and the CLI build
 * several apps; training once is enough). train() without a council replaces them.
 */
let sharedDefault: BaseModels | undefined;
function defaultModels(): BaseModels {
  sharedDefault ??= trainBase(loadCorpus());
  return sharedDefault;
}

export class NluService {
  private models: BaseModels | undefined;
  private evalSetCache: Example[] | undefined;
  private readonly perTenant = new Map<string, TenantModel>();
  /** Evaluations by training set: evaluating trains a split model, so it is done once per model. */
  private readonly evaluations = new WeakMap<readonly Example[], Map<string, EvaluationSummary>>();

  /** Cheap: the models are trained at the first parse (or warmUp), from data/nlu unless a corpus is given. */
  constructor(private readonly deps: NluServiceDeps = {}) {}

  /** Trains the models now, so the first citizen does not wait (about half a second). */
  warmUp(): void {
    void this.loaded;
  }

  /**
   * After a restart, councils whose staff added phrases get their model back (trained from the files,
   * the profile and the database) without storing a new version. Returns the councils retrained.
   */
  async restoreTenantModels(): Promise<string[]> {
    const repo = this.deps.repository;
    const tenants = this.deps.tenants;
    if (!repo || !tenants) return [];
    const restored: string[] = [];
    for (const tenant of tenants.list()) {
      const phrases = await repo.listPhrases(tenant.id);
      if (phrases.length === 0) continue;
      const examples = tenantExamples(this.corpus.examples, tenant, phrases);
      this.perTenant.set(tenant.id, { classifier: IntentClassifier.train(examples), examples, staffPhrases: phrases.length });
      restored.push(tenant.id);
    }
    return restored;
  }

  private get loaded(): BaseModels {
    this.models ??= this.deps.corpus ? trainBase(this.deps.corpus) : defaultModels();
    return this.models;
  }
  private get corpus(): NluCorpus {
    return this.loaded.corpus;
  }
  private get languageId(): LanguageIdentifier {
    return this.loaded.languageId;
  }
  private get base(): TenantModel {
    return this.loaded.base;
  }
  private get evalSet(): Example[] {
    this.evalSetCache ??= this.deps.evalSet ?? loadEvalSet();
    return this.evalSetCache;
  }

  /** Understands one message. Synchronous: models are already in memory. */
  parse(input: ParseInput): ParseResult {
    const tenant = input.tenantId ? this.tenant(input.tenantId) : undefined;
    const language = this.language(input, tenant);
    const model = tenant ? this.modelFor(tenant) : this.base;
    const scores: IntentScore[] = model.classifier.classify(input.text);
    const [top, ...rest] = scores;
    const entities = extractEntities(input.text, {
      now: input.now ?? new Date(),
      timeZone: tenant?.timeZone ?? DEFAULT_TIME_ZONE,
      offices: tenant?.offices,
    });
    return {
      language,
      intent: { name: top?.name ?? 'question', confidence: round4(top?.confidence ?? 0) },
      alternatives: rest.slice(0, MAX_ALTERNATIVES).map((s) => ({ name: s.name, confidence: round4(s.confidence) })),
      entities,
    };
  }

  /** The intent names this council's model knows (built-in plus its profile's). */
  intentNames(tenantId?: string): string[] {
    const tenant = tenantId ? this.tenant(tenantId) : undefined;
    return [...(tenant ? this.modelFor(tenant) : this.base).classifier.intents];
  }

  /**
   * Retrains without a restart. With a council: its profile's intents and its staff phrases from the
   * database join the files, the new model is evaluated and stored as a version (before/after).
   * Without: re-reads data/nlu and drops every council's cached model.
   */
  async train(tenantId?: string, opts: { trainedBy?: string | null } = {}): Promise<TrainResult> {
    const started = performance.now();
    if (!tenantId) {
      const before = this.evaluateModel(this.base.examples, undefined, this.base.classifier);
      this.models = trainBase(this.deps.corpus ?? loadCorpus());
      if (!this.deps.corpus) sharedDefault = this.models;
      this.perTenant.clear();
      const trainMs = performance.now() - started;
      return { tenantId: null, examples: this.base.examples.length, intents: this.base.classifier.intents, trainMs, version: null, before, after: this.evaluateModel(this.base.examples, undefined, this.base.classifier) };
    }
    const tenant = this.tenant(tenantId);
    const phrases = this.deps.repository ? await this.deps.repository.listPhrases(tenantId) : [];
    const examples = tenantExamples(this.corpus.examples, tenant, phrases);
    const model: TenantModel = { classifier: IntentClassifier.train(examples), examples, staffPhrases: phrases.length };
    this.perTenant.set(tenantId, model);
    const trainMs = performance.now() - started;
    const after = this.evaluateModel(examples, tenant, model.classifier);
    let before: EvaluationSummary | null = null;
    let version: ModelVersion | null = null;
    if (this.deps.repository) {
      const previous = (await this.deps.repository.listVersions(tenantId, 1))[0];
      before = previous ? (previous.metrics as EvaluationSummary) : null;
      version = await this.deps.repository.addVersion({
        tenantId,
        trainedBy: opts.trainedBy ?? null,
        exampleCount: examples.length,
        staffPhraseCount: phrases.length,
        intents: model.classifier.intents,
        metrics: after,
      });
    }
    return { tenantId, examples: examples.length, intents: model.classifier.intents, trainMs, version, before, after };
  }

  /** Adds a training phrase for a council (staff, or a relabelled citizen turn); takes effect at the next train(). */
  async addPhrase(p: { tenantId: string; lang: Language; intent: string; text: string; source?: 'staff' | 'relabel'; createdBy?: string | null }): Promise<TrainingPhrase> {
    const repo = this.requireRepository();
    const tenant = this.tenant(p.tenantId);
    const known = new Set(this.modelFor(tenant).classifier.intents);
    if (!known.has(p.intent)) throw new AppError('nlu.unknown_intent', { params: { intent: p.intent } });
    const text = p.text.trim();
    if (!text) throw new AppError('nlu.empty_text');
    return repo.addPhrase({ tenantId: p.tenantId, lang: p.lang, intent: p.intent, text, source: p.source ?? 'staff', createdBy: p.createdBy ?? null });
  }

  /** Evaluation of the current model for a council (or the base model): split and independent set. */
  evaluate(tenantId?: string): EvaluationSummary {
    const tenant = tenantId ? this.tenant(tenantId) : undefined;
    const model = tenant ? this.modelFor(tenant) : this.base;
    return this.evaluateModel(model.examples, tenant, model.classifier);
  }

  /** Model versions stored for a council, newest first. */
  async versions(tenantId: string, limit = 20): Promise<ModelVersion[]> {
    return this.requireRepository().listVersions(tenantId, limit);
  }

  /** The answer and link a council gave for one of its own intents, if any. */
  customAnswer(tenantId: string, intent: string, lang: Language): { text: string; link?: string } | undefined {
    const found = this.tenant(tenantId).intents.find((i) => i.name === intent);
    if (!found) return undefined;
    const text = found.answer[lang] ?? found.answer.es ?? found.answer.ca ?? found.answer.en ?? '';
    return found.link ? { text, link: found.link } : { text };
  }

  private evaluateModel(examples: readonly Example[], tenant: TenantProfile | undefined, full: IntentClassifier): EvaluationSummary {
    // The independent set is filtered by the council's languages, so they are part of the key.
    const key = (tenant?.languages ?? LANGUAGES).join(',');
    const byLangs = this.evaluations.get(examples) ?? new Map<string, EvaluationSummary>();
    this.evaluations.set(examples, byLangs);
    const cached = byLangs.get(key);
    if (cached) return cached;
    const summary = this.computeEvaluation(examples, tenant, full);
    byLangs.set(key, summary);
    return summary;
  }

  /** `full` is the model trained on all of `examples`; the split model is trained here. */
  private computeEvaluation(examples: readonly Example[], tenant: TenantProfile | undefined, full: IntentClassifier): EvaluationSummary {
    const { train, test } = splitExamples(examples);
    const splitModel = IntentClassifier.train(train);
    const allowed = tenant?.languages ?? LANGUAGES;
    const predictWith = (clf: IntentClassifier) => (e: Example) => ({
      intent: clf.classify(e.text)[0]?.name ?? '',
      lang: this.languageId.identify(e.text, allowed)?.code ?? 'es',
    });
    const evalSet = this.evalSet.filter((e) => allowed.includes(e.lang));
    return { split: scorePredictions(test, predictWith(splitModel)), heldOut: scorePredictions(evalSet, predictWith(full)) };
  }

  private language(input: ParseInput, tenant: TenantProfile | undefined): ParseResult['language'] {
    const allowed = tenant?.languages ?? LANGUAGES;
    if (input.lang && allowed.includes(input.lang)) return { code: input.lang, confidence: 1 };
    const guess = this.languageId.identify(input.text, allowed);
    if (guess && guess.confidence >= LANGUAGE_CONFIDENCE_THRESHOLD) return { code: guess.code, confidence: round4(guess.confidence) };
    const fallback =
      (input.conversationLang && allowed.includes(input.conversationLang) ? input.conversationLang : undefined) ??
      tenant?.defaultLanguage ??
      guess?.code ??
      'es';
    const p = guess?.scores.find((s) => s.code === fallback)?.confidence ?? 0;
    return { code: fallback, confidence: round4(p) };
  }

  private tenant(id: string): TenantProfile {
    if (!this.deps.tenants) throw new AppError('tenants.not_found', { params: { id } });
    return this.deps.tenants.get(id);
  }

  /** The council's model: the shared one unless its profile adds intents; staff phrases join at train(). */
  private modelFor(tenant: TenantProfile): TenantModel {
    const cached = this.perTenant.get(tenant.id);
    if (cached) return cached;
    if (tenant.intents.length === 0) return this.base;
    const examples = tenantExamples(this.corpus.examples, tenant, []);
    const model: TenantModel = { classifier: IntentClassifier.train(examples), examples, staffPhrases: 0 };
    this.perTenant.set(tenant.id, model);
    return model;
  }

  private requireRepository(): NluRepository {
    if (!this.deps.repository) throw new AppError('nlu.no_database');
    return this.deps.repository;
  }
}

function buildLanguageId(corpus: NluCorpus): LanguageIdentifier {
  const samples = { es: [], ca: [], en: [] } as Record<Language, string[]>;
  for (const e of corpus.examples) samples[e.lang].push(e.text);
  for (const lang of LANGUAGES) samples[lang].push(...corpus.wordLists[lang]);
  return new LanguageIdentifier(samples);
}

/** The files' examples plus a council's own intents and its staff phrases. */
function tenantExamples(base: readonly Example[], tenant: TenantProfile, phrases: readonly TrainingPhrase[]): Example[] {
  const out = [...base];
  for (const intent of tenant.intents) {
    for (const lang of LANGUAGES) {
      for (const text of intent.utterances[lang]) out.push({ text, intent: intent.name, lang });
    }
  }
  for (const p of phrases) if (isLanguage(p.lang)) out.push({ text: p.text, intent: p.intent, lang: p.lang });
  return out;
}
