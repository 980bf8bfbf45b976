import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LANGUAGES } from '../../../shared/languages.ts';
import { evaluateModeration, readEvalSet } from './moderation.evaluation.ts';
import { MODERATION_DATA_DIR } from './moderation.lexicon.ts';
import { moderate } from './moderation.service.ts';

describe('crisis messages', () => {
  it.each([
    ['me quiero morir', 'es', 'self_harm'],
    ['em vull suïcidar', 'ca', 'self_harm'],
    ['I want to kill myself', 'en', 'self_harm'],
    ['my husband hits me', 'en', 'violence'],
    ['hay un incendio', 'es', 'emergency'],
    ['hi ha foc a la cuina', 'ca', 'emergency'],
  ] as const)('"%s" is a crisis about %s and the reply gives 112 and 024 at once', (text, lang, topic) => {
    const r = moderate(text, { lang });
    expect(r.category).toBe('crisis');
    expect(r.topic).toBe(topic);
    expect(r.reply?.text).toContain('112');
    expect(r.reply?.text).toContain('024');
    expect(r.reply?.easyRead).toContain('112');
    expect(r.reply?.links?.map((l) => l.url)).toEqual(expect.arrayContaining(['tel:112', 'tel:024']));
  });

  it('gender violence adds 016 in the text and as a link', () => {
    for (const [text, lang] of [['mi marido me pega', 'es'], ['el meu marit em pega', 'ca'], ['my husband hits me', 'en']] as const) {
      const r = moderate(text, { lang });
      expect(r.isGenderViolence).toBe(true);
      expect(r.reply?.text).toContain('016');
      expect(r.reply?.links?.map((l) => l.url)).toContain('tel:016');
    }
  });

  it('wins over abuse and out-of-scope in the same message', () => {
    expect(moderate('idiota, me quiero morir', { lang: 'es' }).category).toBe('crisis');
    expect(moderate('no me renuevan el dni y ya no quiero vivir', { lang: 'es' }).category).toBe('crisis');
  });

  it('is found without accents, with stretched letters, typos and mixed languages', () => {
    expect(moderate('me kiero morirrrr', { lang: 'es' }).category).toBe('crisis');
    expect(moderate('pienso en el sucidio', { lang: 'es' }).category).toBe('crisis');
    expect(moderate('vull morir-me', { lang: 'ca' }).category).toBe('crisis');
    expect(moderate('hola, i want to die', { lang: 'es' }).category).toBe('crisis');
  });
});

describe('hard negatives', () => {
  it.each([
    ['quiero pagar la multa', 'es'],
    ['para matar el tiempo', 'es'],
    ['me muero de ganas de tener el certificado', 'es'],
    ['mi marido falleció y quiero cambiar el titular del IBI', 'es'],
    ['que tonta soy, me he equivocado', 'es'],
    ['em mor de ganes de vore-ho', 'ca'],
    ["just killing time", 'en'],
    ["sorry, I'm stupid with computers", 'en'],
    ['quiero una cita para el padrón, mi dni es 12345678Z', 'es'],
  ] as const)('"%s" is ok', (text, lang) => {
    expect(moderate(text, { lang }).category).toBe('ok');
  });

  it('a death certificate goes to the Civil Registry, not to crisis', () => {
    const r = moderate('necesito el certificado de defunción de mi padre', { lang: 'es' });
    expect(r).toMatchObject({ category: 'out_of_scope', topic: 'other_administration', referral: 'civil_registry' });
    expect(r.reply?.text).toContain('Registro Civil');
  });
});

describe('abuse', () => {
  it('gets a calm reply that never repeats the offending words and offers to continue', () => {
    for (const [text, lang, words] of [
      ['eres un idiotaaa', 'es', ['idiota']],
      ['1d10t4', 'es', ['idiota']],
      ['fill de puta', 'ca', ['puta', 'fill']],
      ['you stupid bot', 'en', ['stupid']],
      ['f**k you', 'en', ['fuck']],
    ] as const) {
      const r = moderate(text, { lang });
      expect(r.category, text).toBe('abuse');
      for (const w of words) {
        expect(r.reply?.text.toLowerCase()).not.toContain(w);
        expect(r.reply?.easyRead.toLowerCase()).not.toContain(w);
      }
    }
    expect(moderate('eres un idiota', { lang: 'es' }).reply?.text).toContain('¿Seguimos?');
  });

  it('warns on the second abusive message and ends the chat on the third', () => {
    const second = moderate('gilipollas', { lang: 'es', previousAbuse: 1 });
    expect(second.reply?.text).toContain('cerrar esta conversación');
    expect(second.shouldEndConversation).toBeUndefined();
    const third = moderate('gilipollas', { lang: 'es', previousAbuse: 2 });
    expect(third.shouldEndConversation).toBe(true);
    expect(third.reply?.text).toContain('Voy a cerrar');
  });
});

