import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { useApp } from '../../app-context.tsx';
import { formatNumber, toQuery } from './obs-api.ts';
import type { Municipality } from './obs-types.ts';

/**
 * A council picker: a search box (name or INE code) and a native select of the matches, so it works with
 * any keyboard and screen reader without a custom combobox.
 */
export function MunicipalityPicker({ label, value, onChange, id: idProp }: { label: string; value: string; onChange: (ine5: string, m?: Municipality) => void; id?: string }) {
  const { t } = useTranslation('observatory-web');
  const { lang } = useApp();
  const autoId = useId();
  const id = idProp ?? `muni-${autoId.replace(/:/g, '')}`;
  const [text, setText] = useState(value);
  const [options, setOptions] = useState<Municipality[]>([]);
  useEffect(() => {
    const q = text.trim();
    if (q.length < 2) return;
    const ctrl = new AbortController();
    // 250 ms: one request per pause in typing, not per key.
    const timer = setTimeout(() => {
      api<Municipality[]>(`/api/v1/observatory/municipalities${toQuery({ q, limit: 15 })}`, { signal: ctrl.signal })
        .then((ms) => {
          setOptions(ms);
          const exact = ms.find((m) => m.ine5 === q);
          if (exact) onChange(exact.ine5, exact);
        })
        .catch(() => undefined);
    }, 250);
    return () => {
      clearTimeout(timer);
      ctrl.abort();
    };
    // onChange is a new function on each render of the parent; the search depends on the text only.
  }, [text]);
  const current = options.find((m) => m.ine5 === value);
  return (
    <fieldset className="obs-picker">
      <legend>{label}</legend>
      <div className="field">
        <label htmlFor={`${id}-q`}>{t('picker.search')}</label>
        <p className="field__hint" id={`${id}-hint`}>{t('picker.hint')}</p>
        <input id={`${id}-q`} type="search" value={text} onChange={(e) => setText(e.target.value)} aria-describedby={`${id}-hint`} autoComplete="off" />
      </div>
      <div className="field">
        <label htmlFor={id}>{t('picker.choose')}</label>
        <select id={id} value={value} onChange={(e) => onChange(e.target.value, options.find((m) => m.ine5 === e.target.value))}>
          <option value="">{t('picker.none')}</option>
          {value && !current ? <option value={value}>{value}</option> : null}
          {options.map((m) => (
            <option key={m.ine5} value={m.ine5}>
              {t('picker.option', { name: m.name, province: m.province, population: formatNumber(m.population, lang), code: m.ine5 })}
            </option>
          ))}
        </select>
      </div>
    </fieldset>
  );
}
