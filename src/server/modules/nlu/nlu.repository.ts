/** SQL for the NLU module: staff-added training phrases and trained model versions, per council. */
import type { Queryable } from '../../db/db.ts';
import type { Language } from '../../../shared/languages.ts';

export interface TrainingPhrase {
  id: number;
  tenantId: string;
  lang: Language;
  intent: string;
  text: string;
  source: 'staff' | 'relabel';
  createdBy: string | null;
  createdAt: Date;
}

export interface ModelVersion {
  id: number;
  tenantId: string;
  trainedAt: Date;
  trainedBy: string | null;
  exampleCount: number;
  staffPhraseCount: number;
  intents: string[];
  metrics: unknown;
}

interface PhraseRow {
  id: number;
  tenant_id: string;
  lang: Language;
  intent: string;
  text: string;
  source: 'staff' | 'relabel';
  created_by: string | null;
  created_at: Date;
}

interface VersionRow {
  id: number;
  tenant_id: string;
  trained_at: Date;
  trained_by: string | null;
  example_count: number;
  staff_phrase_count: number;
  intents: string[];
  metrics: unknown;
}

const toPhrase = (r: PhraseRow): TrainingPhrase => ({
  id: Number(r.id),
  tenantId: r.tenant_id,
  lang: r.lang,
  intent: r.intent,
  text: r.text,
  source: r.source,
  createdBy: r.created_by,
  createdAt: r.created_at,
});

const toVersion = (r: VersionRow): ModelVersion => ({
  id: Number(r.id),
  tenantId: r.tenant_id,
  trainedAt: r.trained_at,
  trainedBy: r.trained_by,
  exampleCount: Number(r.example_count),
  staffPhraseCount: Number(r.staff_phrase_count),
  intents: r.intents,
  metrics: r.metrics,
});

export class NluRepository {
  constructor(private readonly db: Queryable) {}

  /** Adds a phrase; adding the same phrase twice keeps one row and returns it. */
  async addPhrase(p: { tenantId: string; lang: Language; intent: string; text: string; source: 'staff' | 'relabel'; createdBy?: string | null }): Promise<TrainingPhrase> {
    const res = await this.db.query<PhraseRow>(
      `INSERT INTO nlu_training_phrases (tenant_id, lang, intent, text, source, created_by)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (tenant_id, lang, intent, text) DO UPDATE SET source = nlu_training_phrases.source
       RETURNING id, tenant_id, lang, intent, text, source, created_by, created_at`,
      [p.tenantId, p.lang, p.intent, p.text, p.source, p.createdBy ?? null],
    );
    const row = res.rows[0];
    if (!row) throw new Error('insert returned no row');
    return toPhrase(row);
  }

  async listPhrases(tenantId: string): Promise<TrainingPhrase[]> {
    const res = await this.db.query<PhraseRow>(
      `SELECT id, tenant_id, lang, intent, text, source, created_by, created_at
       FROM nlu_training_phrases WHERE tenant_id = $1 ORDER BY id`,
      [tenantId],
    );
    return res.rows.map(toPhrase);
  }

  /** True when a row was deleted. */
  async deletePhrase(tenantId: string, id: number): Promise<boolean> {
    const res = await this.db.query('DELETE FROM nlu_training_phrases WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
    return res.rowCount > 0;
  }

  async addVersion(v: { tenantId: string; trainedBy?: string | null; exampleCount: number; staffPhraseCount: number; intents: string[]; metrics: unknown }): Promise<ModelVersion> {
    const res = await this.db.query<VersionRow>(
      `INSERT INTO nlu_model_versions (tenant_id, trained_by, example_count, staff_phrase_count, intents, metrics)
       VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb)
       RETURNING id, tenant_id, trained_at, trained_by, example_count, staff_phrase_count, intents, metrics`,
      [v.tenantId, v.trainedBy ?? null, v.exampleCount, v.staffPhraseCount, JSON.stringify(v.intents), JSON.stringify(v.metrics)],
    );
    const row = res.rows[0];
    if (!row) throw new Error('insert returned no row');
    return toVersion(row);
  }

  /** The most recent versions first. */
  async listVersions(tenantId: string, limit = 20): Promise<ModelVersion[]> {
    const res = await this.db.query<VersionRow>(
      `SELECT id, tenant_id, trained_at, trained_by, example_count, staff_phrase_count, intents, metrics
       FROM nlu_model_versions WHERE tenant_id = $1 ORDER BY trained_at DESC, id DESC LIMIT $2`,
      [tenantId, limit],
    );
    return res.rows.map(toVersion);
  }
}
