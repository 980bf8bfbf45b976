import { describe, expect, it } from 'vitest';
import { LANGUAGES } from '../../../shared/languages.ts';
import { lintCatalogues, lintInclusiveLanguage } from './moderation.inclusive.ts';
import { plainLanguageCheck } from './moderation.plain-language.ts';
import { allModerationReplies } from './moderation.service.ts';

describe('plainLanguageCheck', () => {
  it('flags sentences over 25 words and administrative jargon, and passes short plain text', () => {
    const long = 'Le informamos de que ' + 'su solicitud '.repeat(15) + 'ha sido recibida.';
    expect(plainLanguageCheck(long, 'es').issues.map((i) => i.kind)).toContain('long_sentence');
    const jargon = plainLanguageCheck('Debe subsanar la solicitud en virtud de la norma.', 'es');
    expect(jargon.isOk).toBe(false);
    expect(jargon.issues.filter((i) => i.kind === 'jargon').map((i) => i.hint)).toEqual(['corregir', 'por']);
    expect(plainLanguageCheck('Puede pagar el recibo aquí. Es fácil.', 'es')).toMatchObject({ isOk: true, sentences: 2, maxWordsPerSentence: 5 });
  });

  it('in easy-read mode wants one short sentence per line', () => {
    expect(plainLanguageCheck('Llame al 112. Es gratis.', 'es', { isEasyRead: true }).issues.map((i) => i.kind)).toContain('several_sentences_per_line');
    expect(plainLanguageCheck('Llame al 112.\nEs gratis.', 'es', { isEasyRead: true }).isOk).toBe(true);
  });

  it('does not count links as long words or split sentences on their dots', () => {
    const r = plainLanguageCheck('Mire la web https://sede.agenciatributaria.gob.es para hacerlo.', 'es');
    expect(r).toMatchObject({ isOk: true, sentences: 1, issues: [] });
  });

  for (const lang of LANGUAGES) {
    for (const ine of ['03014', '47086', undefined]) {
      it(`every moderation reply in ${lang} (council ${ine ?? 'none'}) is plain, has a passing easy-read variant and no flagged terms`, () => {
        for (const { key, reply } of allModerationReplies(lang, ine)) {
          const plain = plainLanguageCheck(reply.text, lang);
          expect(plain.issues.filter((i) => i.severity === 'error'), `${lang} ${key}: ${reply.text}`).toEqual([]);
          expect(plain.maxWordsPerSentence).toBeLessThanOrEqual(25);
          const easy = plainLanguageCheck(reply.easyRead, lang, { isEasyRead: true });
          expect(easy.issues.filter((i) => i.severity === 'error'), `${lang} ${key}: ${reply.easyRead}`).toEqual([]);
          expect(reply.easyRead.split('\n').length).toBeGreaterThanOrEqual(2);
          expect(lintInclusiveLanguage(`${reply.text}\n${reply.easyRead}`, lang)).toEqual([]);
        }
      });
    }
  }
});

describe('inclusive-language lint', () => {
  it('flags non-inclusive forms with the preferred neutral one', () => {
    expect(lintInclusiveLanguage('Bienvenido. Los ciudadanos pueden pedir cita.', 'es').map((f) => f.suggestion)).toEqual([
      'le damos la bienvenida',
      'la ciudadanía',
    ]);
    expect(lintInclusiveLanguage('Els ciutadans poden demanar cita.', 'ca').map((f) => f.term)).toEqual(['els ciutadans']);
    expect(lintInclusiveLanguage('Services for the elderly', 'en').map((f) => f.suggestion)).toEqual(['older people']);
    expect(lintInclusiveLanguage('La ciudadanía puede pedir cita.', 'es')).toEqual([]);
  });

  it('lists findings over the assistant and knowledge catalogues, and finds none in its own', () => {
    const findings = lintCatalogues(['assistant', 'knowledge']);
    for (const f of findings) expect(f).toMatchObject({ term: expect.any(String), suggestion: expect.any(String), key: expect.any(String) });
    expect(lintCatalogues(['moderation'])).toEqual([]);
  });
});
