/** Analytics: date range, totals, charts (uPlot, lazy) each with its data table, CSV export links. */
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { apiUrl } from '../../api.ts';
import { useApp } from '../../app-context.tsx';
import { ErrorAlert, Loading } from '../../components/form-bits.tsx';
import { formatMoney } from '../../format.ts';
import { useGet } from '../../use-api.ts';
import { usePageTitle } from '../../use-page-title.ts';
import { Chart, type Series } from './chart.tsx';
import { useHeadingFocus } from './staff-hooks.ts';

function keysOf(rows: Record<string, number>[]): string[] {
  return [...new Set(rows.flatMap((r) => Object.keys(r)))].sort();
}

function DataTable({ id, caption, head, rows }: { id: string; caption: string; head: string[]; rows: (string | number)[][] }) {
  return (
    <div className="table-wrap">
      <table id={id}>
        <caption>{caption}</caption>
        <thead>
          <tr>
            {head.map((h, i) => (
              <th key={h} scope="col" className={i > 0 ? 'num' : undefined}>
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={String(r[0])}>
              {r.map((c, i) =>
                i === 0 ? (
                  <th key={i} scope="row">
                    {c}
                  </th>
                ) : (
                  <td key={i} className="num">
                    {c}
                  </td>
                ),
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function AnalyticsPage() {
  const { t } = useTranslation('staff');
  const { lang } = useApp();
  usePageTitle(t('analytics.title'));
  const heading = useHeadingFocus();
  // The default range (the last 30 days up to today) is the server's, in the council's time zone: "today" in the
  // browser's UTC date would be yesterday in Madrid between midnight and 1 a.m. (and miss the day's figures).
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [range, setRange] = useState<{ from: string; to: string } | undefined>(undefined);
  const report = useGet('/api/v1/analytics', { params: { query: range ?? {} } });
  const data = report.data;
  useEffect(() => {
    if (!data || range) return;
    setFrom(data.range.from);
    setTo(data.range.to);
  }, [data, range]);
  const q = data ? `from=${data.range.from}&to=${data.range.to}` : '';
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setRange({ from, to });
  };
  const charts = useMemo(() => {
    if (!data) return null;
    const days = data.proceduresPerDay.map((d) => d.day);
    const types = keysOf(data.proceduresPerDay.map((d) => d.byType));
    const langs = keysOf(data.queriesPerDay.map((d) => d.byLanguage));
    const procSeries: Series[] = types.map((k) => ({ label: k, values: data.proceduresPerDay.map((d) => d.byType[k] ?? 0) }));
    const querySeries: Series[] = langs.map((k) => ({ label: k, values: data.queriesPerDay.map((d) => d.byLanguage[k] ?? 0) }));
    const handoffSeries: Series[] = [{ label: t('analytics.handoffs'), values: data.handoffsPerDay.map((d) => d.count) }];
    return {
      days,
      types,
      langs,
      procSeries,
      querySeries,
      handoffSeries,
      queryDays: data.queriesPerDay.map((d) => d.day),
      handoffDays: data.handoffsPerDay.map((d) => d.day),
    };
  }, [data, t]);
  const csv = (table: string) => apiUrl(`/api/v1/analytics/export.csv?${q}&table=${table}`);
  return (
    <section aria-labelledby="analytics-title">
      <h1 id="analytics-title" tabIndex={-1} ref={heading}>
        {t('analytics.title')}
      </h1>
      <form className="form form--inline" onSubmit={submit}>
        <label htmlFor="an-from">{t('analytics.from')}</label>
        <input id="an-from" type="date" value={from} onChange={(e) => setFrom(e.target.value)} />
        <label htmlFor="an-to">{t('analytics.to')}</label>
        <input id="an-to" type="date" value={to} onChange={(e) => setTo(e.target.value)} />
        <button type="submit" className="button">
          {t('analytics.apply')}
        </button>
      </form>
      <ErrorAlert error={report.error} />
      {report.isLoading || !data || !charts ? (
        <Loading />
      ) : (
        <>
          <h2>{t('analytics.totals')}</h2>
          <dl className="totals" data-testid="totals">
            <div>
              <dt>{t('analytics.procedures')}</dt>
              <dd data-total="procedures">{data.totals.procedures}</dd>
            </div>
            <div>
              <dt>{t('analytics.certificates')}</dt>
              <dd data-total="certificates">{data.totals.certificates}</dd>
            </div>
            <div>
              <dt>{t('analytics.payments')}</dt>
              <dd data-total="payments">{data.totals.payments}</dd>
            </div>
            <div>
              <dt>{t('analytics.paid')}</dt>
              <dd data-total="paid">{formatMoney(data.totals.paidCents, lang)}</dd>
            </div>
            <div>
              <dt>{t('analytics.queries')}</dt>
              <dd data-total="queries">{data.totals.queries}</dd>
            </div>
            <div>
              <dt>{t('analytics.resolution')}</dt>
              <dd data-total="resolution">
                {data.totals.resolutionRate === null ? '—' : `${Math.round(data.totals.resolutionRate * 100)} %`}
              </dd>
            </div>
            <div>
              <dt>{t('analytics.handoffs')}</dt>
              <dd data-total="handoffs">{data.totals.handoffs}</dd>
            </div>
          </dl>

          <h2>{t('analytics.procedures_per_day')}</h2>
          <Chart days={charts.days} series={charts.procSeries} title={t('analytics.procedures_per_day')} />
          <DataTable
            id="table-procedures"
            caption={t('analytics.procedures_per_day')}
            head={[t('analytics.day'), ...charts.types]}
            rows={data.proceduresPerDay.map((d) => [d.day, ...charts.types.map((k) => d.byType[k] ?? 0)])}
          />
          <p>
            <a href={csv('procedures')}>{t('analytics.csv', { name: t('analytics.procedures_per_day') })}</a>
          </p>

          <h2>{t('analytics.queries_per_day')}</h2>
          <Chart days={charts.queryDays} series={charts.querySeries} title={t('analytics.queries_per_day')} />
          <DataTable
            id="table-queries"
            caption={t('analytics.queries_per_day')}
            head={[t('analytics.day'), ...charts.langs]}
            rows={data.queriesPerDay.map((d) => [d.day, ...charts.langs.map((k) => d.byLanguage[k] ?? 0)])}
          />
          <p>
            <a href={csv('queries')}>{t('analytics.csv', { name: t('analytics.queries_per_day') })}</a>
          </p>

          <h2>{t('analytics.handoffs_per_day')}</h2>
          <Chart days={charts.handoffDays} series={charts.handoffSeries} title={t('analytics.handoffs_per_day')} />
          <DataTable
            id="table-handoffs"
            caption={t('analytics.handoffs_per_day')}
            head={[t('analytics.day'), t('analytics.handoffs')]}
            rows={data.handoffsPerDay.map((d) => [d.day, d.count])}
          />
          <p>
            <a href={csv('handoffs')}>{t('analytics.csv', { name: t('analytics.handoffs_per_day') })}</a>
          </p>

          <h2>{t('analytics.kiosks')}</h2>
          <DataTable
            id="table-kiosks"
            caption={t('analytics.kiosks')}
            head={[t('analytics.kiosk'), t('analytics.total')]}
            rows={data.kiosks.map((k) => [k.kioskId, k.total])}
          />
          <p>
            <a href={csv('kiosks')}>{t('analytics.csv', { name: t('analytics.kiosks') })}</a>
          </p>

          <h2>{t('analytics.unanswered')}</h2>
          <DataTable
            id="table-unanswered"
            caption={t('analytics.unanswered')}
            head={[t('analytics.question'), t('analytics.count')]}
            rows={data.topUnanswered.map((u) => [u.question, u.count])}
          />
          <p>
            <a href={csv('unanswered')}>{t('analytics.csv', { name: t('analytics.unanswered') })}</a>
          </p>
        </>
      )}
    </section>
  );
}
