/**
 * The project editor's repeatable rows: documentation links (title, address, kind, language) and contacts (name, role,
 * e-mail, phone). Each row is a fieldset named by its number; adding a row moves focus to its first field and removing
 * one moves focus to the "Add" button, so both work with the keyboard alone. Errors come from the server per field
 * (body.documentation.<i>.url and so on).
 */
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Language } from '../../../shared/languages.ts';

/** The documentation kinds of the schema (ZDocument.kind). */
export const DOC_KINDS = ['link', 'article', 'video', 'demo', 'file'] as const;
export type DocKind = (typeof DOC_KINDS)[number];

export interface DocRow {
  kind: DocKind;
  title: string;
  url: string;
  language: Language | '';
}

export interface ContactRow {
  name: string;
  role: string;
  email: string;
  phone: string;
}

export const emptyDoc = (): DocRow => ({ kind: 'link', title: '', url: '', language: '' });
export const emptyContact = (): ContactRow => ({ name: '', role: '', email: '', phone: '' });

type FieldError = (path: string) => string | undefined;

/** Focus management shared by both lists: after adding, the new row's first field; after removing, the Add button. */
function useRowFocus(prefix: string) {
  const addRef = useRef<HTMLButtonElement>(null);
  const [focusTarget, setFocusTarget] = useState<number | 'add' | null>(null);
  useEffect(() => {
    if (focusTarget === null) return;
    if (focusTarget === 'add') addRef.current?.focus();
    else document.getElementById(`${prefix}-${focusTarget}-first`)?.focus();
    setFocusTarget(null);
  }, [focusTarget, prefix]);
  return { addRef, focusRow: (i: number) => setFocusTarget(i), focusAdd: () => setFocusTarget('add') };
}

function TextInput({ id, label, value, onChange, error, type = 'text', autoComplete, inputId }: {
  id: string; label: string; value: string; onChange: (v: string) => void; error: string | undefined; type?: string; autoComplete?: string; inputId?: string;
}) {
  const el = inputId ?? id;
  return (
    <div className={`field${error ? ' field--error' : ''}`}>
      <label htmlFor={el}>{label}</label>
      {error ? <p className="field__error" id={`${id}-error`}>{error}</p> : null}
      <input id={el} type={type} value={value} onChange={(e) => onChange(e.target.value)} {...(autoComplete ? { autoComplete } : {})}
        aria-invalid={Boolean(error) || undefined} aria-describedby={error ? `${id}-error` : undefined} />
    </div>
  );
}

