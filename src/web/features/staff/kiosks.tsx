/** The kiosk fleet: a table and a plain SVG map of the kiosks' coordinates (no tile server offline). */
import { useTranslation } from 'react-i18next';
import type { ApiResponse } from '../../../shared/api/contract.ts';
import { useApp } from '../../app-context.tsx';
import { ErrorAlert, Loading } from '../../components/form-bits.tsx';
import { formatDateTime } from '../../format.ts';
import { useGet } from '../../use-api.ts';
import { usePageTitle } from '../../use-page-title.ts';
import { useHeadingFocus } from './staff-hooks.ts';

type Kiosk = ApiResponse<'/api/v1/kiosks'>['kiosks'][number];

export function KiosksPage() {
  const { t } = useTranslation('staff');
  const { lang, timeZone } = useApp();
  usePageTitle(t('kiosks.title'));
  const heading = useHeadingFocus();
  const fleet = useGet('/api/v1/kiosks');
  const kiosks = fleet.data?.kiosks ?? [];
  const lats = kiosks.map((k) => k.coordinates.lat);
  const lons = kiosks.map((k) => k.coordinates.lon);
  const [minLat, maxLat, minLon, maxLon] = [Math.min(...lats), Math.max(...lats), Math.min(...lons), Math.max(...lons)];
  const W = 600;
  const H = 360;
  const pad = 30;
  const x = (lon: number) => pad + ((lon - minLon) / (maxLon - minLon || 1)) * (W - 2 * pad);
  const y = (lat: number) => H - pad - ((lat - minLat) / (maxLat - minLat || 1)) * (H - 2 * pad);
  const name = (k: Kiosk) => k.names[lang] ?? k.names.es ?? k.id;
  return (
    <section aria-labelledby="kiosks-title">
      <h1 id="kiosks-title" tabIndex={-1} ref={heading}>
        {t('kiosks.title')}
      </h1>
      <ErrorAlert error={fleet.error} />
      {fleet.isLoading ? <Loading /> : null}
      {kiosks.length > 0 ? (
        <>
          <figure className="kiosk-map">
            <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby="kiosk-map-caption">
              <rect x="0" y="0" width={W} height={H} fill="#f4f7fa" stroke="#5c6670" />
              {kiosks.map((k) => (
                <g key={k.id}>
                  <circle
                    cx={x(k.coordinates.lon)}
                    cy={y(k.coordinates.lat)}
                    r="8"
                    fill={k.isOnline ? '#0b6b2f' : '#b00020'}
                    stroke="#1b1b1b"
                  />
                  <text x={x(k.coordinates.lon) + 11} y={y(k.coordinates.lat) + 4} fontSize="12" fill="#1b1b1b">
                    {k.id}
                  </text>
                </g>
              ))}
            </svg>
            <figcaption id="kiosk-map-caption">
              {t('kiosks.map_caption', { online: kiosks.filter((k) => k.isOnline).length, total: kiosks.length })}
            </figcaption>
          </figure>
          <div className="table-wrap">
            <table>
              <caption>{t('kiosks.table')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('kiosks.name')}</th>
                  <th scope="col">{t('kiosks.status')}</th>
                  <th scope="col">{t('kiosks.last_activity')}</th>
                  <th scope="col">{t('kiosks.today')}</th>
                  <th scope="col">{t('kiosks.location')}</th>
                </tr>
              </thead>
              <tbody>
                {kiosks.map((k) => (
                  <tr key={k.id}>
                    <th scope="row">{name(k)}</th>
                    <td>{k.isOnline ? t('kiosks.online') : t('kiosks.offline')}</td>
                    <td>{k.lastActivityAt ? formatDateTime(k.lastActivityAt, lang, timeZone) : t('kiosks.never')}</td>
                    <td>{k.todayEvents}</td>
                    <td>
                      {k.address ?? ''} ({k.coordinates.lat.toFixed(4)}, {k.coordinates.lon.toFixed(4)})
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      ) : null}
    </section>
  );
}
