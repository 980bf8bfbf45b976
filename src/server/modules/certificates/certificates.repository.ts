import type { Queryable } from '../../db/db.ts';

export type DocumentKind = 'padron_individual' | 'padron_collective' | 'payment_receipt' | 'filing_receipt';

export interface IssuedDocumentRow {
  tenantId: string;
  code: string;
  kind: DocumentKind;
  language: 'es' | 'ca' | 'en';
  subjectDni: string | null;
  reference: string | null;
  sha256: string;
  sizeBytes: number;
  issuedAt: Date;
  revokedAt: Date | null;
}

export interface NewIssuedDocument {
  tenantId: string;
  code: string;
  kind: DocumentKind;
  language: 'es' | 'ca' | 'en';
  subjectDni: string | null;
  reference: string | null;
  sha256: string;
  pdf: Buffer;
  issuedAt: Date;
}

const COLUMNS = `tenant_id AS "tenantId", csv_code AS code, kind, language, subject_dni AS "subjectDni", reference, sha256,
  size_bytes AS "sizeBytes", issued_at AS "issuedAt", revoked_at AS "revokedAt"`;

/** The only SQL for issued documents. */
export class CertificatesRepository {
  constructor(private readonly db: Queryable) {}

  async insert(doc: NewIssuedDocument, q: Queryable = this.db): Promise<void> {
    await q.query(
      `INSERT INTO issued_documents (tenant_id, csv_code, kind, language, subject_dni, reference, sha256, size_bytes, pdf, issued_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [doc.tenantId, doc.code, doc.kind, doc.language, doc.subjectDni, doc.reference, doc.sha256, doc.pdf.length, doc.pdf, doc.issuedAt],
    );
  }

  /**
   * By code alone, across councils: the QR code on a document points at /verify/<code> without naming the council,
   * and the code's 100 random bits are the access control (as with Spain's CSV).
   */
  async findByCode(code: string): Promise<IssuedDocumentRow | undefined> {
    const res = await this.db.query<IssuedDocumentRow>(`SELECT ${COLUMNS} FROM issued_documents WHERE csv_code = $1`, [code]);
    return res.rows[0];
  }

  /** The stored PDF bytes (or the file path for documents kept as files). */
  async findContent(code: string): Promise<{ pdf: Buffer | null; filePath: string | null } | undefined> {
    const res = await this.db.query<{ pdf: Uint8Array | null; filePath: string | null }>(
      `SELECT pdf, file_path AS "filePath" FROM issued_documents WHERE csv_code = $1`,
      [code],
    );
    const row = res.rows[0];
    if (!row) return undefined;
    // pg gives a Buffer, PGlite a Uint8Array.
    return { pdf: row.pdf ? Buffer.from(row.pdf.buffer, row.pdf.byteOffset, row.pdf.byteLength) : null, filePath: row.filePath };
  }

  async listBySubject(tenantId: string, subjectDni: string, limit = 50): Promise<IssuedDocumentRow[]> {
    const res = await this.db.query<IssuedDocumentRow>(
      `SELECT ${COLUMNS} FROM issued_documents WHERE tenant_id = $1 AND subject_dni = $2 ORDER BY issued_at DESC, id DESC LIMIT $3`,
      [tenantId, subjectDni, limit],
    );
    return res.rows;
  }

  /** Marks a document revoked; returns false when the council has no such (unrevoked) document. */
  async revoke(tenantId: string, code: string, reason: string, at: Date): Promise<boolean> {
    const res = await this.db.query(
      `UPDATE issued_documents SET revoked_at = $3, revoked_reason = $4 WHERE tenant_id = $1 AND csv_code = $2 AND revoked_at IS NULL`,
      [tenantId, code, at, reason],
    );
    return res.rowCount > 0;
  }
}