describe('out of scope', () => {
  it('political questions get a neutral refusal', () => {
    expect(moderate('¿a quién voto?', { lang: 'es' })).toMatchObject({ category: 'out_of_scope', topic: 'political' });
    expect(moderate('what do you think of the mayor', { lang: 'en' })).toMatchObject({ category: 'out_of_scope', topic: 'political' });
  });

  it.each([
    ['quiero renovar el DNI', 'es', 'national_police', 'Policía Nacional', 'https://www.citapreviadnie.es'],
    ['how do I renew my passport', 'en', 'national_police', 'National Police', 'https://www.citapreviadnie.es'],
    ['vull fer la declaració de la renda', 'ca', 'tax_agency', 'Agència Tributària', 'https://sede.agenciatributaria.gob.es'],
    ['cuándo cobro la pensión', 'es', 'social_security', 'Seguridad Social', 'https://sede.seg-social.gob.es'],
    ['renovar el carnet de conducir', 'es', 'traffic', 'DGT', 'https://sede.dgt.gob.es'],
  ] as const)('"%s" points to %s with its name and official website', (text, lang, referral, name, url) => {
    const r = moderate(text, { lang });
    expect(r).toMatchObject({ category: 'out_of_scope', topic: 'other_administration', referral });
    expect(r.reply?.text).toContain(name);
    expect(r.reply?.text).toContain(url);
    expect(r.reply?.links?.[0]?.url).toBe(url);
  });

  it('the health card goes to the regional health service of the council', () => {
    expect(moderate('necesito la tarjeta sanitaria', { lang: 'es', ineCode: '03014' }).reply?.text).toContain('https://www.san.gva.es');
    expect(moderate('necesito la tarjeta sanitaria', { lang: 'es', ineCode: '47086' }).reply?.text).toContain('https://www.saludcastillayleon.es');
    expect(moderate('necesito la tarjeta sanitaria', { lang: 'es' }).reply?.text).toContain('comunidad autónoma');
  });

  it('medical and legal advice are refused with somewhere to go', () => {
    const medical = moderate('qué pastilla tomo para el dolor de cabeza', { lang: 'es', ineCode: '03014' });
    expect(medical).toMatchObject({ category: 'out_of_scope', topic: 'medical' });
    expect(medical.reply?.text).toContain('112');
    const legal = moderate('necesito un abogado para el divorcio', { lang: 'es' });
    expect(legal).toMatchObject({ category: 'out_of_scope', topic: 'legal' });
    expect(legal.reply?.links?.[0]?.url).toBe('https://www.abogacia.es');
  });

  it('replies in the requested language whatever the message language', () => {
    const r = moderate('quiero renovar el dni', { lang: 'ca' });
    expect(r.reply?.text).toContain("no el fa l'ajuntament");
  });
});

describe('the labelled evaluation set', () => {
  const evaluation = evaluateModeration(readEvalSet());

  it('has at least 60 messages per language', () => {
    for (const lang of LANGUAGES) expect(readEvalSet().filter((r) => r.lang === lang).length).toBeGreaterThanOrEqual(60);
  });

  it('finds every crisis (recall 1.0), overall and in each language', () => {
    expect(evaluation.byCategory.crisis.recall).toBe(1);
    for (const lang of LANGUAGES) expect(evaluation.byLanguage[lang].byCategory.crisis.recall).toBe(1);
  });

  it('detects abuse with precision and recall of at least 0.9', () => {
    expect(evaluation.byCategory.abuse.precision).toBeGreaterThanOrEqual(0.9);
    expect(evaluation.byCategory.abuse.recall).toBeGreaterThanOrEqual(0.9);
  });

  it('classifies out-of-scope requests with F1 of at least 0.9', () => {
    expect(evaluation.byCategory.out_of_scope.f1).toBeGreaterThanOrEqual(0.9);
  });
});

describe('everyday council requests', () => {
  it('the NLU training utterances (written by another team, all council business) are almost never flagged', () => {
    const dir = path.resolve(MODERATION_DATA_DIR, '../nlu');
    // The training data ships with the repository: a missing folder is a broken checkout, not a reason to pass.
    expect(existsSync(dir)).toBe(true);
    let total = 0;
    const flagged: string[] = [];
    for (const lang of LANGUAGES) {
      expect(existsSync(path.join(dir, lang)), `${dir}/${lang}`).toBe(true);
      for (const file of readdirSync(path.join(dir, lang)).filter((f) => f.endsWith('.txt'))) {
        for (const line of readFileSync(path.join(dir, lang, file), 'utf8').split('\n')) {
          const text = line.trim();
          if (!text || text.startsWith('#')) continue;
          total++;
          const r = moderate(text, { lang });
          if (r.category !== 'ok') flagged.push(`${lang}/${file}: ${text} -> ${r.category}`);
        }
      }
    }
    expect(total).toBeGreaterThan(100);
    // Crisis on an ordinary request would alarm people for nothing: none tolerated.
    expect(flagged.filter((f) => f.endsWith('crisis'))).toEqual([]);
    expect(flagged.length / total, flagged.join('\n')).toBeLessThanOrEqual(0.01);
  });
});