export function DocumentationRows({ rows, onChange, fieldError }: { rows: DocRow[]; onChange: (rows: DocRow[]) => void; fieldError: FieldError }) {
  const { t } = useTranslation('observatory-web');
  const { addRef, focusRow, focusAdd } = useRowFocus('ed-doc');
  const update = (i: number, patch: Partial<DocRow>) => onChange(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  return (
    <fieldset className="obs-rows">
      <legend>{t('editor.docs.legend')}</legend>
      <p className="field__hint">{t('editor.docs.hint')}</p>
      {rows.length === 0 ? <p>{t('editor.docs.none')}</p> : null}
      {rows.map((r, i) => {
        const n = i + 1;
        const err = (f: keyof DocRow) => fieldError(`documentation.${i}.${f}`);
        return (
          <fieldset key={i} className="obs-row">
            <legend>{t('editor.docs.row', { n })}</legend>
            <div className="obs-grid">
              <TextInput id={`ed-doc-${i}-title`} inputId={`ed-doc-${i}-first`} label={t('editor.docs.title')} value={r.title} onChange={(v) => update(i, { title: v })} error={err('title')} />
              <TextInput id={`ed-doc-${i}-url`} label={t('editor.docs.url')} type="url" value={r.url} onChange={(v) => update(i, { url: v })} error={err('url')} />
              <div className={`field${err('kind') ? ' field--error' : ''}`}>
                <label htmlFor={`ed-doc-${i}-kind`}>{t('editor.docs.kind')}</label>
                {err('kind') ? <p className="field__error" id={`ed-doc-${i}-kind-error`}>{err('kind')}</p> : null}
                <select id={`ed-doc-${i}-kind`} value={r.kind} onChange={(e) => update(i, { kind: e.target.value as DocKind })}
                  aria-invalid={Boolean(err('kind')) || undefined} aria-describedby={err('kind') ? `ed-doc-${i}-kind-error` : undefined}>
                  {DOC_KINDS.map((k) => <option key={k} value={k}>{t(`editor.docs.kinds.${k}`)}</option>)}
                </select>
              </div>
              <div className={`field${err('language') ? ' field--error' : ''}`}>
                <label htmlFor={`ed-doc-${i}-language`}>{t('editor.docs.language')}</label>
                {err('language') ? <p className="field__error" id={`ed-doc-${i}-language-error`}>{err('language')}</p> : null}
                <select id={`ed-doc-${i}-language`} value={r.language} onChange={(e) => update(i, { language: e.target.value as Language | '' })}
                  aria-invalid={Boolean(err('language')) || undefined} aria-describedby={err('language') ? `ed-doc-${i}-language-error` : undefined}>
                  <option value="">{t('editor.docs.language_unset')}</option>
                  {(['es', 'ca', 'en'] as const).map((l) => <option key={l} value={l}>{t(`languages.${l}`)}</option>)}
                </select>
              </div>
            </div>
            <button type="button" className="button button--ghost" onClick={() => { onChange(rows.filter((_, j) => j !== i)); focusAdd(); }}>
              {t('editor.docs.remove', { n })}
            </button>
          </fieldset>
        );
      })}
      <button type="button" className="button button--secondary" ref={addRef} onClick={() => { onChange([...rows, emptyDoc()]); focusRow(rows.length); }}>
        {t('editor.docs.add')}
      </button>
    </fieldset>
  );
}

export function ContactRows({ rows, onChange, fieldError }: { rows: ContactRow[]; onChange: (rows: ContactRow[]) => void; fieldError: FieldError }) {
  const { t } = useTranslation('observatory-web');
  const { addRef, focusRow, focusAdd } = useRowFocus('ed-contact');
  const update = (i: number, patch: Partial<ContactRow>) => onChange(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  return (
    <fieldset className="obs-rows">
      <legend>{t('editor.contacts.legend')}</legend>
      <p className="field__hint">{t('editor.contacts.hint')}</p>
      {rows.length === 0 ? <p>{t('editor.contacts.none')}</p> : null}
      {rows.map((r, i) => {
        const n = i + 1;
        const err = (f: keyof ContactRow) => fieldError(`contacts.${i}.${f}`);
        return (
          <fieldset key={i} className="obs-row">
            <legend>{t('editor.contacts.row', { n })}</legend>
            <div className="obs-grid">
              <TextInput id={`ed-contact-${i}-name`} inputId={`ed-contact-${i}-first`} label={t('editor.contacts.name')} value={r.name} onChange={(v) => update(i, { name: v })} error={err('name')} />
              <TextInput id={`ed-contact-${i}-role`} label={t('editor.contacts.role')} value={r.role} onChange={(v) => update(i, { role: v })} error={err('role')} />
              <TextInput id={`ed-contact-${i}-email`} label={t('editor.contacts.email')} type="email" value={r.email} onChange={(v) => update(i, { email: v })} error={err('email')} />
              <TextInput id={`ed-contact-${i}-phone`} label={t('editor.contacts.phone')} type="tel" value={r.phone} onChange={(v) => update(i, { phone: v })} error={err('phone')} />
            </div>
            <button type="button" className="button button--ghost" onClick={() => { onChange(rows.filter((_, j) => j !== i)); focusAdd(); }}>
              {t('editor.contacts.remove', { n })}
            </button>
          </fieldset>
        );
      })}
      <button type="button" className="button button--secondary" ref={addRef} onClick={() => { onChange([...rows, emptyContact()]); focusRow(rows.length); }}>
        {t('editor.contacts.add')}
      </button>
    </fieldset>
  );
}
